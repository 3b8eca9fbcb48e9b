"""Generated client ids and transaction ids."""

from __future__ import annotations

import re
import threading
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from trackapis.attributionio import new_client_id
from trackapis.attributionio._identity import _TransactionClock, event_time_us, transaction_id
from trackapis.attributionio._payload import event_requests, who

SHAPE = re.compile(r"^[a-z0-9]{24}$")


def test_generated_ids_are_24_characters_of_a_z_0_9() -> None:
    ids = [new_client_id() for _ in range(2000)]

    assert all(SHAPE.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    # Every character of the alphabet shows up: the choice is over all 36, not a subset.
    assert set("".join(ids)) == set("abcdefghijklmnopqrstuvwxyz0123456789")


def test_generated_ids_come_from_secrets() -> None:
    with mock.patch("secrets.choice", return_value="q") as choice:
        assert new_client_id() == "q" * 24

    assert choice.call_count == 24


@given(st.one_of(st.none(), st.just("")))
def test_an_absent_client_id_is_generated_once_per_call(client_id: str | None) -> None:
    client = who(client_id)
    identity, event = event_requests("key", "cookie", "signup", client, user_agent=None, last_url=None)

    assert client.generated
    assert identity.identity.client_id == event.event.client_id == client.client_id
    assert SHAPE.match(client.client_id)


@given(st.one_of(st.text(min_size=1).filter(str.strip), st.integers()))
def test_a_given_client_id_is_kept(client_id: str | int) -> None:
    client = who(client_id)
    _, event = event_requests("key", "cookie", "signup", client, user_agent=None, last_url=None)

    assert not client.generated
    assert event.event.client_id == str(client_id)
    assert event.event.transaction_id.rsplit("@", 1)[0] == str(client_id)


def test_transaction_ids_are_unique_within_one_second_and_keep_their_shape() -> None:
    clock = _TransactionClock()
    with mock.patch("time.time_ns", return_value=1_700_000_000_123_456_000):
        times = [clock.next() for _ in range(1000)]
    tids = [transaction_id("john", t) for t in times]

    assert len(set(tids)) == 1000
    assert all(re.fullmatch(r"john@\d{10}\.\d{6}", tid) for tid in tids)
    assert times == sorted(times)
    assert tids[0].startswith("john@1700000000.")


def test_transaction_ids_are_unique_across_threads() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        mine = [event_time_us() for _ in range(500)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(seen)) == 2000


def test_created_at_is_the_transaction_ids_second() -> None:
    identity, event = event_requests("key", "cookie", "signup", who("john"), user_agent=None, last_url=None)

    seconds = int(event.event.transaction_id.rsplit("@", 1)[1].split(".")[0])
    assert event.event.created_at == identity.identity.created_at == seconds


def test_every_exported_name_is_importable() -> None:
    import trackapis.attributionio as module

    assert len(set(module.__all__)) == len(module.__all__)
    assert [name for name in module.__all__ if not hasattr(module, name)] == []
