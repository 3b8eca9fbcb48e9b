"""Provider-agnostic background delivery: bounded queue, workers, per-key order, retries, outcomes.

It imports neither httpx nor generated code: an API plugs in through a `Sender`.
"""

from ._engine import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DeliveryEngine,
)
from ._rate import RateLimiter
from ._store import (
    DEFAULT_STORE_SYNC_INTERVAL,
    STORE_SCHEMES,
    Codec,
    FleetStore,
    Store,
    StoredMessage,
    StoreError,
    open_store,
)
from ._types import (
    DeliveredCallback,
    DeliveryError,
    DeliveryStats,
    EngineClosed,
    ErrorCallback,
    FlushResult,
    MessageDropped,
    MessageFailed,
    MessageUnknown,
    Sender,
    SenderFactory,
    SendResult,
    Verdict,
)

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "DEFAULT_MAX_QUEUE_SIZE",
    "DEFAULT_SHUTDOWN_TIMEOUT",
    "DEFAULT_STORE_SYNC_INTERVAL",
    "STORE_SCHEMES",
    "Codec",
    "DeliveredCallback",
    "DeliveryEngine",
    "DeliveryError",
    "DeliveryStats",
    "EngineClosed",
    "ErrorCallback",
    "FleetStore",
    "FlushResult",
    "MessageDropped",
    "MessageFailed",
    "MessageUnknown",
    "RateLimiter",
    "SendResult",
    "Sender",
    "SenderFactory",
    "Store",
    "StoreError",
    "StoredMessage",
    "Verdict",
    "open_store",
]
