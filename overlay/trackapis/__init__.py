"""Typed clients and drop-in replacements for the Interakt Track, 7SEGMENTS and Attribution.io APIs.

    import trackapis

    with trackapis.InteraktClient(api_key) as interakt:
        interakt.event("Order Placed", user_id="42", tags=["vip"])

The errors (one tree under `TrackapisError`, see `trackapis._errors`) are imported with the
package; each client is imported on first use, so that `import track` stays light and the
three APIs do not load each other's generated code.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"  # before the imports: submodules read it

import importlib
from typing import TYPE_CHECKING

from ._errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    DeliveryError,
    EngineClosed,
    InvalidResponseError,
    MessageDropped,
    MessageFailed,
    MessageUnknown,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TrackapisError,
    TransportError,
)
from .delivery._signals import handle_sigterm

if TYPE_CHECKING:
    from ._retry import RetryPolicy
    from .attributionio import AsyncAttributionClient, AttributionClient
    from .delivery import DeliveryStats, FlushResult
    from .interakt import AsyncInteraktClient, InteraktClient
    from .seven_segments import (
        AsyncAuthenticatedSevenSegmentsClient,
        AsyncSevenSegmentsClient,
        AuthenticatedSevenSegmentsClient,
        BulkCommandError,
        SevenSegmentsClient,
    )

__all__ = [
    "APIError",
    "AsyncAttributionClient",
    "AsyncAuthenticatedSevenSegmentsClient",
    "AsyncInteraktClient",
    "AsyncSevenSegmentsClient",
    "AttributionClient",
    "AuthenticatedSevenSegmentsClient",
    "AuthenticationError",
    "BulkCommandError",
    "ClientClosedError",
    "DeliveryError",
    "DeliveryStats",
    "EngineClosed",
    "FlushResult",
    "InteraktClient",
    "InvalidResponseError",
    "MessageDropped",
    "MessageFailed",
    "MessageUnknown",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "SevenSegmentsClient",
    "TrackapisError",
    "TransportError",
    "__version__",
    "handle_sigterm",
]

# Public name -> the public module it comes from, imported when first asked for.
_LAZY = {
    "AsyncAttributionClient": "attributionio",
    "AttributionClient": "attributionio",
    "AsyncInteraktClient": "interakt",
    "InteraktClient": "interakt",
    "AsyncAuthenticatedSevenSegmentsClient": "seven_segments",
    "AsyncSevenSegmentsClient": "seven_segments",
    "AuthenticatedSevenSegmentsClient": "seven_segments",
    "BulkCommandError": "seven_segments",
    "SevenSegmentsClient": "seven_segments",
    "DeliveryStats": "delivery",
    "FlushResult": "delivery",
    "RetryPolicy": "interakt",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
