"""Provider-agnostic background delivery: bounded queue, workers, per-key order, retries, outcomes.

It imports neither httpx nor generated code: an API plugs in through a `Sender`.
"""

from ._engine import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DeliveryEngine,
    EngineClosed,
)
from ._rate import RateLimiter
from ._types import (
    DeliveredCallback,
    DeliveryStats,
    ErrorCallback,
    FlushResult,
    MessageDropped,
    MessageFailed,
    Sender,
    SenderFactory,
    SendResult,
    Verdict,
)

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "DEFAULT_MAX_QUEUE_SIZE",
    "DEFAULT_SHUTDOWN_TIMEOUT",
    "DeliveredCallback",
    "DeliveryEngine",
    "DeliveryStats",
    "EngineClosed",
    "ErrorCallback",
    "FlushResult",
    "MessageDropped",
    "MessageFailed",
    "RateLimiter",
    "SendResult",
    "Sender",
    "SenderFactory",
    "Verdict",
]
