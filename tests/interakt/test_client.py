"""`trackapis.interakt` against the fake: wire format, auth, encoding, errors, faults, outcomes."""

from __future__ import annotations

import asyncio
import base64
import datetime
import decimal
import enum
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from trackapis._retry import RetryPolicy
from trackapis.interakt import (
    APIError,
    AsyncInteraktClient,
    AuthenticationError,
    ClientClosedError,
    InteraktClient,
    InteraktMessage,
    MessageDropped,
    RateLimitError,
    ServerError,
    TransportError,
)
from trackapis.testing import InteraktFake

KEY = "test-interakt-key"
SECRET_KEY = base64.b64encode(f"{KEY}:".encode()).decode()  # as the dashboard shows it
FAST = RetryPolicy(max_retries=4, backoff_initial=0.001, backoff_max=0.01)


class Plan(enum.Enum):
    FREE = "free"


@pytest.fixture
def errors() -> list[tuple[Exception, InteraktMessage]]:
    return []


@pytest.fixture
def client(
    interakt_fake: InteraktFake, errors: list[tuple[Exception, InteraktMessage]]
) -> Iterator[InteraktClient]:
    with InteraktClient(
        SECRET_KEY, base_url=interakt_fake.url, retry_policy=FAST, on_error=lambda e, m: errors.append((e, m))
    ) as interakt:
        yield interakt


_opened: list[InteraktClient] = []


@pytest.fixture(autouse=True)
def _close_sync_clients() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().shutdown(5)


def _sync(fake: InteraktFake, key: str = KEY, **options: Any) -> InteraktClient:
    options.setdefault("retry_policy", FAST)
    client = InteraktClient(key, base_url=fake.url, background=False, **options)
    _opened.append(client)
    return client


# -- wire format and auth ---------------------------------------------------------------------------


def test_both_key_forms_send_the_same_basic_header(interakt_fake: InteraktFake) -> None:
    for key in (SECRET_KEY, KEY, f"{KEY}:"):
        _sync(interakt_fake, key).user(user_id="u")
    headers = {request.headers["authorization"] for request in interakt_fake.requests}
    assert headers == {"Basic " + base64.b64encode(f"{KEY}:".encode()).decode()}


def test_the_key_never_shows_in_reprs_or_errors(
    interakt_fake: InteraktFake, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-secret-key-1234"
    client = _sync(interakt_fake, wrong)
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as raised:
        client.user(user_id="u")
    encoded = base64.b64encode(f"{wrong}:".encode()).decode()
    for text in (repr(client), str(raised.value), raised.value.body_excerpt, caplog.text):
        assert wrong not in text
        assert encoded not in text


def test_user_body(interakt_fake: InteraktFake, client: InteraktClient) -> None:
    client.user(user_id=0, phone_number="9999999999", traits={"name": "John Doe", "age": 24})
    client.flush(5)
    (request,) = interakt_fake.requests
    assert (request.method, request.path) == ("POST", "/v1/public/track/users/")
    assert request.json() == {
        "userId": "0",
        "phoneNumber": "9999999999",
        "countryCode": "+91",
        "traits": {"name": "John Doe", "age": 24},
    }


def test_event_body_with_created_at(interakt_fake: InteraktFake, client: InteraktClient) -> None:
    moment = datetime.datetime(2025, 3, 27, 13, 26, 52, 926000, tzinfo=datetime.UTC)
    client.event("Order Placed", user_id="u1", created_at=moment)
    client.event(
        "Order Shipped", phone_number="12345", country_code="+44", created_at="2025-03-27T13:26:52.926Z"
    )
    client.flush(5)
    # Two users are two lanes: their requests may arrive in either order.
    bodies = sorted((request.json() for request in interakt_fake.requests), key=lambda body: body["event"])
    assert [datetime.datetime.fromisoformat(body["createdAt"]) for body in bodies] == [moment, moment]
    assert bodies[0]["userId"] == "u1"  # "Order Placed"
    assert {k: bodies[1][k] for k in ("event", "phoneNumber", "countryCode", "traits")} == {
        "event": "Order Shipped",
        "phoneNumber": "12345",
        "countryCode": "+44",
        "traits": {},
    }


def test_traits_are_encoded_sensibly(interakt_fake: InteraktFake, client: InteraktClient) -> None:
    marker = uuid.UUID("12345678-1234-5678-1234-567812345678")
    client.user(
        user_id="u",
        traits={
            "when": datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "dob": datetime.date(1998, 1, 1),
            "amount": decimal.Decimal("50.00"),
            "id": marker,
            "plan": Plan.FREE,
            "tags": ("a", "b"),
            "nested": {"ok": [1, 2.5, None, True]},
        },
    )
    client.flush(5)
    user = interakt_fake.user("u")
    assert user is not None
    assert user.traits == {
        "when": "2020-01-02T03:04:05Z",
        "dob": "1998-01-01",
        "amount": "50.00",
        "id": str(marker),
        "plan": "free",
        "tags": ["a", "b"],
        "nested": {"ok": [1, 2.5, None, True]},
    }


@pytest.mark.parametrize(
    ("traits", "error", "words"),
    [
        ({"x": object()}, TypeError, "traits['x']"),
        ({"x": {"y": [1, b"raw"]}}, TypeError, "traits['x']['y'][1]"),
        ({"x": float("nan")}, ValueError, "finite"),
        ({1: "a"}, TypeError, "keys must be strings"),
        (["not", "a", "mapping"], TypeError, "traits must be a mapping"),
    ],
)
def test_unencodable_traits_are_refused_at_the_call_site(
    client: InteraktClient, traits: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        client.user(user_id="u", traits=traits)
    assert client.stats().queued == 0


def test_traits_none_means_no_traits_for_both_calls(
    interakt_fake: InteraktFake, client: InteraktClient
) -> None:
    client.user(user_id="u", traits=None)
    client.event("E", user_id="u", traits=None)
    client.flush(5)
    assert [request.json()["traits"] for request in interakt_fake.requests] == [{}, {}]


# -- sync mode and typed errors ------------------------------------------------------------------------


def test_sync_mode_returns_the_answer_and_raises_typed_errors(interakt_fake: InteraktFake) -> None:
    client = _sync(interakt_fake)
    answer = client.send_event("Signed Up", user_id="u")
    assert (answer.status, answer.message) == (201, "Event created successfully")
    assert answer.id
    interakt_fake.faults.fail_next(1, status=400)
    with pytest.raises(APIError) as raised:
        client.user(user_id="u")
    assert (raised.value.status, raised.value.method, raised.value.path) == (
        400,
        "POST",
        "/v1/public/track/users/",
    )
    assert len(interakt_fake.requests) == 2  # a 400 is not retried


def test_sync_mode_retries_5xx_and_429_then_succeeds(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.fail_next(2, status=503, retry_after=0)
    interakt_fake.faults.fail_next(1, status=429, retry_after=0)
    assert _sync(interakt_fake).send_user(user_id="u").status == 202
    assert [request.status for request in interakt_fake.requests] == [503, 503, 429, 202]


def test_sync_mode_gives_up_with_the_last_error(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.fail_next(10, status=500)
    with pytest.raises(ServerError, match="injected fault"):
        _sync(interakt_fake, retry_policy=RetryPolicy(max_retries=2, backoff_initial=0)).user(user_id="u")
    assert len(interakt_fake.requests) == 3


def test_rate_limit_error_carries_retry_after(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.fail_next(1, status=429, retry_after=7)
    with pytest.raises(RateLimitError) as raised:
        _sync(interakt_fake, retry_policy=RetryPolicy(max_retries=0)).user(user_id="u")
    assert raised.value.retry_after == 7


def test_transport_errors_are_wrapped(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.drop_next(5)
    with pytest.raises(TransportError) as raised:
        _sync(interakt_fake, retry_policy=RetryPolicy(max_retries=1, backoff_initial=0)).user(user_id="u")
    assert isinstance(raised.value.__cause__, httpx.TransportError)
    unreachable = InteraktClient(
        KEY, base_url="http://127.0.0.1:9", background=False, retry_policy=RetryPolicy(max_retries=0)
    )
    with pytest.raises(TransportError, match="ConnectError"):
        unreachable.user(user_id="u")


def test_retry_after_is_honoured(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.fail_next(1, status=429, retry_after=1)
    started = time.monotonic()
    _sync(interakt_fake).user(user_id="u")
    assert time.monotonic() - started >= 0.95


# -- background delivery under faults ------------------------------------------------------------------


def _track_many(client: InteraktClient, users: int, per_user: int) -> None:
    for n in range(per_user):
        for u in range(users):
            client.event("Step", user_id=f"user-{u}", traits={"n": n})


def _assert_each_once_in_order(fake: InteraktFake, users: int, per_user: int) -> None:
    for u in range(users):
        user = fake.user(f"user-{u}")
        assert user is not None
        assert [event.traits["n"] for event in user.events] == list(range(per_user))


def test_faults_lose_nothing_duplicate_nothing_and_keep_order(
    interakt_fake: InteraktFake, errors: list[Any]
) -> None:
    # A quarter of all requests fail: enough retries that no message runs out of them.
    patient = RetryPolicy(max_retries=12, backoff_initial=0.001, backoff_max=0.01)
    interakt_fake.faults.fail_fraction(0.15, status=503, seed=1, retry_after=0)
    interakt_fake.faults.fail_fraction(0.05, status=429, seed=2, retry_after=0)
    interakt_fake.faults.drop_fraction(0.05, seed=3)
    interakt_fake.faults.add_latency(0.002)
    with InteraktClient(
        KEY, base_url=interakt_fake.url, retry_policy=patient, on_error=lambda e, m: errors.append((e, m))
    ) as client:
        _track_many(client, users=20, per_user=15)
        result = client.flush(30)
        stats = client.stats()
    assert (result.delivered, result.failed, result.dropped, result.pending) == (300, 0, 0, 0)
    assert errors == []
    _assert_each_once_in_order(interakt_fake, users=20, per_user=15)
    assert stats.retried == sum(1 for r in interakt_fake.requests if r.status != 201)
    assert stats.queued == stats.delivered == 300


def test_failures_are_reported_once_each(
    interakt_fake: InteraktFake, errors: list[tuple[Exception, InteraktMessage]]
) -> None:
    interakt_fake.faults.fail_next(2, status=400, operations={"trackEvent"})
    interakt_fake.faults.fail_next(5, status=503, retry_after=0, operations={"trackUser"})
    # One worker, so that the two 400s hit A and B (in submission order), whatever the timing.
    client = InteraktClient(
        KEY,
        base_url=interakt_fake.url,
        retry_policy=FAST,
        max_in_flight=1,
        on_error=lambda e, m: errors.append((e, m)),
    )
    _opened.append(client)
    client.event("A", user_id="u1")
    client.event("B", user_id="u2")
    client.user(user_id="u3")  # 1 + 4 retries, all 503: fails
    client.event("C", user_id="u1")
    result = client.flush(10)
    assert (result.delivered, result.failed) == (1, 3)
    assert sorted(type(error).__name__ for error, _ in errors) == ["APIError", "APIError", "ServerError"]
    assert {message.path for _, message in errors} == {"/v1/public/track/events/", "/v1/public/track/users/"}
    user = interakt_fake.user("u1")
    assert user is not None
    assert [event.event for event in user.events] == ["C"]


def test_an_on_error_that_raises_does_not_stop_delivery(
    interakt_fake: InteraktFake, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(error: Exception, message: InteraktMessage) -> None:
        raise RuntimeError("bug in the callback")

    interakt_fake.faults.fail_next(3, status=400)
    with InteraktClient(KEY, base_url=interakt_fake.url, retry_policy=FAST, on_error=explode) as client:
        _track_many(client, users=3, per_user=4)
        with caplog.at_level(logging.ERROR):
            result = client.flush(10)
    assert (result.delivered, result.failed) == (9, 3)
    assert caplog.text.count("on_error raised") == 3


def test_a_full_queue_reports_instead_of_blocking(interakt_fake: InteraktFake, errors: list[Any]) -> None:
    interakt_fake.faults.add_latency(1.0)
    with InteraktClient(
        KEY,
        base_url=interakt_fake.url,
        max_queue_size=2,
        max_in_flight=1,
        on_error=lambda e, m: errors.append((e, m)),
    ) as client:
        started = time.monotonic()
        accepted = [client.user(user_id=f"u{i}") for i in range(4)]
        # Never waited for the 1 s answer (the margin is for a loaded machine, not a benchmark).
        assert time.monotonic() - started < 0.9
        assert accepted == [True, True, False, False]
        client.flush(10)
    assert [type(error) for error, _ in errors] == [MessageDropped, MessageDropped]
    assert [message.body["userId"] for _, message in errors] == ["u2", "u3"]


def test_rate_limit_delays_without_dropping(interakt_fake: InteraktFake) -> None:
    with InteraktClient(
        KEY, base_url=interakt_fake.url, rate_limit_per_minute=1200
    ) as client:  # 20/s, burst 20
        started = time.monotonic()
        for i in range(30):
            client.user(user_id=f"u{i}")
        result = client.flush(10)
        elapsed = time.monotonic() - started
    assert result.delivered == 30
    assert elapsed >= 0.45


def test_shutdown_is_idempotent_and_later_calls_raise(interakt_fake: InteraktFake) -> None:
    client = InteraktClient(KEY, base_url=interakt_fake.url)
    _opened.append(client)
    client.user(user_id="u")
    assert client.shutdown(5).delivered == 1
    assert client.shutdown(5).delivered == 0
    assert client.closed
    with pytest.raises(ClientClosedError):
        client.event("late", user_id="u")
    with pytest.raises(ClientClosedError):
        client.send_user(user_id="u")


# -- asyncio ----------------------------------------------------------------------------------------------


def test_async_client(interakt_fake: InteraktFake) -> None:
    async def scenario() -> list[Any]:
        async with AsyncInteraktClient(SECRET_KEY, base_url=interakt_fake.url, retry_policy=FAST) as client:
            interakt_fake.faults.fail_next(1, status=503, retry_after=0)
            results: list[Any] = list(
                await asyncio.gather(*(client.event("E", user_id=f"u{i}") for i in range(10)))
            )
            results.append(await client.user(user_id="u0", traits={"when": datetime.date(2020, 1, 1)}))
        async with AsyncInteraktClient("wrong", base_url=interakt_fake.url) as bad:
            with pytest.raises(AuthenticationError):
                await bad.user(user_id="u")
        return results

    results = asyncio.run(scenario())
    assert [r.status for r in results] == [201] * 10 + [202]
    assert len(interakt_fake.events) == 10
    user = interakt_fake.user("u0")
    assert user is not None
    assert user.traits == {"when": "2020-01-01"}


def _undecodable(requests: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        # A stream, not `content=`: httpx.Response would decode (and fail) in the handler.
        stream = httpx.ByteStream(b"this is not gzip")
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=stream)

    return handler


def test_an_undecodable_2xx_is_delivered_once_in_every_mode() -> None:
    # The status arrived and decides: a broken body is logged, never a failure or a resend.
    policy = RetryPolicy(max_retries=1, backoff_initial=0.001, backoff_max=0.001)
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(_undecodable(requests))
    with InteraktClient(KEY, retry_policy=policy, background=False, transport=transport) as interakt:
        assert interakt.send_event("Signed Up", user_id="42").status == 200
    assert len(requests) == 1

    failures: list[Exception] = []
    with InteraktClient(
        KEY, retry_policy=policy, transport=transport, on_error=lambda e, m: failures.append(e)
    ) as interakt:
        interakt.event("Signed Up", user_id="42")
        assert interakt.flush(5).delivered == 1
    assert (failures, len(requests)) == ([], 2)

    async def send() -> int:
        async with AsyncInteraktClient(
            KEY, retry_policy=policy, transport=httpx.MockTransport(_undecodable(requests))
        ) as interakt:
            return (await interakt.event("Signed Up", user_id="42")).status

    assert asyncio.run(send()) == 200
    assert len(requests) == 3
