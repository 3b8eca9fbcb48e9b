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
