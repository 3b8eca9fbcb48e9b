"""Typed clients of the Interakt Track API.

from trackapis.interakt import InteraktClient

with InteraktClient(api_key) as interakt:          # the Secret Key as the dashboard shows it
    interakt.user(user_id="42", traits={"name": "John Doe"})
    interakt.event("Order Placed", user_id="42", traits={"orderValue": Decimal("50.00")})
"""

from typing import TYPE_CHECKING

from .._errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    RateLimitError,
    ServerError,
    TrackapisError,
    TransportError,
)
from .._retry import RetryPolicy
from ..delivery import DeliveryStats, FlushResult, MessageDropped, MessageFailed, MessageUnknown
from ._auth import basic_authorization
from ._client import DEFAULT_HOST, InteraktClient
from ._fields import EventFields, UserFields
from ._payload import InteraktMessage, event_message, user_message
from ._response import TrackResponse

if TYPE_CHECKING:
    from ._async import AsyncInteraktClient


def __getattr__(name: str) -> object:
    # The asyncio client needs httpx; `import track` (and the background client) does not.
    if name == "AsyncInteraktClient":
        from ._async import AsyncInteraktClient

        return AsyncInteraktClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_HOST",
    "APIError",
    "AsyncInteraktClient",
    "AuthenticationError",
    "ClientClosedError",
    "DeliveryStats",
    "EventFields",
    "FlushResult",
    "InteraktClient",
    "InteraktMessage",
    "MessageDropped",
    "MessageFailed",
    "MessageUnknown",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TrackResponse",
    "TrackapisError",
    "TransportError",
    "UserFields",
    "basic_authorization",
    "event_message",
    "user_message",
]
