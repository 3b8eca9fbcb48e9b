"""The durable store: the SQLite spool, the engine's writer, takeover of what a dead owner left."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from trackapis._retry import RetryPolicy
from trackapis.delivery import DeliveryEngine, SendResult, StoreError, open_store
from trackapis.delivery._store_sqlite import SQLiteStore

FAST = RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.005)


class JsonCodec:
    def encode(self, payload: Any) -> bytes:
        return json.dumps(payload).encode()

    def decode(self, data: bytes) -> Any:
        return json.loads(data)


class Gate:
    """A sender that records what it sends and holds every send until `open` is set."""

    def __init__(self, opened: bool = True) -> None:
        self.open = threading.Event()
        if opened:
            self.open.set()
        self.lock = threading.Lock()
        self.sent: list[Any] = []

    def factory(self) -> Gate:
        return self

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        self.open.wait(10)
        with self.lock:
            self.sent.extend(payloads)
        return [SendResult.delivered()] * len(payloads)

    def close(self) -> None:
        pass


class Started(Gate):
    """A `Gate` that tells when its first send began."""

    def __init__(self, opened: bool = True) -> None:
        super().__init__(opened)
        self.started = threading.Event()

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        self.started.set()
        return super().send(payloads)


@pytest.fixture
def spool(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'spool.db'}"


@pytest.fixture
def engines() -> Iterator[list[DeliveryEngine]]:
    made: list[DeliveryEngine] = []
    yield made
    for engine in made:
        engine.shutdown(timeout=5)


def engine_on(url: str, sender: Gate, engines: list[DeliveryEngine], **options: Any) -> DeliveryEngine:
    options.setdefault("retry_policy", FAST)
    options.setdefault("on_error", lambda error, payload: None)
    engine = DeliveryEngine(sender.factory, store=open_store(url), codec=JsonCodec(), **options)
    engines.append(engine)
    return engine


def rows(url: str) -> int:
    path = url.removeprefix("sqlite:///")
    return int(sqlite3.connect(path).execute("SELECT COUNT(*) FROM messages").fetchone()[0])


def test_store_urls() -> None:
    assert open_store("memory") is None
    assert open_store(None) is None
    store = open_store("sqlite:///spool.db")
    assert isinstance(store, SQLiteStore)
    assert store.path == Path("spool.db")
    store = open_store("sqlite:////var/tmp/spool.db")
    assert isinstance(store, SQLiteStore)
    assert store.path == Path("/var/tmp/spool.db")
    with pytest.raises(ValueError, match="store"):
        open_store("postgres://db/x")
    with pytest.raises(ValueError, match="store"):
        open_store("sqlite://")
    with pytest.raises(TypeError, match="store"):
        open_store(5)


def test_leftovers_are_delivered_by_the_next_engine_in_per_key_order(
    spool: str, engines: list[DeliveryEngine]
) -> None:
    held = Gate(opened=False)
    first = engine_on(spool, held, engines, max_in_flight=2)
    for n in range(30):
        first.submit({"key": f"k{n % 3}", "n": n}, f"k{n % 3}")
    result = first.shutdown(timeout=0)  # the server never answered: everything stays in the spool
    assert result.dropped == 0
    # What was in flight may have arrived: it stays, and is reported as unknown (it may come twice).
    assert 1 <= result.unknown <= 2
    assert result.pending + result.unknown == 30
    assert rows(spool) == 30
    held.open.set()

    second_sender = Gate()
    second = engine_on(spool, second_sender, engines)
    second.submit({"key": "k0", "n": 100}, "k0")  # a new message queues behind the leftovers
    assert second.flush(timeout=10).delivered == 31
    for key in ("k0", "k1", "k2"):
        ns = [p["n"] for p in second_sender.sent if p["key"] == key]
        assert ns == sorted(ns)
    assert [p["n"] for p in second_sender.sent if p["key"] == "k0"][-1] == 100
    second.shutdown(timeout=5)
    assert rows(spool) == 0


def test_two_live_engines_on_one_spool_never_take_each_others_messages(
    spool: str, engines: list[DeliveryEngine]
) -> None:
    held, other = Gate(opened=False), Gate()
    first = engine_on(spool, held, engines)
    for n in range(20):
        first.submit({"n": n}, f"k{n}")
    first._sync_now()
    second = engine_on(spool, other, engines)
    second._claim()
    assert other.sent == []  # the first engine is alive: its messages stay its own
    held.open.set()
    assert first.flush(timeout=10).delivered == 20
    assert sorted(p["n"] for p in held.sent) == list(range(20))


def test_a_dead_owners_messages_are_taken_over(spool: str, engines: list[DeliveryEngine]) -> None:
    path = spool.removeprefix("sqlite:///")
    store = open_store(spool)
    assert store is not None
    store.open("ghost", 60)
    store.write("ghost", [("k", b'{"n": 1}'), ("k", b'{"n": 2}')], [])
    store.close()
    # The ghost's process is gone (a pid that cannot exist) though its lease has not expired.
    sqlite3.connect(path, isolation_level=None).execute(
        "UPDATE owners SET pid = 2147483646 WHERE owner = 'ghost'"
    )
    sender = Gate()
    engine = engine_on(spool, sender, engines)
    assert engine.flush(timeout=10).delivered == 2
    assert sender.sent == [{"n": 1}, {"n": 2}]


def test_a_live_process_keeps_its_messages_past_its_lease(spool: str, engines: list[DeliveryEngine]) -> None:
    path = spool.removeprefix("sqlite:///")
    store = open_store(spool)
    assert store is not None
    store.open("starved", 60)
    store.write("starved", [("k", b'{"n": 1}')], [])
    store.close()
    # Its lease ran out (its writer was starved), but its process (here: our parent) still runs.
    sqlite3.connect(path, isolation_level=None).execute(
        "UPDATE owners SET pid = ?, expires = expires - 100 WHERE owner = 'starved'", (os.getppid(),)
    )
    sender = Gate()
    engine = engine_on(spool, sender, engines)
    assert engine.flush(timeout=5).delivered == 0
    assert sender.sent == []
    assert rows(spool) == 1


def test_a_corrupt_spool_is_a_clear_error_at_construction(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite spool"):
        DeliveryEngine(Gate().factory, store=open_store(f"sqlite:///{path}"), codec=JsonCodec())


def test_a_locked_spool_is_a_clear_error_at_construction(spool: str) -> None:
    holder = sqlite3.connect(spool.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            DeliveryEngine(Gate().factory, store=open_store(spool), codec=JsonCodec())
    finally:
        holder.execute("ROLLBACK")


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        DeliveryEngine(
            Gate().factory, store=open_store(f"sqlite:///{tmp_path}/no/spool.db"), codec=JsonCodec()
        )


def test_a_full_spool_drops_and_reports(spool: str, engines: list[DeliveryEngine]) -> None:
    dropped: list[Any] = []
    held = Gate(opened=False)
    engine = engine_on(spool, held, engines, max_queue_size=5, on_error=lambda e, p: dropped.append(p))
    accepted = [engine.submit({"n": n}, "k") for n in range(8)]
    assert accepted == [True] * 5 + [False] * 3
    assert dropped == [{"n": 5}, {"n": 6}, {"n": 7}]
    held.open.set()
    assert engine.flush(timeout=10).delivered == 5


def test_delivered_messages_leave_the_spool(spool: str, engines: list[DeliveryEngine]) -> None:
    engine = engine_on(spool, Gate(), engines)
    for n in range(50):
        engine.submit({"n": n}, f"k{n % 7}")
    assert engine.flush(timeout=10).delivered == 50
    engine._sync_now()
    assert rows(spool) == 0


def test_a_store_needs_a_codec_and_a_sane_sync_interval(spool: str) -> None:
    with pytest.raises(TypeError, match="codec"):
        DeliveryEngine(Gate().factory, store=open_store(spool))
    with pytest.raises(ValueError, match="store_sync_interval"):
        DeliveryEngine(Gate().factory, store_sync_interval=0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads running (3.12+)
def test_a_forked_child_uses_the_spool_as_an_owner_of_its_own(
    spool: str, engines: list[DeliveryEngine]
) -> None:
    sender = Gate()
    engine = engine_on(spool, sender, engines)
    engine.submit({"n": "parent"}, "p")
    assert engine.flush(timeout=10).delivered == 1
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            engine.submit({"n": "child"}, "c")
            if engine.flush(timeout=10).delivered == 1 and engine.shutdown(timeout=5).pending == 0:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    engine.submit({"n": "after"}, "p")
    assert engine.flush(timeout=10).delivered == 1
    engine.shutdown(timeout=5)
    assert rows(spool) == 0


def one_in_flight(
    url: str | None, engines: list[DeliveryEngine], count: int, **options: Any
) -> tuple[Started, DeliveryEngine, list[tuple[str, Any, str]]]:
    """An engine (on the spool at `url`, or in memory) with `count` messages `{"n": ...}` of one
    key queued, the first held in flight; and what its `on_error` got: (kind, payload, why)."""
    held = Started(opened=False)
    reports: list[tuple[str, Any, str]] = []
    options.update(
        max_in_flight=1,
        on_error=lambda error, payload: reports.append((type(error).__name__, payload, str(error))),
    )
    if url is None:
        engine = DeliveryEngine(held.factory, **options)
        engines.append(engine)
    else:
        engine = engine_on(url, held, engines, **options)
    for n in range(count):
        engine.submit({"n": n}, "k")
    assert held.started.wait(10)
    return held, engine, reports


def test_a_message_in_flight_at_a_bounded_shutdown_is_reported_unknown(
    spool: str, engines: list[DeliveryEngine]
) -> None:
    held, first, reports = one_in_flight(spool, engines, 5)
    result = first.shutdown(timeout=0.2)
    held.open.set()  # the one in flight arrives after all: the next start sends it again
    assert result.unknown == 1
    assert result.pending == 4
    assert [(kind, payload) for kind, payload, _ in reports] == [("MessageUnknown", {"n": 0})]
    assert rows(spool) == 5


def test_terminate_refuses_and_reports_what_came_after_the_drain(engines: list[DeliveryEngine]) -> None:
    held, engine, reports = one_in_flight(None, engines, 2)
    engine.terminate("the process was stopped (SIGTERM)")
    assert engine.submit({"n": "late"}, "k") is False
    held.open.set()
    kinds = [(kind, payload["n"]) for kind, payload, _ in reports]
    assert kinds == [("MessageUnknown", 0), ("MessageDropped", 1), ("MessageDropped", "late")]
    assert all("SIGTERM" in why for _, _, why in reports), reports


def test_terminate_with_a_spool_reports_each_message_once_and_keeps_the_rest(
    spool: str, engines: list[DeliveryEngine]
) -> None:
    delivered: list[Any] = []
    held, engine, reports = one_in_flight(spool, engines, 3, on_delivered=delivered.append)
    engine.terminate("the process was stopped (SIGTERM)")
    assert engine.submit({"n": "late"}, "k") is False
    held.open.set()  # the one in flight returns: nothing more is reported for it
    time.sleep(0.3)
    assert [(kind, payload) for kind, payload, _ in reports] == [
        ("MessageUnknown", {"n": 0}),
        ("MessageDropped", {"n": "late"}),
    ]
    assert delivered == []
    assert held.sent == [{"n": 0}]  # nothing more was sent: the rest waits in the spool
    assert rows(spool) >= 2
