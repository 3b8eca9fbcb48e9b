"""The fault plan: error statuses, Retry-After, seeded fractions, scoping, drops, latency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from trackapis.testing import (
    AttributionFake,
    DroppedConnection,
    Faults,
    InteraktFake,
    SevenSegmentsFake,
    serve,
)

USERS = "/v1/public/track/users/"
EVENTS = "/v1/public/track/events/"
USER = {"userId": "u1"}
EVENT = {"userId": "u1", "event": "Order Placed"}
HTTP_DATE = "Wed, 21 Oct 2037 07:28:00 GMT"


# -- fail_next -----------------------------------------------------------------------------------


def test_fail_next_fails_exactly_the_next_n_requests_then_answers_normally(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(2, status=500)

    statuses = [interakt_client.post(USERS, json=USER).status_code for _ in range(4)]

    assert statuses == [500, 500, 202, 202]
    assert [request.status for request in interakt_fake.requests] == [500, 500, 202, 202]


def test_a_failed_request_is_not_executed(interakt_fake: InteraktFake, interakt_client: httpx.Client) -> None:
    interakt_fake.faults.fail_next(1, status=503)

    interakt_client.post(USERS, json={"userId": "u1", "traits": {"plan": "gold"}})

    assert interakt_fake.users == []


def test_fail_next_with_zero_count_fails_nothing(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(0, status=500)

    assert interakt_client.post(USERS, json=USER).status_code == 202


def test_fail_next_answers_interakt_with_its_json_error_body(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(1, status=500)

    response = interakt_client.post(USERS, json=USER)

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"result": False, "message": "injected fault: 500"}


def test_fail_next_answers_seven_segments_with_its_json_error_body(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.faults.fail_next(1, status=502)

    response = seven_segments_client.get("/system/time")

    assert response.status_code == 502
    assert response.json() == {"success": False, "errors": ["injected fault: 502"]}


def test_fail_next_answers_attributionio_with_its_json_error_body(
    attributionio_fake: AttributionFake, attributionio_client: httpx.Client
) -> None:
    attributionio_fake.faults.fail_next(1, status=500)

    # The fault comes before the credential check: no secret is needed to see it.
    response = attributionio_client.get("/api/v1/test-public-key/customers/c1")

    assert response.status_code == 500
    assert response.json() == {"message": "injected fault: 500"}


# -- Retry-After ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kwargs", "expected"),
    [
        pytest.param(429, {}, "1", id="429-default"),
        pytest.param(503, {}, "1", id="503-default"),
        pytest.param(429, {"retry_after": 30}, "30", id="429-seconds"),
        pytest.param(503, {"retry_after": 0}, "0", id="503-zero"),
        pytest.param(503, {"retry_after": HTTP_DATE}, HTTP_DATE, id="503-http-date"),
    ],
)
def test_retry_after_accompanies_429_and_503(
    interakt_fake: InteraktFake,
    interakt_client: httpx.Client,
    status: int,
    kwargs: dict[str, Any],
    expected: str,
) -> None:
    interakt_fake.faults.fail_next(1, status=status, **kwargs)

    response = interakt_client.post(USERS, json=USER)

    assert status == response.status_code
    assert expected == response.headers.get("retry-after")


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        pytest.param(500, {}, id="500-default"),
        pytest.param(500, {"retry_after": 5}, id="500-seconds"),
        pytest.param(400, {"retry_after": HTTP_DATE}, id="400-http-date"),
        pytest.param(429, {"retry_after": None}, id="429-none"),
    ],
)
def test_retry_after_is_absent_otherwise(
    interakt_fake: InteraktFake,
    interakt_client: httpx.Client,
    status: int,
    kwargs: dict[str, Any],
) -> None:
    interakt_fake.faults.fail_next(1, status=status, **kwargs)

    response = interakt_client.post(USERS, json=USER)

    assert status == response.status_code
    assert "retry-after" not in response.headers


# -- fail_fraction -------------------------------------------------------------------------------


def _fraction_statuses(seed: int, count: int) -> list[int]:
    with serve(SevenSegmentsFake()) as fake, httpx.Client(base_url=fake.url, timeout=5) as client:
        fake.faults.fail_fraction(0.5, status=503, seed=seed)
        return [client.get("/system/time").status_code for _ in range(count)]


def test_fail_fraction_with_a_seed_is_reproducible_across_fresh_fakes() -> None:
    first = _fraction_statuses(seed=7, count=30)
    second = _fraction_statuses(seed=7, count=30)

    assert first == second
    assert {200, 503} == set(first)


def test_fail_fraction_follows_the_seeded_draws_of_a_fresh_fault_plan(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    reference = Faults()
    reference.fail_fraction(0.5, status=503, seed=11)
    expected = [503 if reference.draw("getSystemTime") is not None else 200 for _ in range(20)]

    seven_segments_fake.faults.fail_fraction(0.5, status=503, seed=11)
    actual = [seven_segments_client.get("/system/time").status_code for _ in range(20)]

    assert expected == actual


def _draws(seed: int, fraction: float, count: int) -> list[bool]:
    faults = Faults()
    faults.fail_fraction(fraction, status=500, seed=seed)
    return [faults.draw("op") is not None for _ in range(count)]


def test_fail_fraction_fails_roughly_the_fraction() -> None:
    failed = sum(_draws(seed=3, fraction=0.25, count=2000))

    assert 400 <= failed <= 600  # 25% of 2000 = 500


def test_fail_fraction_sequences_differ_between_seeds() -> None:
    assert _draws(seed=1, fraction=0.5, count=50) != _draws(seed=2, fraction=0.5, count=50)


@pytest.mark.parametrize(("fraction", "expected"), [(0.0, 0), (1.0, 100)])
def test_fail_fraction_bounds_never_or_always_fire(fraction: float, expected: int) -> None:
    assert expected == sum(_draws(seed=0, fraction=fraction, count=100))


# -- operations ----------------------------------------------------------------------------------


def test_operations_restricts_a_rule_to_those_operation_ids(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(1, status=503, operations=["trackEvent"])

    statuses = [
        interakt_client.post(USERS, json=USER).status_code,
        interakt_client.post("/nowhere").status_code,
        interakt_client.post(EVENTS, json=EVENT).status_code,
        interakt_client.post(EVENTS, json=EVENT).status_code,
        interakt_client.post(USERS, json=USER).status_code,
    ]

    assert statuses == [202, 404, 503, 201, 202]


def test_operations_accepts_any_collection_of_operation_ids(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.faults.fail_next(2, status=500, operations=frozenset({"getSystemTime", "bulk"}))
    customer = {"ids": {"registered": "john"}, "company_id": "co"}

    statuses = [
        seven_segments_client.post("/crm/customers", json=customer).status_code,
        seven_segments_client.get("/system/time").status_code,
        seven_segments_client.post(
            "/bulk", json={"commands": [{"name": "crm/customers", "data": customer}]}
        ).status_code,
        seven_segments_client.get("/system/time").status_code,
    ]

    assert statuses == [200, 500, 500, 200]


def test_rules_are_tried_in_the_order_they_were_added(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(1, status=429)
    interakt_fake.faults.fail_next(1, status=500)

    statuses = [interakt_client.post(USERS, json=USER).status_code for _ in range(3)]

    assert statuses == [429, 500, 202]


# -- drops -----------------------------------------------------------------------------------------


def test_drop_next_breaks_the_connection_and_records_no_status(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.drop_next(1)

    with pytest.raises(httpx.TransportError):
        interakt_client.post(USERS, json=USER)

    assert [(r.operation_id, r.status) for r in interakt_fake.requests] == [("trackUser", None)]
    assert interakt_fake.users == []
    # The next request goes through normally, on a new connection.
    assert interakt_client.post(USERS, json=USER).status_code == 202


def test_drop_next_with_operations_only_drops_those(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.drop_next(1, operations={"trackEvent"})

    assert interakt_client.post(USERS, json=USER).status_code == 202
    with pytest.raises(httpx.TransportError):
        interakt_client.post(EVENTS, json=EVENT)
    assert interakt_client.post(EVENTS, json=EVENT).status_code == 201
    assert [request.status for request in interakt_fake.requests] == [202, None, 201]


def test_drop_fraction_of_one_drops_every_request(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.faults.drop_fraction(1.0, seed=5)

    for _ in range(2):
        with pytest.raises(httpx.TransportError):
            seven_segments_client.get("/system/time")

    assert [request.status for request in seven_segments_fake.requests] == [None, None]


def test_in_process_drop_raises_an_httpx_transport_error() -> None:
    async def post() -> None:
        transport = httpx.ASGITransport(app=fake)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await client.post(USERS, json=USER, auth=("test-interakt-key", ""))

    fake = InteraktFake()
    fake.faults.drop_next(1)

    with pytest.raises(DroppedConnection) as caught:
        asyncio.run(post())

    assert isinstance(caught.value, httpx.RemoteProtocolError)
    assert [request.status for request in fake.requests] == [None]


# -- latency -------------------------------------------------------------------------------------


def test_add_latency_delays_every_answer(interakt_fake: InteraktFake, interakt_client: httpx.Client) -> None:
    interakt_fake.faults.add_latency(0.15)

    for _ in range(2):
        started = time.monotonic()
        response = interakt_client.post(USERS, json=USER)
        elapsed = time.monotonic() - started

        assert response.status_code == 202
        assert elapsed >= 0.15


def test_add_latency_replaces_the_earlier_latency() -> None:
    faults = Faults()

    faults.add_latency(2)
    faults.add_latency(0.5)

    assert faults.latency == 0.5


def test_latency_also_delays_injected_faults(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.add_latency(0.1)
    interakt_fake.faults.fail_next(1, status=503)

    started = time.monotonic()
    response = interakt_client.post(USERS, json=USER)

    assert response.status_code == 503
    assert time.monotonic() - started >= 0.1


# -- raw bodies ----------------------------------------------------------------------------------


def test_body_and_content_type_send_a_raw_page(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    interakt_fake.faults.fail_next(1, status=502, body=page, content_type="text/html")

    response = interakt_client.post(USERS, json=USER)

    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert page == response.text


def test_a_raw_page_keeps_retry_after(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.faults.fail_next(1, status=503, retry_after=7, body="down", content_type="text/plain")

    response = seven_segments_client.get("/system/time")

    assert (
        response.status_code,
        response.headers["content-type"],
        response.headers["retry-after"],
        response.text,
    ) == (503, "text/plain", "7", "down")


# -- clear ---------------------------------------------------------------------------------------


def test_clear_removes_every_rule_and_the_latency(
    interakt_fake: InteraktFake, interakt_client: httpx.Client
) -> None:
    interakt_fake.faults.fail_next(5, status=500)
    interakt_fake.faults.fail_fraction(1.0, status=503)
    interakt_fake.faults.drop_next(5)
    interakt_fake.faults.add_latency(3)

    interakt_fake.faults.clear()

    assert interakt_fake.faults.latency == 0.0
    assert interakt_fake.faults.draw("trackUser") is None
    assert interakt_client.post(USERS, json=USER).status_code == 202


# -- argument checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "add"),
    [
        pytest.param("count", lambda f: f.fail_next(-1, status=500), id="fail_next-negative-count"),
        pytest.param("count", lambda f: f.fail_next(True, status=500), id="fail_next-bool-count"),
        pytest.param("count", lambda f: f.drop_next(-2), id="drop_next-negative-count"),
        pytest.param("fraction", lambda f: f.fail_fraction(1.5, status=500), id="fail_fraction-above-one"),
        pytest.param("fraction", lambda f: f.fail_fraction(-0.1, status=500), id="fail_fraction-negative"),
        pytest.param("fraction", lambda f: f.drop_fraction(2.0), id="drop_fraction-above-one"),
        pytest.param("status", lambda f: f.fail_next(1, status=200), id="fail_next-status-200"),
        pytest.param("status", lambda f: f.fail_next(1, status=302), id="fail_next-status-302"),
        pytest.param("status", lambda f: f.fail_fraction(0.5, status=600), id="fail_fraction-status-600"),
        pytest.param(
            "operations",
            lambda f: f.fail_next(1, status=500, operations="trackUser"),
            id="fail_next-operations-string",
        ),
        pytest.param(
            "operations", lambda f: f.drop_next(1, operations="trackUser"), id="drop_next-operations-string"
        ),
        pytest.param(
            "retry_after", lambda f: f.fail_next(1, status=429, retry_after=-1), id="negative-retry-after"
        ),
        pytest.param("seconds", lambda f: f.add_latency(-0.5), id="negative-latency"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_argument(
    argument: str, add: Callable[[Faults], None]
) -> None:
    faults = Faults()

    with pytest.raises(ValueError, match=rf"^{argument} must be"):
        add(faults)

    # Nothing was added by the rejected call.
    assert faults.draw("trackUser") is None
    assert faults.latency == 0.0
