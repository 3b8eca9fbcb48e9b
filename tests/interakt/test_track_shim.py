"""The drop-in `track` module: the seed README's calls, settings, and the original's faults fixed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import track
from track_helpers import KEY, SECRET_KEY, configured

from trackapis.testing import InteraktFake, serve

BASIC = "Basic " + SECRET_KEY


@pytest.fixture(autouse=True)
def _configured(interakt_fake: InteraktFake) -> Iterator[None]:
    with configured(interakt_fake.url):
        yield


def test_seed_readme_calls_send_what_the_original_sent(interakt_fake: InteraktFake) -> None:
    queued = track.user(
        user_id="<user_id in your db>",
        country_code="+91",
        phone_number="9999999999",
        traits={"name": "John Doe", "email": "john@email.com", "age": 24, "dob": "1998-01-01"},
    )
    track.user(
        user_id="<user_id in your db>",
        country_code="+91",
        phone_number="9999999999",
        traits={"dob": "1997-12-01"},
    )
    track.event(
        user_id="<user id in your db>",
        event="Order Placed",
        traits={"orderCreatedBy": "Gavin Roberts", "orderNumber": "CUS001", "orderValue": "50.00"},
        country_code="+91",
        phone_number="9999999999",
    )
    track.event(12345, "Numeric id")  # positional, as the original's signature allows
    assert track.flush(5).delivered == 4
    assert queued == (
        True,
        {
            "path": "/v1/public/track/users/",
            "body": {
                "traits": {"name": "John Doe", "email": "john@email.com", "age": 24, "dob": "1998-01-01"},
                "userId": "<user_id in your db>",
                "countryCode": "+91",
                "phoneNumber": "9999999999",
            },
        },
    )
    # Different users are delivered concurrently: find each request by its body.
    sent = {
        r.json().get("event", "user"): (r.method, r.path, r.headers["authorization"], r.json())
        for r in interakt_fake.requests
    }
    assert sent["Order Placed"] == (
        "POST",
        "/v1/public/track/events/",
        BASIC,
        {
            "event": "Order Placed",
            "traits": {"orderCreatedBy": "Gavin Roberts", "orderNumber": "CUS001", "orderValue": "50.00"},
            "userId": "<user id in your db>",
            "countryCode": "+91",
            "phoneNumber": "9999999999",
        },
    )
    assert sent["Numeric id"][3] == {"event": "Numeric id", "traits": {}, "userId": "12345"}


def test_the_decoded_key_sends_the_same_header(interakt_fake: InteraktFake) -> None:
    track.api_key = KEY
    track.user(user_id="u")
    track.flush(5)
    assert interakt_fake.requests[0].headers["authorization"] == BASIC


def test_settings_changed_after_the_first_call_take_effect(interakt_fake: InteraktFake) -> None:
    track.user(user_id="first")
    with serve(InteraktFake(api_key=KEY)) as other:
        track.host = other.url
        track.user(user_id="second")
        track.flush(5)
        assert [r.json()["userId"] for r in other.requests] == ["second"]
    track.flush(5)
    assert [r.json()["userId"] for r in interakt_fake.requests] == ["first"]


def test_sync_mode_returns_the_answer_and_shutdown_works(interakt_fake: InteraktFake) -> None:
    track.sync_mode = True
    answer = track.event(user_id="u", event="Signed Up")
    assert isinstance(answer, track.request.Response)
    assert answer.status_code == 201
    assert answer.ok
    assert answer
    assert answer.json()["result"] is True
    assert answer.json()["id"]  # the event id, as `resp.json()["id"]` read it from the original
    assert answer.headers["Content-Type"].startswith("application/json")
    track.shutdown()  # the original raised AttributeError here
    assert len(interakt_fake.events) == 1


def test_a_call_after_shutdown_is_delivered(interakt_fake: InteraktFake) -> None:
    track.user(user_id="before")
    track.shutdown(5)
    assert track.user(user_id="after")[0] is True  # type: ignore[index]
    assert track.flush(5).delivered == 1
    assert [r.json()["userId"] for r in interakt_fake.requests] == ["before", "after"]


def test_on_error_gets_the_error_and_the_queue_message(interakt_fake: InteraktFake) -> None:
    seen: list[tuple[Exception, dict[str, Any]]] = []
    track.on_error = lambda error, message: seen.append((error, message))
    interakt_fake.faults.fail_next(1, status=400)
    track.user(user_id="u", traits={"a": 1})
    track.flush(5)
    ((error, message),) = seen
    assert "400" in str(error)
    assert message == {"path": "/v1/public/track/users/", "body": {"traits": {"a": 1}, "userId": "u"}}


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (track.user, "user_id or phone_number is required"),
        (lambda: track.event(user_id="u"), "event must be a string"),
        (lambda: track.event(user_id="u", event=""), "event must not be empty"),
        (lambda: track.user(phone_number="99-99"), "phone_number must contain digits only"),
        (lambda: track.user(phone_number="9999", country_code="+999"), "not a country calling code"),
        (lambda: track.user(user_id=True), "user_id must be a string or an int"),
    ],
)
def test_bad_calls_raise_at_the_call_site(call: Any, words: str) -> None:
    with pytest.raises((ValueError, TypeError), match=words):
        call()


def test_user_id_zero_is_an_id(interakt_fake: InteraktFake) -> None:
    track.user(user_id=0)
    track.flush(5)
    assert interakt_fake.requests[0].json()["userId"] == "0"


def test_missing_api_key_is_a_clear_error() -> None:
    track.api_key = None
    with pytest.raises(ValueError, match=r"track\.api_key is not set"):
        track.user(user_id="u")


# -- what the original took that the typed client does not (found by a differential audit) ----------


def test_integral_ids_of_other_types_and_non_integral_numbers_are_sent_as_the_original_sent_them(
    interakt_fake: InteraktFake,
) -> None:
    import numbers

    class Int64:  # numpy.int64 and pandas' ids: a numbers.Integral that is not an int
        def __init__(self, value: int) -> None:
            self.value = value

        def __index__(self) -> int:
            return self.value

    numbers.Integral.register(Int64)
    track.user(user_id=Int64(12345))  # type: ignore[arg-type]
    track.event(user_id=1.5, event="Float id")  # type: ignore[arg-type]
    assert track.flush(5).delivered == 2
    assert [user.user_id for user in interakt_fake.users] == ["12345", "1.5"]
    with pytest.raises(TypeError, match="user_id"):
        track.user(user_id=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("traits", [[], "", 0, None])
def test_an_event_with_empty_traits_of_another_type_sends_no_traits(
    traits: Any, interakt_fake: InteraktFake
) -> None:
    assert track.event(user_id="42", event="E", traits=traits)[1]["body"]["traits"] == {}  # type: ignore[index]
    assert track.flush(5).delivered == 1


def test_an_event_argument_given_to_user_is_refused_not_dropped(interakt_fake: InteraktFake) -> None:
    with pytest.raises(TypeError, match="'event'"):
        track.user(user_id="42", event="Meant track.event")  # type: ignore[call-arg]
    client = track.Client(api_key=KEY, host=interakt_fake.url, sync_mode=True)
    with pytest.raises(TypeError, match="'event'"):
        client.user(user_id="42", event="x")  # type: ignore[call-arg]
    assert interakt_fake.requests == []


@pytest.mark.parametrize("timeout", [None, (3, 5)])
def test_timeout_none_or_a_connect_read_pair_is_taken(timeout: Any, interakt_fake: InteraktFake) -> None:
    track.timeout = timeout
    track.event(user_id="42", event="E")
    assert track.flush(5).delivered == 1
    track.sync_mode = True
    assert track.event(user_id="42", event="E").status_code == 201  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [0, -1])
def test_max_queue_size_zero_or_less_is_no_limit_as_with_queue_queue(
    size: int, interakt_fake: InteraktFake
) -> None:
    track.max_queue_size = size
    assert all(track.event(user_id=str(n), event="E")[0] for n in range(50))  # type: ignore[index]
    assert track.default_client is not None
    assert track.default_client.queue.full() is False
    assert track.flush(10).delivered == 50


def test_a_full_queue_logs_the_original_line_once(
    interakt_fake: InteraktFake, caplog: pytest.LogCaptureFixture
) -> None:
    interakt_fake.faults.add_latency(0.3)
    client = track.Client(api_key=KEY, host=interakt_fake.url, max_queue_size=1, max_in_flight=1)
    outcomes = [client.event(user_id="42", event=f"E{n}")[0] for n in range(3)]  # type: ignore[index]
    client.shutdown()
    assert outcomes.count(False) >= 1
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["track-python queue is full"] * outcomes.count(False)


def test_debug_off_restores_the_level_it_found(interakt_fake: InteraktFake) -> None:
    import logging

    chosen = logging.getLogger("interakt")
    before = chosen.level
    try:
        chosen.setLevel(logging.ERROR)
        track.debug = False  # the original never lowered a level
        assert chosen.level == logging.ERROR
        track.debug = True
        assert chosen.level == logging.DEBUG
        track.debug = False
        assert chosen.level == logging.ERROR
    finally:
        track.debug = False
        chosen.setLevel(before)


def test_the_sync_answer_has_the_url_it_was_sent_to(interakt_fake: InteraktFake) -> None:
    track.sync_mode = True
    answer = track.event(user_id="42", event="E")
    assert answer.url == interakt_fake.url + "/v1/public/track/events/"  # type: ignore[union-attr]


def test_the_original_id_types_are_there() -> None:
    import numbers

    from track.client import ID_TYPES

    assert (numbers.Number, str) == ID_TYPES
