"""AsyncAttributionClient against the fake."""

from __future__ import annotations

import asyncio
import time

import pytest
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis.attributionio import (
    AsyncAttributionClient,
    AuthenticationError,
    ClientClosedError,
    PermissionDeniedError,
    ServerError,
    TransportError,
)
from trackapis.testing import AttributionFake


def make(fake: AttributionFake, **options: object) -> AsyncAttributionClient:
    return AsyncAttributionClient(
        KEY,
        SECRET,
        private_base_url=fake.url,
        base_url=fake.url,
        retry_policy=FAST_RETRIES,
        **options,  # type: ignore[arg-type]
    )


def test_the_stateful_flow(attributionio_fake: AttributionFake) -> None:
    async def flow() -> None:
        async with make(attributionio_fake) as client:
            event = await client.trigger_event("cookie", "signup")
            identity = await client.trigger_identity("cookie", client_id=event.client_id, user_agent="Safari")
            customer = await client.fetch_customer(event.client_id, full=True)
            missing = await client.fetch_customer("nobody")

            assert event.client_id_generated
            assert (event.event_status, event.identity_status, identity.status) == (200, 200, 200)
            assert customer is not None
            assert customer.events is not None
            assert customer.identities is not None
            assert [e["transaction_id"] for e in customer.events] == [event.transaction_id]
            assert {i["agent"] for i in customer.identities} == {"User-Agent unknown", "Safari"}
            assert missing is None

    asyncio.run(flow())


def test_typed_errors_and_retries(attributionio_fake: AttributionFake) -> None:
    async def flow() -> None:
        async with make(attributionio_fake) as client:
            attributionio_fake.faults.fail_next(2, status=503, retry_after=0)
            assert (await client.trigger_identity("cookie", client_id="john")).status == 200
            attributionio_fake.faults.fail_next(100, status=500, operations={"triggerIdentity"})
            with pytest.raises(ServerError):
                await client.trigger_event("cookie", "signup", client_id="john")
            attributionio_fake.faults.clear()
            attributionio_fake.disabled = True
            with pytest.raises(PermissionDeniedError):
                await client.fetch_customer("john")
            attributionio_fake.disabled = False
        async with AsyncAttributionClient(
            KEY, "not-the-secret", private_base_url=attributionio_fake.url
        ) as bad:
            with pytest.raises(AuthenticationError):
                await bad.fetch_customer("john")

    asyncio.run(flow())


def test_dropped_and_slow_connections_end_within_the_deadline(attributionio_fake: AttributionFake) -> None:
    async def flow() -> float:
        attributionio_fake.faults.drop_next(100)
        async with make(attributionio_fake, deadline=1) as client:
            with pytest.raises(TransportError):
                await client.trigger_event("cookie", "signup", client_id="john")
            attributionio_fake.faults.clear()
            attributionio_fake.faults.add_latency(2)
            started = time.monotonic()
            with pytest.raises(TransportError, match="timed out"):
                await client.fetch_customer("john")
            return time.monotonic() - started

    assert asyncio.run(flow()) < 1.5


def test_the_two_requests_of_an_event_run_concurrently(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(0.3)

    async def flow() -> float:
        async with make(attributionio_fake) as client:
            started = time.monotonic()
            await client.trigger_event("cookie", "signup", client_id="john")
            return time.monotonic() - started

    assert asyncio.run(flow()) < 0.55  # one latency, not two


def test_bad_input_and_closed_client(attributionio_fake: AttributionFake) -> None:
    async def flow() -> None:
        client = make(attributionio_fake)
        with pytest.raises(ValueError, match="event_key"):
            await client.trigger_event("cookie", " ")
        await client.aclose()
        assert client.closed
        with pytest.raises(ClientClosedError):
            await client.trigger_identity("cookie")

    asyncio.run(flow())
    assert attributionio_fake.requests == []
