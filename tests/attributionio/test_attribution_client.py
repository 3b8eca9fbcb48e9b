"""AttributionClient against the fake: the stateful flow, the wire, faults, time bounds, bad input."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import pytest
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis.attributionio import (
    UNKNOWN_AGENT,
    UNKNOWN_URL,
    APIError,
    AttributionClient,
    AuthenticationError,
    ClientClosedError,
    Customer,
    CustomerRecord,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
)
from trackapis.testing import AttributionFake

CLIENT_ID = re.compile(r"^[a-z0-9]{24}$")


def bodies(fake: AttributionFake, operation_id: str) -> list[Any]:
    return [request.json() for request in fake.requests_to(operation_id)]


# -- the stateful flow --------------------------------------------------------------------------------


def test_identity_and_event_then_the_customer_shows_both(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    identity = client.trigger_identity("cookie-1", client_id="john@example.com", user_agent="Firefox")
    event = client.trigger_event(
        "cookie-1", "signup", client_id="john@example.com", user_agent="Firefox", last_url="https://x.io/a"
    )

    customer = client.fetch_customer("john@example.com", full=True)

    assert identity.status == 200
    assert (event.event_status, event.identity_status) == (200, 200)
    assert isinstance(customer, Customer)
    assert customer.client_id == "john@example.com"
    assert customer["aliases"] == ["cookie-1"]
    assert customer.events is not None
    assert [record["transaction_id"] for record in customer.events] == [event.transaction_id]
    assert customer.events[0]["event_key"] == "signup"
    assert customer.events[0]["url"] == "https://x.io/a"
    assert customer.identities is not None
    assert len(customer.identities) == 2  # trigger_identity's, and trigger_event's own
    assert {record["agent"] for record in customer.identities} == {"Firefox"}
    assert customer.pageviews == ()
    assert customer.touchpoints == ()


def test_generated_identity_links_the_event_and_is_returned(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    result = client.trigger_event("cookie-2", "purchase")

    assert result.client_id_generated is True
    assert CLIENT_ID.match(result.client_id)
    (event,) = bodies(attributionio_fake, "triggerEvent")
    (identity,) = bodies(attributionio_fake, "triggerIdentity")
    assert event["event"]["client_id"] == identity["identity"]["client_id"] == result.client_id
    assert event["event"]["transaction_id"] == result.transaction_id
    customer = client.fetch_customer(result.client_id, events=True, identities=True)
    assert customer is not None
    assert customer.events is not None
    assert customer.identities is not None
    assert [len(customer.events), len(customer.identities)] == [1, 1]


def test_each_flag_asks_for_its_list_only(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    client.trigger_event("cookie", "signup", client_id="ann")
    attributionio_fake.add_pageview("ann", {"url": "https://x.io/", "seen_at": 1})
    attributionio_fake.add_touchpoint("ann", {"source": "newsletter"})

    base = client.fetch_customer("ann")
    pageviews = client.fetch_customer("ann", pageviews=True)
    touchpoints = client.fetch_customer("ann", touchpoints=True)

    assert base is not None
    assert (base.pageviews, base.touchpoints, base.events, base.identities) == (None, None, None, None)
    assert pageviews is not None
    assert pageviews.pageviews == (CustomerRecord({"url": "https://x.io/", "seen_at": 1}),)
    assert pageviews.events is None
    assert touchpoints is not None
    assert touchpoints.touchpoints is not None
    assert dict(touchpoints.touchpoints[0]) == {"source": "newsletter"}
    queries = [request.query for request in attributionio_fake.requests_to("getCustomer")]
    assert queries == [
        [("secret", SECRET)],
        [("show_pageviews", "true"), ("secret", SECRET)],
        [("show_touchpoints", "true"), ("secret", SECRET)],
    ]


def test_unknown_customer_is_none(client: AttributionClient) -> None:
    assert client.fetch_customer("nobody") is None


def test_integer_client_ids_are_sent_as_strings(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    result = client.trigger_event("cookie", "signup", client_id=42)

    assert result.client_id == "42"
    assert client.fetch_customer(42) is not None
    assert bodies(attributionio_fake, "triggerEvent")[0]["event"]["client_id"] == "42"


def test_client_ids_with_slashes_and_spaces_are_path_safe(client: AttributionClient) -> None:
    client.trigger_identity("cookie", client_id="a/b c?d")

    customer = client.fetch_customer("a/b c?d")

    assert customer is not None
    assert customer["client_id"] == "a/b c?d"


# -- what goes on the wire ---------------------------------------------------------------------------


def test_bodies_are_the_originals_with_placeholders(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    before = int(time.time())
    result = client.trigger_event("cookie-3", "signup", client_id="john")
    after = int(time.time())

    (event,) = bodies(attributionio_fake, "triggerEvent")
    (identity,) = bodies(attributionio_fake, "triggerIdentity")
    created_at = event["event"]["created_at"]
    assert before <= created_at <= after
    assert event == {
        "event": {
            "aliases": ["cookie-3"],
            "client_id": "john",
            "event_public_key": "signup",
            "url": UNKNOWN_URL,
            "public_key": KEY,
            "transaction_id": result.transaction_id,
            "is_informational": False,
            "created_at": created_at,
            "meta": {"agent": UNKNOWN_AGENT},
        }
    }
    assert identity == {
        "identity": {
            "aliases": ["cookie-3"],
            "client_id": "john",
            "public_key": KEY,
            "created_at": created_at,
            "meta": {"agent": "User-Agent unknown"},
        }
    }
    assert UNKNOWN_URL == "URL unknown"
    tid_client, tid_time = result.transaction_id.rsplit("@", 1)
    assert tid_client == "john"
    assert int(float(tid_time)) == created_at
    request = attributionio_fake.requests_to("triggerEvent")[0]
    assert request.headers["content-type"] == "application/json"
    assert request.query == []


def test_empty_strings_mean_not_given_as_in_the_original(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    result = client.trigger_event("cookie", "signup", client_id="", user_agent="", last_url="")

    assert result.client_id_generated
    (event,) = bodies(attributionio_fake, "triggerEvent")
    assert event["event"]["url"] == "URL unknown"
    assert event["event"]["meta"] == {"agent": "User-Agent unknown"}


def test_requests_reuse_one_keep_alive_connection(attributionio_fake: AttributionFake) -> None:
    transport = httpx.HTTPTransport()
    url = attributionio_fake.url
    with AttributionClient(KEY, SECRET, private_base_url=url, base_url=url, transport=transport) as client:
        for _ in range(5):
            client.trigger_identity("cookie", client_id="john")
            client.fetch_customer("john")

        assert len(attributionio_fake.requests) == 10
        assert len(transport._pool.connections) == 1
    transport.close()


# -- typed errors -------------------------------------------------------------------------------------


def test_wrong_secret_is_an_authentication_error(attributionio_fake: AttributionFake) -> None:
    with (
        AttributionClient(KEY, "not-the-secret", private_base_url=attributionio_fake.url) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.fetch_customer("john")

    assert caught.value.status == 401
    assert caught.value.method == "GET"
    assert caught.value.path == f"/api/v1/{KEY}/customers/john"
    assert "wrong public key or secret" in str(caught.value)
    assert len(attributionio_fake.requests) == 1  # not retried


def test_disabled_account_is_a_permission_error_distinct_from_401(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.disabled = True

    with pytest.raises(PermissionDeniedError) as caught:
        client.fetch_customer("john")

    assert caught.value.status == 403
    assert not isinstance(caught.value, AuthenticationError)


def test_unknown_public_key_on_a_trigger_raises(attributionio_fake: AttributionFake) -> None:
    with AttributionClient("other-key", base_url=attributionio_fake.url) as client:
        with pytest.raises(AuthenticationError):
            client.trigger_identity("cookie", client_id="john")
        with pytest.raises(AuthenticationError):
            client.trigger_event("cookie", "signup", client_id="john")


@pytest.mark.parametrize("operation", ["triggerEvent", "triggerIdentity", "getCustomer"])
def test_server_errors_are_retried_then_succeed(
    client: AttributionClient, attributionio_fake: AttributionFake, operation: str
) -> None:
    client.trigger_identity("cookie", client_id="john")
    attributionio_fake.requests.clear()
    attributionio_fake.faults.fail_next(2, status=500, operations={operation})

    if operation == "getCustomer":
        assert client.fetch_customer("john") is not None
    else:
        result = client.trigger_event("cookie", "signup", client_id="john")
        assert (result.event_status, result.identity_status) == (200, 200)

    assert [r.status for r in attributionio_fake.requests_to(operation)] == [500, 500, 200]


@pytest.mark.parametrize("operation", ["triggerEvent", "triggerIdentity"])
def test_persistent_server_errors_raise_after_the_retries(
    client: AttributionClient, attributionio_fake: AttributionFake, operation: str
) -> None:
    attributionio_fake.faults.fail_next(100, status=502, operations={operation})

    with pytest.raises(ServerError) as caught:
        client.trigger_event("cookie", "signup", client_id="john")

    assert caught.value.status == 502
    assert len(attributionio_fake.requests_to(operation)) == FAST_RETRIES.max_retries + 1


def test_both_requests_failing_raises_the_events_error_noting_the_identitys(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.fail_next(100, status=500, operations={"triggerIdentity"})
    attributionio_fake.faults.fail_next(100, status=400, operations={"triggerEvent"})

    with pytest.raises(APIError) as caught:
        client.trigger_event("cookie", "signup", client_id="john")

    assert caught.value.status == 400
    assert any("identity request failed too" in note for note in caught.value.__notes__)


@pytest.mark.parametrize("failing", ["triggerEvent", "triggerIdentity"])
def test_trigger_event_outcomes_returns_each_requests_outcome_instead_of_raising(
    client: AttributionClient, attributionio_fake: AttributionFake, failing: str
) -> None:
    attributionio_fake.faults.fail_next(100, status=502, operations={failing})

    outcomes = client.trigger_event_outcomes(
        "cookie", "signup", client_id="john", last_url="https://a.example/"
    )

    failed, delivered = (
        (outcomes.event_error, outcomes.identity_error)
        if failing == "triggerEvent"
        else (outcomes.identity_error, outcomes.event_error)
    )
    assert isinstance(failed, ServerError)
    assert failed.status == 502
    assert delivered is None
    statuses = {
        "triggerEvent": outcomes.result.event_status,
        "triggerIdentity": outcomes.result.identity_status,
    }
    assert statuses[failing] is None
    assert statuses[({"triggerEvent", "triggerIdentity"} - {failing}).pop()] == 200
    assert outcomes.result.client_id == "john"
    assert not outcomes.result.client_id_generated
    assert len(attributionio_fake.requests_to(failing)) == FAST_RETRIES.max_retries + 1


def test_trigger_event_outcomes_of_a_server_that_does_not_answer_is_a_transport_error() -> None:
    with AttributionClient(
        KEY, SECRET, base_url="http://127.0.0.1:9", private_base_url="http://127.0.0.1:9", max_retries=0
    ) as client:
        outcomes = client.trigger_event_outcomes("cookie", "signup")

    assert isinstance(outcomes.event_error, TransportError)
    assert isinstance(outcomes.identity_error, TransportError)
    assert outcomes.result.event_status is None
    assert outcomes.result.client_id_generated


def test_rate_limit_honours_retry_after(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.fail_next(1, status=429, retry_after=0)

    result = client.trigger_identity("cookie", client_id="john")

    assert result.status == 200


def test_rate_limit_longer_than_the_deadline_is_not_waited_for(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.fail_next(100, status=429, retry_after=30)
    policy = RetryPolicy(retry_after_cap=60)

    with AttributionClient(KEY, base_url=attributionio_fake.url, retry_policy=policy, deadline=1) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            client.trigger_identity("cookie", client_id="john")

    assert time.monotonic() - started < 10  # did not wait the 30 s it was asked to
    assert caught.value.retry_after == 30
    assert len(attributionio_fake.requests) == 1


def test_dropped_connections_are_retried(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.drop_next(2)

    result = client.trigger_identity("cookie", client_id="john")

    assert result.status == 200
    assert [r.status for r in attributionio_fake.requests] == [None, None, 200]


def test_persistently_dropped_connections_raise_a_transport_error(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.drop_next(100)

    with pytest.raises(TransportError) as caught:
        client.fetch_customer("john")

    assert caught.value.method == "GET"
    assert caught.value.path == f"/api/v1/{KEY}/customers/john"


def test_refused_connection_raises_within_the_deadline() -> None:
    with AttributionClient(
        KEY, SECRET, private_base_url="http://127.0.0.1:9", retry_policy=FAST_RETRIES, deadline=2
    ) as client:
        started = time.monotonic()
        with pytest.raises(TransportError):
            client.fetch_customer("john")

    assert time.monotonic() - started < 2 + 3  # the deadline, and a margin for a loaded machine


def test_non_json_error_body_is_a_typed_error_with_its_text(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    page = "<html><body>Bad Gateway</body></html>"
    attributionio_fake.faults.fail_next(100, status=502, body=page, content_type="text/html")

    with pytest.raises(ServerError) as caught:
        client.fetch_customer("john")

    assert caught.value.body_excerpt == page
    assert "Bad Gateway" in caught.value.message


def test_non_json_success_of_a_trigger_is_fine_but_of_a_fetch_is_invalid(
    client: AttributionClient, attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trackapis.testing._app import Reply

    monkeypatch.setattr(attributionio_fake, "validate", False)
    monkeypatch.setattr(
        attributionio_fake, "op_triggerIdentity", lambda call: Reply(202, "ok", (), "text/plain")
    )
    monkeypatch.setattr(
        attributionio_fake, "op_getCustomer", lambda call: Reply(200, "<html/>", (), "text/html")
    )

    assert client.trigger_identity("cookie", client_id="john").status == 202
    with pytest.raises(InvalidResponseError):
        client.fetch_customer("john")


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"customer": "john"},
        {"nothing": {}},
        {"customer": {"events": "many"}},
        {"customer": {"events": [1]}},
    ],
)
def test_a_200_that_is_not_a_customer_is_invalid(
    client: AttributionClient, attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch, body: Any
) -> None:
    from trackapis.testing._app import Reply

    monkeypatch.setattr(attributionio_fake, "validate", False)
    monkeypatch.setattr(attributionio_fake, "op_getCustomer", lambda call: Reply(200, body))

    with pytest.raises(InvalidResponseError):
        client.fetch_customer("john")


def test_unknown_customer_fields_are_preserved(
    client: AttributionClient, attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trackapis.testing._app import Reply

    customer = {
        "client_id": "john",
        "first_seen": "2024-01-01",
        "score": {"value": 3, "tags": ["a"]},
        "events": [{"key": "signup", "revenue": 9.5, "nested": {"x": [1, 2]}}],
    }
    monkeypatch.setattr(attributionio_fake, "op_getCustomer", lambda call: Reply(200, {"customer": customer}))

    fetched = client.fetch_customer("john", events=True)

    assert fetched is not None
    assert fetched.to_dict() == customer
    assert fetched["score"] == {"value": 3, "tags": ["a"]}
    assert fetched.get("missing", "default") == "default"
    assert fetched.events is not None
    assert fetched.events[0].to_dict() == customer["events"][0]  # type: ignore[index]
    assert fetched.pageviews is None


def test_slow_responses_time_out_within_the_deadline(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(5)

    with AttributionClient(
        KEY, base_url=attributionio_fake.url, retry_policy=FAST_RETRIES, timeout=0.2, deadline=0.7
    ) as client:
        started = time.monotonic()
        with pytest.raises(TransportError, match="timed out"):
            client.trigger_event("cookie", "signup", client_id="john")
        elapsed = time.monotonic() - started

    # Attempts of at most 0.2 s, with waits, while the deadline allows another: far less than
    # one 5 s answer (the margin is for a loaded machine; this is not a benchmark).
    assert elapsed < 3
    assert len(attributionio_fake.requests_to("triggerEvent")) >= 2


def test_a_slow_but_timely_answer_is_fine(
    client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.add_latency(0.3)

    result = client.trigger_event("cookie", "signup", client_id="john")

    assert (result.event_status, result.identity_status) == (200, 200)


# -- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda c: c.trigger_identity(None), TypeError, "attributionio_id"),
        (lambda c: c.trigger_identity(""), ValueError, "attributionio_id"),
        (lambda c: c.trigger_identity("  "), ValueError, "attributionio_id"),
        (lambda c: c.trigger_identity("a", client_id=True), TypeError, "client_id"),
        (lambda c: c.trigger_identity("a", client_id=1.5), TypeError, "client_id"),
        (lambda c: c.trigger_identity("a", client_id="   "), ValueError, "client_id"),
        (lambda c: c.trigger_identity("a", user_agent=3), TypeError, "user_agent"),
        (lambda c: c.trigger_event("a", None), TypeError, "event_key"),
        (lambda c: c.trigger_event("a", ""), ValueError, "event_key"),
        (lambda c: c.trigger_event("a", "k", last_url=b"x"), TypeError, "last_url"),
        (lambda c: c.trigger_event(["a"], "k"), TypeError, "attributionio_id"),
        (lambda c: c.fetch_customer(""), ValueError, "client_id"),
        (lambda c: c.fetch_customer(None), TypeError, "client_id"),
        (lambda c: c.fetch_customer("john", full="yes"), TypeError, "full"),
        (lambda c: c.fetch_customer("john", events=1), TypeError, "events"),
    ],
)
def test_bad_arguments_fail_at_the_call_site_and_send_nothing(
    client: AttributionClient,
    attributionio_fake: AttributionFake,
    call: Any,
    error: type[Exception],
    argument: str,
) -> None:
    with pytest.raises(error, match=argument):
        call(client)

    assert attributionio_fake.requests == []


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"api_key": ""}, ValueError, "api_key"),
        ({"api_key": None}, TypeError, "api_key"),
        ({"api_secret": ""}, ValueError, "api_secret"),
        ({"api_secret": 5}, TypeError, "api_secret"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": float("nan")}, ValueError, "timeout"),
        ({"deadline": -1}, ValueError, "deadline"),
        ({"private_base_url": "attribution.io"}, ValueError, "private_base_url"),
        ({"base_url": None}, ValueError, "base_url"),
        ({"max_retries": -1}, ValueError, "max_retries"),
        ({"max_connections": 0}, ValueError, "max_connections"),
        ({"retry_policy": 3}, TypeError, "retry_policy"),
        ({"on_error": "log"}, TypeError, "on_error"),
    ],
)
def test_bad_options_fail_in_the_constructor(
    kwargs: dict[str, Any], error: type[Exception], argument: str
) -> None:
    options: dict[str, Any] = {"api_key": KEY, "api_secret": SECRET, **kwargs}

    with pytest.raises(error, match=argument):
        AttributionClient(**options)


def test_fetching_without_a_secret_says_so(attributionio_fake: AttributionFake) -> None:
    with (
        AttributionClient(KEY, private_base_url=attributionio_fake.url) as client,
        pytest.raises(ValueError, match="api_secret is required"),
    ):
        client.fetch_customer("john")


def test_a_closed_client_refuses_calls(attributionio_fake: AttributionFake) -> None:
    client = AttributionClient(KEY, SECRET, base_url=attributionio_fake.url)
    client.close()
    client.close()  # idempotent

    assert client.closed
    with pytest.raises(ClientClosedError):
        client.trigger_event("cookie", "signup")
    with pytest.raises(ClientClosedError):
        client.fetch_customer("john")
    assert attributionio_fake.requests == []


def test_the_two_requests_of_an_event_are_sent_at_once() -> None:
    # Each request waits at a barrier for the other one: sent one after the other, the first
    # would wait alone until the barrier breaks, and the event would fail.
    barrier = threading.Barrier(2, timeout=10)
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        paths.append(request.url.path)
        return httpx.Response(200, json={"success": True})

    with AttributionClient(
        KEY,
        base_url="http://attribution.test",
        retry_policy=RetryPolicy(max_retries=0),
        transport=httpx.MockTransport(handler),
    ) as client:
        client.trigger_event("cookie", "signup", client_id="john")

    assert len(paths) == len(set(paths)) == 2  # the identity and the event, both answered
