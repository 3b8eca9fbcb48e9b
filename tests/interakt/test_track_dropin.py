"""`track` as a drop-in for interakt-track-python 1.0.7: its names, errors, returns and delivery."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import track
import track.request
from track.request import APIError
from track_helpers import KEY, SECRET_KEY, configured

import trackapis.interakt
from trackapis.testing import InteraktFake, serve


@pytest.fixture(autouse=True)
def _configured(interakt_fake: InteraktFake) -> Iterator[None]:
    with configured(interakt_fake.url):
        yield


def ids(fake: InteraktFake, key: str = "event") -> list[Any]:
    return [r.json().get(key) for r in fake.requests]


def test_shutdown_without_a_timeout_delivers_everything(interakt_fake: InteraktFake) -> None:
    # The scenario, smaller: one user's messages go one at a time, so at 30 ms they take
    # far longer than shutdown_timeout; the original's shutdown() had no limit, nor has this one.
    track.shutdown_timeout = 0.2
    interakt_fake.faults.add_latency(0.03)
    for n in range(40):
        track.event(user_id="one", event=f"e{n}")
    result = track.shutdown()
    assert (result.delivered, result.dropped, result.failed, result.pending) == (40, 0, 0, 0)
    assert ids(interakt_fake) == [f"e{n}" for n in range(40)]


@pytest.mark.parametrize("finish", ["flush", "join"])
def test_flush_and_join_without_a_timeout_deliver_everything(
    interakt_fake: InteraktFake, finish: str
) -> None:
    track.shutdown_timeout = 0.2
    interakt_fake.faults.add_latency(0.03)
    for n in range(20):
        track.user(user_id="one", traits={"n": n})
    assert getattr(track, finish)().delivered == 20
    assert len(interakt_fake.requests) == 20


def test_a_setting_changed_mid_stream_drops_nothing_and_keeps_order(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.add_latency(0.02)
    for n in range(30):
        track.event(user_id="one", event=f"e{n}")
    track.timeout = 11  # a new client for new messages; the queued ones keep going
    for n in range(30, 40):
        track.event(user_id="one", event=f"e{n}")
    result = track.flush()
    assert (result.delivered, result.dropped, result.failed) == (40, 0, 0)
    assert ids(interakt_fake) == [f"e{n}" for n in range(40)]


def test_a_new_host_applies_to_new_messages_only(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.add_latency(0.02)
    for n in range(10):
        track.event(user_id="one", event=f"old{n}")
    with serve(InteraktFake(api_key=KEY)) as other:
        track.host = other.url
        track.event(user_id="one", event="new")
        assert track.flush().delivered == 11
        assert ids(other) == ["new"]
    assert ids(interakt_fake) == [f"old{n}" for n in range(10)]


def test_debug_and_on_error_apply_without_a_new_client(interakt_fake: InteraktFake) -> None:
    track.user(user_id="u")
    before = track.default_client
    track.debug = True
    track.on_error = lambda error, message: None
    track.user(user_id="u")
    assert track.default_client is before
    track.flush()


def test_two_clients_with_two_keys_at_once(interakt_fake: InteraktFake) -> None:
    with serve(InteraktFake(api_key="other-key")) as other:
        first = track.Client(api_key=KEY, host=interakt_fake.url)
        second = track.Client("other-key", other.url)
        assert first.user(user_id="a")[0] is True
        assert second.event(user_id="b", event="E") == (
            True,
            {"path": "/v1/public/track/events/", "body": {"event": "E", "traits": {}, "userId": "b"}},
        )
        first.shutdown()
        second.shutdown()
        assert [r.json()["userId"] for r in interakt_fake.requests] == ["a"]
        assert [r.json()["userId"] for r in other.requests] == ["b"]


def test_api_error_from_track_request_catches_a_sync_mode_4xx(interakt_fake: InteraktFake) -> None:
    track.sync_mode = True
    interakt_fake.faults.fail_next(1, status=400)
    with pytest.raises(APIError) as caught:
        track.event(user_id="u", event="E")
    error = caught.value
    assert error.status_code == 400
    assert error.status is False  # the body's `result`, as the original's `status`
    assert str(error) == f"[interakt-track] StatusCode(400): {error.message} (Success=False)"
    assert isinstance(error, trackapis.interakt.APIError)  # and the typed error, for new code


def test_sync_mode_401_is_also_the_typed_authentication_error(interakt_fake: InteraktFake) -> None:
    track.sync_mode = True
    track.api_key = "wrong"
    with pytest.raises(trackapis.interakt.AuthenticationError) as caught:
        track.user(user_id="u")
    assert isinstance(caught.value, APIError)
    assert caught.value.status_code == 401


def test_sync_mode_connection_error_is_an_oserror() -> None:
    track.sync_mode = True
    track.max_retries = 0
    track.host = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(OSError, match="POST /v1/public/track/users/") as caught:
        track.user(user_id="u")
    assert isinstance(caught.value, trackapis.interakt.TransportError)


@pytest.mark.parametrize(
    "call",
    [
        track.user,
        lambda: track.user(phone_number="99-99"),
        lambda: track.user(phone_number="9999", country_code="+999"),
        lambda: track.event(user_id="u"),
        lambda: track.event(user_id="u", event=""),
        lambda: track.user(user_id="u", traits=["not", "a", "dict"]),
        lambda: track.Client(api_key=None),
    ],
)
def test_input_errors_are_assertion_errors_too(call: Any) -> None:
    with pytest.raises(AssertionError) as caught:
        call()
    assert isinstance(caught.value, (ValueError, TypeError))


def test_missing_api_key_is_an_assertion_error() -> None:
    track.api_key = None
    with pytest.raises(AssertionError, match=r"track\.api_key is not set"):
        track.user(user_id="u")


def test_non_string_trait_keys_become_strings_as_json_dumps_does(interakt_fake: InteraktFake) -> None:
    queued = track.user(user_id="u", traits={1: "a", 2.5: "b", None: "d", "n": {3: "e", False: "f"}})
    assert queued[1]["body"]["traits"] == {"1": "a", "2.5": "b", "null": "d", "n": {"3": "e", "false": "f"}}
    track.flush()
    assert interakt_fake.requests[0].json()["traits"] == queued[1]["body"]["traits"]


def test_a_key_json_cannot_write_is_refused_by_name() -> None:
    with pytest.raises(AssertionError, match="traits"):
        track.user(user_id="u", traits={(1, 2): "a"})


def test_debug_logs_requests_and_outcomes_on_the_interakt_logger(
    interakt_fake: InteraktFake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    track.debug = True
    interakt_fake.faults.fail_next(1, status=503)
    track.event(user_id="u", event="Logged")
    track.flush()
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("interakt", "Enqueued msg for /v1/public/track/events/") in messages
    attempts = [m for name, m in messages if name == "trackapis.interakt" and "Logged" in m]
    assert len(attempts) == 2  # the 503, then the retry that was delivered
    assert attempts[0].endswith("-> 503")
    assert attempts[1].endswith("-> 201")
    assert not any(SECRET_KEY in m or KEY in m for _, m in messages)


def test_debug_records_reach_handlers_set_on_the_interakt_logger(interakt_fake: InteraktFake) -> None:
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Collect()
    logging.getLogger("interakt").addHandler(handler)
    try:
        track.debug = True
        track.user(user_id="u")
        track.flush()
    finally:
        logging.getLogger("interakt").removeHandler(handler)
    assert any(m.startswith("POST /v1/public/track/users/") and m.endswith("-> 202") for m in seen)


def test_phone_only_event_follows_the_user_id_seen_with_that_phone(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.add_latency(0.02)
    for n in range(5):
        track.user(user_id="42", phone_number="9999999999", traits={"n": n})
    track.event(event="Signed Up", phone_number="9999999999")
    track.flush()
    assert [r.json().get("event", "user") for r in interakt_fake.requests] == ["user"] * 5 + ["Signed Up"]


def test_the_originals_names_exist() -> None:
    import track.client
    import track.const
    import track.consumer
    import track.utils
    import track.version

    assert track.VERSION == track.version.VERSION == "1.0.7"
    assert track.const.ApiPaths.User.value == "/v1/public/track/users/"
    assert track.const.DEFAULT_HOST == "https://api.interakt.ai"
    assert track.client.Client is track.Client
    assert track.utils.stringify(5) == "5"
    assert track.utils.remove_trailing_slash("http://h/") == "http://h"
    with pytest.raises(AssertionError):
        track.utils.require("x", 1, str)
    with pytest.raises(AssertionError):
        track.utils.verify_country_code("+999")
    track.utils.verify_country_code("+91")
    assert callable(track.request.post)


def test_default_client_is_a_track_client(interakt_fake: InteraktFake) -> None:
    track.user(user_id="u")
    assert isinstance(track.default_client, track.Client)
    assert track.default_client.queue.maxsize == 10000
    track.flush()
    assert track.default_client.queue.empty()


def test_request_post_sends_once_and_raises_api_error(interakt_fake: InteraktFake) -> None:
    answer = track.request.post(
        KEY, host=interakt_fake.url, path="/v1/public/track/users/", body={"userId": "p"}
    )
    assert answer.status_code == 202
    assert answer.json()["result"] is True
    interakt_fake.faults.fail_next(1, status=400)
    with pytest.raises(APIError) as caught:
        track.request.post(KEY, host=interakt_fake.url, path="/v1/public/track/users/", body={"userId": "p"})
    assert caught.value.status_code == 400


def test_a_bounded_shutdown_never_reports_a_delivered_message_as_dropped(interakt_fake: InteraktFake) -> None:
    from trackapis.delivery import MessageDropped, MessageUnknown

    seen: list[tuple[type[Exception], str]] = []
    track.on_error = lambda error, message: seen.append((type(error), message["body"]["event"]))
    interakt_fake.faults.add_latency(0.5)
    for n in range(4):
        track.event(user_id="one", event=f"e{n}")
    result = track.shutdown(0.2)
    assert (result.delivered, result.dropped, result.unknown) == (0, 3, 1)
    assert seen == [
        (MessageUnknown, "e0"),
        (MessageDropped, "e1"),
        (MessageDropped, "e2"),
        (MessageDropped, "e3"),
    ]
    # The one in flight reached the server (its fate was unknown); none reported dropped did.
    assert ids(interakt_fake) == ["e0"]


def test_sync_mode_timeout_is_a_timeout_error(interakt_fake: InteraktFake) -> None:
    track.sync_mode = True
    track.max_retries = 0
    track.timeout = 0.2
    interakt_fake.faults.add_latency(1)
    with pytest.raises(TimeoutError) as caught:
        track.user(user_id="u")
    assert isinstance(caught.value, trackapis.interakt.TransportError)


def test_switching_to_sync_mode_sends_after_what_was_queued(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.add_latency(0.02)
    for n in range(10):
        track.event(user_id="one", event=f"e{n}")
    track.sync_mode = True
    assert track.event(user_id="one", event="sync").status_code == 201
    assert ids(interakt_fake) == [f"e{n}" for n in range(10)] + ["sync"]
    assert track.flush().delivered == 10  # the retired client's outcomes are still reported


def test_a_script_that_changes_a_setting_and_exits_delivers_everything_in_order(
    interakt_fake: InteraktFake,
) -> None:
    import os
    import subprocess
    import sys

    script = """
import os, track
track.api_key, track.host = os.environ["KEY"], os.environ["URL"]
for n in range(20):
    track.event(user_id="one", event=f"e{n}")
track.timeout = 11
for n in range(20, 25):
    track.event(user_id="one", event=f"e{n}")
"""
    interakt_fake.faults.add_latency(0.02)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "KEY": KEY, "URL": interakt_fake.url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ids(interakt_fake) == [f"e{n}" for n in range(25)]
