"""Exiting without shutdown(), forking, many producer threads, and bad input from hypothesis."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import pytest
import track
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trackapis.interakt import InteraktClient
from trackapis.testing import InteraktFake

KEY = "test-interakt-key"


def _run(script: str, fake: InteraktFake, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAKE_URL": fake.url, "FAKE_KEY": KEY}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_script_that_never_calls_shutdown_delivers_and_exits(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.add_latency(0.01)
    result = _run(
        """
        import os, track
        track.api_key, track.host = os.environ["FAKE_KEY"], os.environ["FAKE_URL"]
        for n in range(20):
            for user in range(5):
                track.event(user_id=f"user-{user}", event="Step", traits={"n": n})
        """,
        interakt_fake,
        timeout=30,  # the original hangs here forever
    )
    assert result.returncode == 0, result.stderr
    for user in range(5):
        stored = interakt_fake.user(f"user-{user}")
        assert stored is not None
        assert [event.traits["n"] for event in stored.events] == list(range(20))


def test_exit_is_bounded_by_shutdown_timeout_and_what_is_left_is_reported(
    interakt_fake: InteraktFake,
) -> None:
    interakt_fake.faults.add_latency(20)  # the server never answers in time
    started = time.monotonic()
    result = _run(
        """
        import os, track
        track.api_key, track.host = os.environ["FAKE_KEY"], os.environ["FAKE_URL"]
        track.timeout, track.shutdown_timeout = 60, 1
        for n in range(3):
            track.event(user_id="u", event="Step", traits={"n": n})
        """,
        interakt_fake,
        timeout=15,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    assert result.stderr.count("Error uploading: ") == 3  # the original's warning, one per message
    assert "may or may not have arrived" in result.stderr  # the one in flight
    assert KEY not in result.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads running (3.12+)
def test_a_forked_child_gets_a_working_client(interakt_fake: InteraktFake) -> None:
    with InteraktClient(KEY, base_url=interakt_fake.url) as client:
        client.event("Before fork", user_id="parent")
        client.flush(5)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                client.event("In child", user_id="child")
                sent = client.send_event("Sync in child", user_id="child")
                if client.flush(5).delivered == 1 and sent.status == 201:
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        client.event("After fork", user_id="parent")
        client.flush(5)
    assert os.waitstatus_to_exitcode(status) == 0
    names = sorted(event.event for _, event in interakt_fake.events)
    assert names == ["After fork", "Before fork", "In child", "Sync in child"]


def _track_from_threads(threads: int, events: int) -> None:
    """`threads` threads each send `events` events of their own user through the track module."""

    def produce(thread: int) -> None:
        for n in range(events):
            track.event(user_id=f"thread-{thread}", event="Step", traits={"n": n})

    running = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()


def _in_order_per_thread(fake: InteraktFake, threads: int, events: int) -> bool:
    users = [fake.user(f"thread-{t}") for t in range(threads)]
    return all(
        user is not None and [event.traits["n"] for event in user.events] == list(range(events))
        for user in users
    )


def test_many_threads_through_the_track_module(interakt_fake: InteraktFake) -> None:
    track.api_key, track.host = KEY, interakt_fake.url
    try:
        _track_from_threads(8, 100)
        result = track.flush(120)  # a bound against hanging, not a speed check
        assert result.delivered == 800, (result, len(interakt_fake.events))
    finally:
        track.shutdown(5)
        track.api_key = track.host = None
    assert _in_order_per_thread(interakt_fake, 8, 100)


def test_a_settings_change_under_many_threads_sends_each_call_once_to_the_new_client(
    interakt_fake: InteraktFake,
) -> None:
    # The switch from a sync-mode client to a background one while eight threads call: a call
    # that raced the switch used to reach the old client (sent at once, beside the new client's
    # queue, uncounted by flush()); each call must reach the new client, once, in order.
    interakt_fake.validate = False  # the fake's spec checks are not what this counts
    try:
        for round_ in range(10):
            interakt_fake.reset()
            track.api_key, track.host, track.sync_mode = KEY, interakt_fake.url, True
            track.event(user_id="sync", event="Sync")
            track.shutdown(5)
            track.sync_mode = False
            _track_from_threads(8, 10)
            result = track.flush(60)
            assert (result.delivered, len(interakt_fake.events)) == (80, 81), round_  # and "Sync"
            assert _in_order_per_thread(interakt_fake, 8, 10), round_
    finally:
        track.shutdown(5)
        track.api_key, track.host, track.sync_mode = None, None, False
        interakt_fake.validate = True


# -- bad input ------------------------------------------------------------------------------------------

not_an_id = st.one_of(
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.binary(min_size=1, max_size=4),
    st.sampled_from([float("nan"), float("inf"), -float("inf")]),
)
not_digits = st.text(min_size=1, max_size=12).filter(lambda s: not (s.isascii() and s.isdigit()))
unassigned_codes = st.sampled_from(["+0", "+999", "+28", "+210", "+6789", "+12345", "91a", "++91", " +91"])
unencodable = st.one_of(st.builds(object), st.binary(min_size=1), st.complex_numbers(allow_nan=False))
naive = st.datetimes(max_value=datetime.datetime(2100, 1, 1))

BAD_CALLS = st.one_of(
    st.tuples(st.just("user_id"), not_an_id.map(lambda v: {"user_id": v})),
    st.tuples(st.just("phone_number"), not_digits.map(lambda v: {"user_id": "u", "phone_number": v})),
    st.tuples(
        st.just("country_code"), unassigned_codes.map(lambda v: {"phone_number": "9999", "country_code": v})
    ),
    st.tuples(st.just("traits"), unencodable.map(lambda v: {"user_id": "u", "traits": {"k": [v]}})),
    st.tuples(st.just("created_at"), naive.map(lambda v: {"user_id": "u", "created_at": v})),
    st.tuples(st.just("created_at"), st.text(max_size=8).map(lambda v: {"user_id": "u", "created_at": v})),
    st.tuples(
        st.just("event"), st.sampled_from(["", "  ", None, 5]).map(lambda v: {"event": v, "user_id": "u"})
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=BAD_CALLS)
def test_bad_input_is_refused_at_the_call_site_naming_the_argument(
    interakt_fake: InteraktFake, call: tuple[str, dict[str, Any]]
) -> None:
    argument, kwargs = call
    client = InteraktClient(KEY, base_url=interakt_fake.url)
    if "event" in kwargs:
        name = kwargs.pop("event")
        call_it: Any = lambda: client.event(name, **kwargs)  # noqa: E731
    else:
        call_it = lambda: client.user(**kwargs)  # noqa: E731
    try:
        with pytest.raises((ValueError, TypeError)) as raised:
            call_it()
        assert argument in str(raised.value)
        assert client.stats().queued == 0
    finally:
        client.shutdown(1)


def test_a_child_forked_while_the_parent_delivers_delivers_its_own(interakt_fake: InteraktFake) -> None:
    script = """
        import os, sys
        from trackapis.interakt import InteraktClient
        client = InteraktClient("test-interakt-key", base_url=sys.argv[1])
        for n in range(20):
            client.event("Parent", user_id=f"p{n}")  # workers start now, while the fork comes
        pid = os.fork()
        if pid == 0:
            for n in range(20):
                client.event("Child", user_id=f"c{n}")
            result = client.shutdown(10)
            os._exit(0 if result.delivered == 20 else 1)
        _, status = os.waitpid(pid, 0)
        client.shutdown(10)
        sys.exit(os.waitstatus_to_exitcode(status))
    """
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), interakt_fake.url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    assert sum(1 for _, event in interakt_fake.events if event.event == "Child") == 60
