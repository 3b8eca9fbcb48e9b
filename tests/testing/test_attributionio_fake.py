"""The Attribution.io fake: public triggers, the private customer API, credentials, validation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from trackapis.testing import AttributionEvent, AttributionFake, AttributionIdentity, serve

PUBLIC_KEY = "test-public-key"
SECRET = "test-secret"
LISTS = ("pageviews", "touchpoints", "events", "identities")


def _customer_path(client_id: str, public_key: str = PUBLIC_KEY) -> str:
    return f"/api/v1/{quote(public_key, safe='')}/customers/{quote(client_id, safe='')}"


def _identity(
    client_id: str, *, aliases: list[str] | None = None, created_at: Any = 1700000000, **extra: Any
) -> dict[str, Any]:
    identity = {
        "aliases": ["alias-1"] if aliases is None else aliases,
        "client_id": client_id,
        "public_key": PUBLIC_KEY,
        "created_at": created_at,
        "meta": {"agent": "User-Agent unknown"},
    }
    return {"identity": {**identity, **extra}}


def _event(
    client_id: str, *, event_key: str = "signup", created_at: int = 1700000100, **extra: Any
) -> dict[str, Any]:
    event = {
        "aliases": ["alias-2"],
        "client_id": client_id,
        "event_public_key": event_key,
        "url": "URL unknown",
        "public_key": PUBLIC_KEY,
        "transaction_id": f"{client_id}@{created_at}",
        "is_informational": False,
        "created_at": created_at,
        "meta": {"agent": "Mozilla/5.0"},
    }
    return {"event": {**event, **extra}}


# -- public API and stored state -------------------------------------------------------------------


def test_identities_and_events_are_stored(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    identity = attributionio_client.post(
        "/identities", json=_identity("john@example.com", aliases=["a1", "a2"])
    )
    event = attributionio_client.post("/events", json=_event("john@example.com"))

    assert (identity.status_code, identity.json()) == (200, {"status": "ok"})
    assert (event.status_code, event.json()) == (200, {"status": "ok"})
    assert [AttributionIdentity("john@example.com", ["a1", "a2"], 1700000000, "User-Agent unknown")] == (
        attributionio_fake.identities
    )
    assert [
        AttributionEvent(
            client_id="john@example.com",
            aliases=["alias-2"],
            event_key="signup",
            url="URL unknown",
            transaction_id="john@example.com@1700000100",
            is_informational=False,
            created_at=1700000100,
            agent="Mozilla/5.0",
        )
    ] == attributionio_fake.events


def test_get_customer_is_404_before_any_trigger_and_200_after(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    before = attributionio_client.get(_customer_path("john"), params={"secret": SECRET})
    attributionio_client.post(
        "/identities", json=_identity("john", aliases=["b", "a"], created_at=1700000050)
    )
    attributionio_client.post("/events", json=_event("john", created_at=1700000010))
    attributionio_client.post("/identities", json=_identity("someone-else", aliases=["z"], created_at=1))
    after = attributionio_client.get(_customer_path("john"), params={"secret": SECRET})

    assert (before.status_code, before.json()) == (404, {"message": "no such customer"})
    assert after.status_code == 200
    assert (after.json()) == {
        "customer": {"client_id": "john", "aliases": ["a", "alias-2", "b"], "created_at": 1700000010}
    }


def test_a_customer_known_only_from_an_event_exists(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    attributionio_client.post("/events", json=_event("eve"))

    response = attributionio_client.get(
        _customer_path("eve"), params={"secret": SECRET, "show_identities": "true"}
    )

    assert response.status_code == 200
    assert response.json()["customer"]["identities"] == []


def _with_every_list(
    fake: AttributionFake, client: httpx.Client, client_id: str
) -> dict[str, list[dict[str, Any]]]:
    client.post("/identities", json=_identity(client_id))
    client.post("/events", json=_event(client_id))
    fake.add_pageview(client_id, {"url": "https://shop.example/"})
    fake.add_touchpoint(client_id, {"source": "newsletter"})
    return {
        "pageviews": [{"url": "https://shop.example/"}],
        "touchpoints": [{"source": "newsletter"}],
        "events": [
            {
                "client_id": client_id,
                "aliases": ["alias-2"],
                "event_key": "signup",
                "url": "URL unknown",
                "transaction_id": f"{client_id}@1700000100",
                "is_informational": False,
                "created_at": 1700000100,
                "agent": "Mozilla/5.0",
            }
        ],
        "identities": [
            {
                "client_id": client_id,
                "aliases": ["alias-1"],
                "created_at": 1700000000,
                "agent": "User-Agent unknown",
            }
        ],
    }


@pytest.mark.parametrize("name", LISTS)
def test_each_show_flag_adds_exactly_its_list(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client, name: str
) -> None:
    lists = _with_every_list(attributionio_fake, attributionio_client, "john")

    response = attributionio_client.get(
        _customer_path("john"), params={"secret": SECRET, f"show_{name}": "true"}
    )

    customer = response.json()["customer"]
    assert {"client_id", "aliases", "created_at", name} == set(customer)
    assert lists[name] == customer[name]


def test_show_all_adds_all_four_lists(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    lists = _with_every_list(attributionio_fake, attributionio_client, "john")

    response = attributionio_client.get(_customer_path("john"), params={"secret": SECRET, "show_all": "true"})

    customer = response.json()["customer"]
    assert lists == {name: customer[name] for name in LISTS}
    assert {"client_id", "aliases", "created_at", *LISTS} == set(customer)


def test_false_flags_add_nothing(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    _with_every_list(attributionio_fake, attributionio_client, "john")
    params = {"secret": SECRET, "show_all": "false", **{f"show_{name}": "false" for name in LISTS}}

    response = attributionio_client.get(_customer_path("john"), params=params)

    assert {"client_id", "aliases", "created_at"} == set(response.json()["customer"])


@pytest.mark.parametrize("client_id", ["shop/42", "a/b/c", "john@example.com", "100% sure", "ünïcode"])
def test_a_client_id_with_reserved_characters_round_trips(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client, client_id: str
) -> None:
    attributionio_client.post("/identities", json=_identity(client_id))

    response = attributionio_client.get(_customer_path(client_id), params={"secret": SECRET})

    assert response.status_code == 200
    assert client_id == response.json()["customer"]["client_id"]
    assert [(r.operation_id, r.status) for r in attributionio_fake.requests_to("getCustomer")] == [
        ("getCustomer", 200)
    ]


def test_a_slash_is_sent_and_recorded_percent_encoded(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    attributionio_client.post("/identities", json=_identity("shop/42"))

    attributionio_client.get(_customer_path("shop/42"), params={"secret": SECRET})

    assert (
        attributionio_fake.requests_to("getCustomer")[0].path == "/api/v1/test-public-key/customers/shop%2F42"
    )


# -- credentials ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        pytest.param(_customer_path("john"), {"secret": "Wr0ng-Secret"}, id="wrong-secret"),
        pytest.param(_customer_path("john", "other-public-key"), {"secret": SECRET}, id="wrong-public-key"),
        pytest.param(_customer_path("john"), {}, id="missing-secret"),
        pytest.param(_customer_path("john"), {"secret": ""}, id="empty-secret"),
    ],
)
def test_the_private_api_with_wrong_credentials_is_401(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client, path: str, params: dict[str, str]
) -> None:
    attributionio_client.post("/identities", json=_identity("john"))

    response = attributionio_client.get(path, params=params)

    assert response.status_code == 401
    assert {"message"} == set(response.json())
    assert "Wr0ng-Secret" not in response.text
    assert SECRET not in response.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param("/identities", _identity("john", public_key="someone-elses-key"), id="identity"),
        pytest.param("/events", _event("john", public_key="someone-elses-key"), id="event"),
    ],
)
def test_a_trigger_with_a_wrong_public_key_is_401(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    response = attributionio_client.post(path, json=body)

    assert (response.status_code, response.json()) == (401, {"message": "unknown public_key"})
    assert (attributionio_fake.identities, attributionio_fake.events) == ([], [])


@pytest.fixture(scope="module")
def disabled_fake() -> Iterator[AttributionFake]:
    with serve(AttributionFake(disabled=True)) as fake:
        yield fake


def test_a_disabled_account_gets_403_on_the_private_api(disabled_fake: AttributionFake) -> None:
    with httpx.Client(base_url=disabled_fake.url, timeout=5) as client:
        trigger = client.post("/identities", json=_identity("john"))
        customer = client.get(_customer_path("john"), params={"secret": SECRET})
        wrong_secret = client.get(_customer_path("john"), params={"secret": "nope"})

    assert trigger.status_code == 200
    assert (customer.status_code, customer.json()) == (403, {"message": "the account is disabled"})
    # Wrong credentials are still told apart from a disabled account.
    assert wrong_secret.status_code == 401


def test_the_secret_never_appears_in_any_response_body(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    attributionio_fake.add_pageview("john", {"url": "/"})
    responses = [
        attributionio_client.get(_customer_path("john"), params={"secret": SECRET}),
        attributionio_client.post("/identities", json=_identity("john")),
        attributionio_client.get(_customer_path("john"), params={"secret": SECRET, "show_all": "true"}),
        attributionio_client.get(_customer_path("john"), params={"secret": SECRET, "show_all": "maybe"}),
        attributionio_client.get(_customer_path("nobody"), params={"secret": SECRET}),
        attributionio_client.get(_customer_path("john", "wrong-key"), params={"secret": SECRET}),
        attributionio_client.post(_customer_path("john"), params={"secret": SECRET}),
        attributionio_client.get("/api/v1/customers", params={"secret": SECRET}),
    ]
    attributionio_fake.faults.fail_next(1, status=503)
    responses.append(attributionio_client.get(_customer_path("john"), params={"secret": SECRET}))

    assert [r.status_code for r in responses] == [404, 200, 200, 400, 404, 401, 405, 404, 503]
    for response in responses:
        assert SECRET not in response.text
        assert SECRET not in str(response.headers)


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param("/identities", {"identity": {}}, "client_id", id="identity-empty"),
        pytest.param("/identities", {}, "'identity'", id="identity-missing"),
        pytest.param(
            "/identities", _identity("john", aliases=[], created_at=1), "aliases", id="aliases-empty"
        ),
        pytest.param(
            "/identities", _identity("john", created_at="yesterday"), "created_at", id="created-at-string"
        ),
        pytest.param("/identities", _identity("john", created_at=-5), "created_at", id="created-at-negative"),
        pytest.param("/identities", _identity("john", meta={}), "agent", id="agent-missing"),
        pytest.param("/identities", _identity(""), "client_id", id="client-id-empty"),
        pytest.param(
            "/events", _event("john", is_informational="no"), "is_informational", id="informational"
        ),
        pytest.param(
            "/events", _event("john", event_public_key=""), "event_public_key", id="event-key-empty"
        ),
    ],
)
def test_an_invalid_body_is_400_naming_the_field(
    attributionio_fake: AttributionFake,
    attributionio_client: httpx.Client,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = attributionio_client.post(path, json=body)

    assert response.status_code == 400
    assert {"message"} == set(response.json())
    assert field in response.json()["message"]
    assert (attributionio_fake.identities, attributionio_fake.events) == ([], [])


def test_a_flag_that_is_not_a_boolean_is_400_naming_the_flag(attributionio_client: httpx.Client) -> None:
    response = attributionio_client.get(
        _customer_path("john"), params={"secret": SECRET, "show_all": "maybe"}
    )

    assert response.status_code == 400
    assert "show_all" in response.json()["message"]


def test_invalid_json_is_400(attributionio_client: httpx.Client) -> None:
    response = attributionio_client.post(
        "/events", content=b"not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]


@pytest.mark.parametrize("path", ["/api/v1/test-public-key/customers/", "/api/v2/identities", "/identities/"])
def test_an_unknown_path_is_404_json(attributionio_client: httpx.Client, path: str) -> None:
    response = attributionio_client.get(path, params={"secret": SECRET})

    assert response.status_code == 404
    assert {"message": f"no operation at {path}"} == response.json()


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", _customer_path("john"), "GET"), ("GET", "/identities", "POST"), ("DELETE", "/events", "POST")],
)
def test_a_wrong_method_is_405_with_allow(
    attributionio_client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = attributionio_client.request(method, path)

    assert response.status_code == 405
    assert allow == response.headers["allow"]
    assert {"message"} == set(response.json())


# -- recording and reset -------------------------------------------------------------------------


def test_requests_are_recorded_with_operation_and_status(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    attributionio_client.get(_customer_path("john"), params={"secret": SECRET})
    attributionio_client.post("/identities", json=_identity("john"))
    attributionio_client.post("/events", json=_event("john"))
    attributionio_client.get(_customer_path("john"), params={"secret": SECRET, "show_events": "true"})

    assert [(r.method, r.path, r.operation_id, r.status) for r in attributionio_fake.requests] == [
        ("GET", "/api/v1/test-public-key/customers/john", "getCustomer", 404),
        ("POST", "/identities", "triggerIdentity", 200),
        ("POST", "/events", "triggerEvent", 200),
        ("GET", "/api/v1/test-public-key/customers/john", "getCustomer", 200),
    ]
    assert [r.query for r in attributionio_fake.requests_to("getCustomer")] == [
        [("secret", SECRET)],
        [("secret", SECRET), ("show_events", "true")],
    ]
    assert [_event("john")] == [r.json() for r in attributionio_fake.requests_to("triggerEvent")]


def test_reset_forgets_identities_events_lists_requests_and_faults(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    _with_every_list(attributionio_fake, attributionio_client, "john")
    attributionio_fake.faults.fail_next(1, status=500)

    attributionio_fake.reset()

    assert (
        attributionio_fake.identities,
        attributionio_fake.events,
        attributionio_fake.requests,
    ) == ([], [], [])
    assert attributionio_client.get(_customer_path("john"), params={"secret": SECRET}).status_code == 404
    attributionio_client.post("/identities", json=_identity("john"))
    customer = attributionio_client.get(_customer_path("john"), params={"secret": SECRET, "show_all": "true"})
    assert (customer.json()["customer"]["pageviews"], customer.json()["customer"]["touchpoints"]) == ([], [])


@pytest.mark.parametrize("argument", ["public_key", "secret"])
def test_empty_credentials_are_refused(argument: str) -> None:
    kwargs: dict[str, Any] = {argument: ""}

    with pytest.raises(ValueError, match=rf"^{argument} must be"):
        AttributionFake(**kwargs)
