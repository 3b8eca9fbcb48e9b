"""What the delivery engine and its senders exchange."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import attrs

from .._errors import (
    DeliveryError,
    EngineClosed,
    MessageDropped,
    MessageFailed,
    MessageUnknown,
    TrackapisError,
    as_delivery_error,
)

__all__ = [
    "DeliveredCallback",
    "DeliveryError",
    "DeliveryStats",
    "EngineClosed",
    "ErrorCallback",
    "FlushResult",
    "MessageDropped",
    "MessageFailed",
    "MessageUnknown",
    "SendResult",
    "Sender",
    "SenderFactory",
    "Verdict",
]


class Verdict(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAIL = "fail"


@attrs.frozen
class SendResult:
    """A sender's verdict on one message.

    `error` is what `on_error` receives when the message finally fails: always a
    `TrackapisError` (`retry` and `fail` wrap anything else in a `MessageFailed` caused by it);
    `retry_after` is the server's requested wait in seconds, if any.
    """

    verdict: Verdict
    error: TrackapisError | None = None
    retry_after: float | None = None

    @classmethod
    def delivered(cls) -> SendResult:
        return _DELIVERED

    @classmethod
    def retry(cls, error: BaseException, retry_after: float | None = None) -> SendResult:
        return cls(Verdict.RETRY, as_delivery_error(error, "the attempt failed"), retry_after)

    @classmethod
    def fail(cls, error: BaseException) -> SendResult:
        return cls(Verdict.FAIL, as_delivery_error(error))


_DELIVERED = SendResult(Verdict.DELIVERED)


class Sender(Protocol):
    """Sends payloads: one per request, or a batch per request for APIs that batch.

    One sender serves one worker thread, so it may hold a connection of its own.
    """

    def send(self, payloads: Sequence[Any]) -> Sequence[SendResult]:
        """One result per payload, in order. Raising counts as a retryable error for every payload."""
        ...

    def close(self) -> None: ...


SenderFactory = Callable[[], Sender]
ErrorCallback = Callable[[TrackapisError, Any], object]
DeliveredCallback = Callable[[Any], object]


@attrs.frozen
class DeliveryStats:
    """Counters since the engine started (or since a fork, in a child).

    Every queued message ends in exactly one of delivered, failed, dropped and unknown (in flight
    when a bounded shutdown gave up); until then it is pending. `retried` counts retry attempts,
    not messages.
    """

    queued: int
    delivered: int
    retried: int
    failed: int
    dropped: int
    pending: int
    unknown: int = 0


@attrs.frozen
class FlushResult:
    """What settled while `flush()` waited, and what is still pending if it timed out.

    `unknown`: messages that were in flight when a bounded `shutdown()` gave up; they may or
    may not have arrived (never counted as dropped).
    """

    delivered: int
    failed: int
    dropped: int
    pending: int
    unknown: int = 0

    @property
    def complete(self) -> bool:
        """True when nothing was pending when flush returned."""
        return self.pending == 0
