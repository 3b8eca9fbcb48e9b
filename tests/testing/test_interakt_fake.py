"""The Interakt fake: credentials, users and events, validation, recording and reset."""

from __future__ import annotations

import base64

import httpx
import pytest

from trackapis.testing import InteraktEvent, InteraktFake

USERS = "/v1/public/track/users/"
EVENTS = "/v1/public/track/events/"
# A distinctive key that must never come back in a response.
SENT_KEY = "sekrit-Key-4711"


def _basic(username: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# -- credentials ---------------------------------------------------------------------------------


def test_the_right_key_with_an_empty_password_is_accepted(interakt_client: httpx.Client) -> None:
    response = interakt_client.post(USERS, json={"userId": "u1"})

    assert response.status_code == 202
    assert response.json() == {"result": True, "message": "User data queued successfully"}


def test_the_dashboard_secret_key_as_a_ready_made_credential_is_accepted(interakt_fake: InteraktFake) -> None:
    secret_key = base64.b64encode(b"test-interakt-key:").decode()

    response = httpx.post(
        interakt_fake.url + USERS, json={"userId": "u1"}, headers={"Authorization": f"Basic {secret_key}"}
    )

    assert response.status_code == 202


def test_a_wrong_key_is_401(interakt_fake: InteraktFake) -> None:
    response = httpx.post(interakt_fake.url + USERS, json={"userId": "u1"}, auth=(SENT_KEY, ""))

    assert response.status_code == 401
    assert response.json() == {"result": False, "message": "unknown API key"}
    assert interakt_fake.users == []


def test_missing_auth_is_401(interakt_fake: InteraktFake) -> None:
    response = httpx.post(interakt_fake.url + EVENTS, json={"userId": "u1", "event": "e"})

    assert response.status_code == 401
    body = response.json()
    assert False is body["result"]
    assert {"result", "message"} == set(body)
    assert interakt_fake.users == []


def test_a_non_empty_password_is_401_even_with_the_right_key(interakt_fake: InteraktFake) -> None:
    response = httpx.post(interakt_fake.url + USERS, json={"userId": "u1"}, auth=("test-interakt-key", "pw"))

    assert response.status_code == 401
    assert response.json() == {
        "result": False,
        "message": "the password must be empty: the API key is the username",
    }


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(_basic(SENT_KEY), id="wrong-key"),
        pytest.param(_basic(SENT_KEY, "pw"), id="key-with-password"),
        pytest.param(_basic("test-interakt-key", SENT_KEY), id="key-as-password"),
        pytest.param(f"Basic {SENT_KEY}", id="key-not-base64"),
        pytest.param(f"Bearer {SENT_KEY}", id="bearer"),
        pytest.param(SENT_KEY, id="bare-key"),
    ],
)
def test_the_401_message_never_contains_the_key_that_was_sent(
    interakt_fake: InteraktFake, authorization: str
) -> None:
    response = httpx.post(
        interakt_fake.url + USERS, json={"userId": "u1"}, headers={"Authorization": authorization}
    )

    assert response.status_code == 401
    assert False is response.json()["result"]
    assert SENT_KEY not in response.text
    token = authorization.partition(" ")[2]
    assert not token or token not in response.text


# -- users -----------------------------------------------------------------------------------------


def test_traits_are_merged_with_later_values_replacing(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(USERS, json={"userId": "u1", "traits": {"name": "John", "dob": "1998-01-01"}})
    interakt_client.post(USERS, json={"userId": "u1", "traits": {"dob": "1997-12-01", "Pin code": "400001"}})
    interakt_client.post(USERS, json={"userId": "u1"})

    user = interakt_fake.user("u1")

    assert user is not None
    assert user.traits == {"name": "John", "dob": "1997-12-01", "Pin code": "400001"}
    assert len(interakt_fake.users) == 1


def test_users_are_kept_apart_by_user_id(interakt_fake: InteraktFake, interakt_client: httpx.Client) -> None:
    interakt_client.post(USERS, json={"userId": "u1", "traits": {"n": 1}})
    interakt_client.post(USERS, json={"userId": "u2", "traits": {"n": 2}})

    assert [(u.user_id, u.traits) for u in interakt_fake.users] == [("u1", {"n": 1}), ("u2", {"n": 2})]


def test_a_user_is_found_by_country_code_and_phone(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    phone = {"countryCode": "+91", "phoneNumber": "9999999999"}
    interakt_client.post(USERS, json={**phone, "traits": {"a": 1}})
    interakt_client.post(USERS, json={**phone, "traits": {"b": 2}})

    user = interakt_fake.user(phone="+919999999999")

    assert user is not None
    assert (
        user.user_id,
        user.country_code,
        user.phone_number,
        user.phone,
    ) == (None, "+91", "9999999999", "+919999999999")
    assert user.traits == {"a": 1, "b": 2}
    assert [user] == interakt_fake.users


def test_the_same_number_in_another_country_is_another_user(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(USERS, json={"countryCode": "+91", "phoneNumber": "5550100"})
    interakt_client.post(USERS, json={"countryCode": "+1", "phoneNumber": "5550100"})

    assert [user.phone for user in interakt_fake.users] == ["+915550100", "+15550100"]


def test_a_user_id_sent_with_a_known_phone_is_added_to_that_user(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(USERS, json={"countryCode": "+91", "phoneNumber": "9999999999", "traits": {"a": 1}})
    interakt_client.post(
        USERS, json={"userId": "u9", "countryCode": "+91", "phoneNumber": "9999999999", "traits": {"b": 2}}
    )

    assert len(interakt_fake.users) == 1
    assert interakt_fake.user("u9") is interakt_fake.user(phone="+919999999999")
    user = interakt_fake.user("u9")
    assert user is not None
    assert user.traits == {"a": 1, "b": 2}


def test_user_lookup_of_an_unknown_user_is_none(interakt_fake: InteraktFake) -> None:
    assert (
        interakt_fake.user("nobody"),
        interakt_fake.user(phone="+10"),
        interakt_fake.user(),
    ) == (None, None, None)


# -- events ----------------------------------------------------------------------------------------


def test_events_are_kept_per_user_in_order(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    for user_id, event in [("u1", "e1"), ("u1", "e2"), ("u2", "e3"), ("u1", "e4")]:
        assert interakt_client.post(EVENTS, json={"userId": user_id, "event": event}).status_code == 201

    u1, u2 = interakt_fake.user("u1"), interakt_fake.user("u2")

    assert u1 is not None
    assert u2 is not None
    assert [event.event for event in u1.events] == ["e1", "e2", "e4"]
    assert [event.event for event in u2.events] == ["e3"]
    assert [(user.user_id, event.event) for user, event in interakt_fake.events] == [
        ("u1", "e1"),
        ("u1", "e2"),
        ("u1", "e4"),
        ("u2", "e3"),
    ]


def test_an_event_for_an_unknown_user_creates_it(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    response = interakt_client.post(
        EVENTS,
        json={
            "countryCode": "+91",
            "phoneNumber": "8888888888",
            "event": "Signed Up",
            "traits": {"plan": "gold"},
        },
    )

    assert response.status_code == 201
    user = interakt_fake.user(phone="+918888888888")
    assert user is not None
    assert [user] == interakt_fake.users
    # Event traits belong to the event, not to the user.
    assert user.traits == {}
    assert [InteraktEvent("Signed Up", {"plan": "gold"}, None, response.json()["id"])] == user.events


def test_the_event_answer_carries_the_stored_event_id(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    body = interakt_client.post(EVENTS, json={"userId": "u1", "event": "e"}).json()

    assert {
        "result": True,
        "message": "Event created successfully",
        "id": interakt_fake.events[0][1].id,
    } == body


def test_created_at_is_stored_as_sent(interakt_fake: InteraktFake, interakt_client: httpx.Client) -> None:
    interakt_client.post(EVENTS, json={"userId": "u1", "event": "a", "createdAt": "2025-03-27T13:26:52.926Z"})
    interakt_client.post(
        EVENTS, json={"userId": "u1", "event": "b", "createdAt": "2025-03-27T19:00:00+05:30"}
    )
    interakt_client.post(EVENTS, json={"userId": "u1", "event": "c"})

    assert [event.created_at for _, event in interakt_fake.events] == [
        "2025-03-27T13:26:52.926Z",
        "2025-03-27T19:00:00+05:30",
        None,
    ]


# -- validation ----------------------------------------------------------------------------------


def test_a_body_without_user_id_or_phone_is_400_stating_the_rule(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    response = interakt_client.post(USERS, json={"traits": {"name": "John"}})

    assert response.status_code == 400
    body = response.json()
    assert {"result", "message"} == set(body)
    assert False is body["result"]
    assert "Either `userId`, or `phoneNumber` with `countryCode`, is mandatory" in body["message"]
    assert interakt_fake.users == []


def test_a_phone_number_without_country_code_breaks_the_rule(interakt_client: httpx.Client) -> None:
    response = interakt_client.post(USERS, json={"phoneNumber": "9999999999"})

    assert response.status_code == 400
    assert "countryCode" in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param(
            USERS, {"countryCode": "+91", "phoneNumber": "99ab99"}, "phoneNumber", id="phone-letters"
        ),
        pytest.param(
            USERS,
            {"userId": "u1", "countryCode": "+91", "phoneNumber": "9-9"},
            "phoneNumber",
            id="phone-dash",
        ),
        pytest.param(
            USERS, {"countryCode": "+91x", "phoneNumber": "9999999999"}, "countryCode", id="letters-in-code"
        ),
        pytest.param(USERS, {"userId": ""}, "userId", id="empty-user-id"),
        pytest.param(USERS, {"userId": 42}, "userId", id="numeric-user-id"),
        pytest.param(USERS, {"userId": "u1", "traits": ["a"]}, "traits", id="traits-list"),
        pytest.param(USERS, {"userId": "u1", "createdAt": "yesterday"}, "createdAt", id="user-created-at"),
        pytest.param(EVENTS, {"userId": "u1"}, "'event'", id="event-missing"),
        pytest.param(EVENTS, {"userId": "u1", "event": ""}, "event", id="event-empty"),
        pytest.param(
            EVENTS,
            {"userId": "u1", "event": "e", "createdAt": "not-a-date"},
            "createdAt",
            id="event-created-at",
        ),
    ],
)
def test_an_invalid_field_is_400_naming_the_field(
    interakt_fake: InteraktFake, interakt_client: httpx.Client, path: str, body: dict[str, object], field: str
) -> None:
    response = interakt_client.post(path, json=body)

    assert response.status_code == 400
    assert False is response.json()["result"]
    assert field in response.json()["message"]
    assert interakt_fake.users == []


def test_invalid_json_is_400(interakt_client: httpx.Client) -> None:
    response = interakt_client.post(
        USERS, content=b'{"userId": "u1",', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert False is response.json()["result"]
    assert "not valid JSON" in response.json()["message"]


def test_a_missing_body_is_400(interakt_client: httpx.Client) -> None:
    response = interakt_client.post(USERS, headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert False is response.json()["result"]


@pytest.mark.parametrize("path", ["/nowhere", "/v1/public/track/users", "/v1/public/track/users/extra"])
def test_an_unknown_path_is_404_json(interakt_client: httpx.Client, path: str) -> None:
    response = interakt_client.post(path, json={"userId": "u1"})

    assert response.status_code == 404
    assert {"result": False, "message": f"no operation at {path}"} == response.json()


def test_a_wrong_method_is_405_with_allow(interakt_client: httpx.Client) -> None:
    response = interakt_client.get(EVENTS)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert False is response.json()["result"]


# -- recording and reset -------------------------------------------------------------------------


def test_every_request_is_recorded_with_method_path_operation_and_status(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(USERS, json={"userId": "u1"})
    interakt_client.post(EVENTS, json={"userId": "u1"})
    interakt_client.post(EVENTS, json={"userId": "u1", "event": "e"})
    interakt_client.get(USERS)
    interakt_client.delete("/nowhere")
    httpx.post(interakt_fake.url + USERS, json={"userId": "u1"})

    assert [(r.method, r.path, r.operation_id, r.status) for r in interakt_fake.requests] == [
        ("POST", USERS, "trackUser", 202),
        ("POST", EVENTS, "trackEvent", 400),
        ("POST", EVENTS, "trackEvent", 201),
        ("GET", USERS, None, 405),
        ("DELETE", "/nowhere", None, 404),
        ("POST", USERS, "trackUser", 401),
    ]


def test_requests_to_selects_one_operation_and_keeps_bodies_and_headers(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(USERS, json={"userId": "u1"})
    interakt_client.post(EVENTS, json={"userId": "u1", "event": "first"}, params={"q": "1"})
    interakt_client.post(USERS, json={"userId": "u2"})
    interakt_client.post(EVENTS, json={"userId": "u2", "event": "second"})

    events = interakt_fake.requests_to("trackEvent")

    assert [r.json() for r in events] == [
        {"userId": "u1", "event": "first"},
        {"userId": "u2", "event": "second"},
    ]
    assert events[0].query == [("q", "1")]
    assert _basic("test-interakt-key") == events[0].headers["authorization"]
    assert [r.json()["userId"] for r in interakt_fake.requests_to("trackUser")] == ["u1", "u2"]
    assert interakt_fake.requests_to("noSuchOperation") == []


def test_reset_forgets_state_requests_and_faults(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_client.post(EVENTS, json={"userId": "u1", "event": "e", "traits": {"a": 1}})
    interakt_fake.faults.fail_next(3, status=500)
    interakt_fake.faults.add_latency(2)

    interakt_fake.reset()

    assert (
        interakt_fake.users,
        interakt_fake.events,
        interakt_fake.requests,
        interakt_fake.faults.latency,
    ) == ([], [], [], 0.0)
    assert interakt_client.post(USERS, json={"userId": "u2"}).status_code == 202
    assert [user.user_id for user in interakt_fake.users] == ["u2"]


def test_an_empty_api_key_is_refused() -> None:
    with pytest.raises(ValueError, match="api_key"):
        InteraktFake(api_key="")
