"""How a user with a `mypy --strict` codebase calls `trackapis.attributionio` and `pyttributionio`.

Checked by mypy (see tests/test_static.py), never executed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_type

import httpx
from pyttributionio import PyttributionIo

from trackapis.attributionio import (
    APIError,
    AsyncAttributionClient,
    AttributionClient,
    AuthenticationError,
    Customer,
    CustomerRecord,
    DeliveryStats,
    EventOutcomes,
    EventResult,
    FlushResult,
    IdentityResult,
    PermissionDeniedError,
    RetryPolicy,
    TrackapisError,
    TransportError,
    TriggerMessage,
    new_client_id,
)


def on_error(error: Exception, message: TriggerMessage) -> None:
    assert_type(message.path, str)
    assert_type(message.body, dict[str, Any])


def sync_usage() -> None:
    with AttributionClient(
        "public-key",
        "secret",
        timeout=2.5,
        deadline=10,
        retry_policy=RetryPolicy(max_retries=2),
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    ) as client:
        event = client.trigger_event("cookie", "signup", client_id="john", last_url="https://x.io/")
        assert_type(event, EventResult)
        assert_type(event.client_id, str)
        assert_type(event.transaction_id, str)
        assert_type(event.event_status, int | None)
        outcomes = client.trigger_event_outcomes("cookie", "signup", client_id="john", is_informational=True)
        assert_type(outcomes, EventOutcomes)
        assert_type(outcomes.result, EventResult)
        assert_type(outcomes.event_error, TrackapisError | None)
        assert_type(outcomes.identity_error, TrackapisError | None)
        identity = client.trigger_identity("cookie", client_id=42, user_agent=None)
        assert_type(identity, IdentityResult)
        assert_type(identity.client_id_generated, bool)
        try:
            customer = client.fetch_customer("john", full=True)
        except AuthenticationError as error:
            assert_type(error.status, int)
            return
        except PermissionDeniedError:
            return
        except (APIError, TransportError):
            return
        assert_type(customer, Customer | None)
        if customer is not None:
            assert_type(customer.base, Mapping[str, Any])
            assert_type(customer.events, tuple[CustomerRecord, ...] | None)
            assert_type(customer.to_dict(), dict[str, Any])
            for record in customer.events or ():
                assert_type(record["url"], Any)

    background = AttributionClient("public-key", background=True, on_error=on_error, max_queue_size=100)
    assert_type(background.trigger_event("cookie", "signup").queued, bool)
    assert_type(background.stats(), DeliveryStats)
    assert_type(background.flush(1.0), FlushResult)
    assert_type(background.close(), FlushResult)
    assert_type(new_client_id(), str)


async def async_usage() -> None:
    async with AsyncAttributionClient("public-key", "secret", deadline=5) as client:
        assert_type(await client.trigger_event("cookie", "signup"), EventResult)
        assert_type(await client.trigger_identity("cookie"), IdentityResult)
        assert_type(await client.fetch_customer("john", events=True), Customer | None)


def shim_usage() -> None:
    shim = PyttributionIo(api_key="public-key", api_secret="secret")
    assert_type(shim.fetch_customer_info_full("john"), dict[str, Any] | None)
    assert_type(shim.trigger_identity("cookie", "john", "agent"), int | None)
    assert_type(shim.trigger_event("cookie", "signup"), tuple[int | None, int | None] | None)
    shim.close()
