"""Typed clients of the Attribution.io API.

from trackapis.attributionio import AttributionClient

with AttributionClient(api_key, api_secret) as attribution:
    result = attribution.trigger_event(cookie_value, "signup", client_id="john@example.com")
    customer = attribution.fetch_customer("john@example.com", events=True)   # None if unknown
"""

from .._errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TrackapisError,
    TransportError,
)
from .._retry import RetryPolicy
from ..delivery import DeliveryStats, FlushResult, MessageDropped, MessageFailed
from ._async import AsyncAttributionClient
from ._client import (
    DEFAULT_DEADLINE,
    DEFAULT_PRIVATE_HOST,
    DEFAULT_PUBLIC_HOST,
    DEFAULT_TIMEOUT,
    AttributionClient,
)
from ._fields import EventFields, IdentityFields
from ._identity import new_client_id
from ._models import Customer, CustomerRecord, EventOutcomes, EventResult, IdentityResult
from ._payload import UNKNOWN_AGENT, UNKNOWN_URL, TriggerMessage

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_PRIVATE_HOST",
    "DEFAULT_PUBLIC_HOST",
    "DEFAULT_TIMEOUT",
    "UNKNOWN_AGENT",
    "UNKNOWN_URL",
    "APIError",
    "AsyncAttributionClient",
    "AttributionClient",
    "AuthenticationError",
    "ClientClosedError",
    "Customer",
    "CustomerRecord",
    "DeliveryStats",
    "EventFields",
    "EventOutcomes",
    "EventResult",
    "FlushResult",
    "IdentityFields",
    "IdentityResult",
    "InvalidResponseError",
    "MessageDropped",
    "MessageFailed",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TrackapisError",
    "TransportError",
    "TriggerMessage",
    "new_client_id",
]
