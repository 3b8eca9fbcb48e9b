"""The retry policy: a pure object that says whether to retry and after how long. It never sleeps."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, Final

import attrs

# Interakt's original SDK retried 3 times; the same default keeps the same patience.
DEFAULT_MAX_RETRIES: Final = 3
# Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"):
# the n-th retry waits uniform(0, min(cap, initial * 2**n)).
DEFAULT_BACKOFF_INITIAL: Final = 0.5
DEFAULT_BACKOFF_MAX: Final = 30.0
# A server may ask for a long wait; honour it, up to this many seconds, so that one answer cannot
# stall delivery (or a caller in sync mode) for minutes.
DEFAULT_RETRY_AFTER_CAP: Final = 60.0

# The statuses worth another attempt, named once for every API and path: 408 (the server gave up
# waiting for the request), 429 (slow down) and 5xx, except those that say the request can never
# work: 501 Not Implemented, 505 HTTP Version Not Supported, 511 Network Authentication Required
# (a captive portal). Everything else (4xx) fails at once.
RETRYABLE_STATUSES: Final = frozenset({408, 429, *range(500, 600)} - {501, 505, 511})
# An attempt gets what is left of the deadline, but at least this long: below it a request
# cannot finish even on loopback, and the attempt would only turn into a timeout.
MIN_ATTEMPT_TIMEOUT: Final = 0.05


def _non_negative(name: str) -> Callable[[Any, Any, float], None]:
    def check(_instance: Any, _attribute: Any, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, not {value!r}")

    return check


def _max_retries(_instance: Any, _attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be a non-negative integer, not {value!r}")


@attrs.frozen
class RetryPolicy:
    """When to retry a failed request, and how long to wait first.

    Network errors, timeouts and `RETRYABLE_STATUSES` (408, 429, 5xx but 501/505/511) are
    retried; other statuses are not. `Retry-After`
    (seconds or an HTTP date) is honoured up to `retry_after_cap` seconds.

    Args:
        max_retries: Retries after the first attempt; 0 disables retrying.
        backoff_initial: The first backoff ceiling, in seconds.
        backoff_max: The largest backoff ceiling, in seconds.
        retry_after_cap: The longest `Retry-After` honoured, in seconds.
    """

    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, validator=_max_retries)
    backoff_initial: float = attrs.field(
        default=DEFAULT_BACKOFF_INITIAL, validator=_non_negative("backoff_initial")
    )
    backoff_max: float = attrs.field(default=DEFAULT_BACKOFF_MAX, validator=_non_negative("backoff_max"))
    retry_after_cap: float = attrs.field(
        default=DEFAULT_RETRY_AFTER_CAP, validator=_non_negative("retry_after_cap")
    )

    def retryable_status(self, status: int) -> bool:
        return status in RETRYABLE_STATUSES

    def can_retry(self, retries_done: int) -> bool:
        """Whether another retry is allowed after `retries_done` retries."""
        return retries_done < self.max_retries

    def delay(
        self, retries_done: int, retry_after: float | None = None, *, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before retry number `retries_done + 1`.

        With a `Retry-After`, that (capped); otherwise full jitter over the exponential ceiling.
        """
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0**retries_done)
        return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """`Retry-After` in seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # not `²` or other Unicode digits, which float() refuses
        return float(text) if len(text) <= 12 else 1e12  # the policy caps it
    if not text.isascii() or len(text) > 64:
        return None
    try:
        import email.utils  # rarely needed: most servers send seconds

        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # an HTTP date is always GMT
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class Deadline:
    """The time a call may take in all, attempts and waits between them included."""

    def __init__(
        self, seconds: float, per_attempt: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._end = clock() + seconds
        self._per_attempt = per_attempt

    def remaining(self) -> float:
        return self._end - self._clock()

    def attempt_timeout(self) -> float:
        """The next attempt's whole-attempt timeout: `timeout`, or what is left if that is less."""
        return max(min(self._per_attempt, self.remaining()), MIN_ATTEMPT_TIMEOUT)

    def allows_wait(self, seconds: float) -> bool:
        # Waiting only makes sense when an attempt still fits after it.
        return seconds + MIN_ATTEMPT_TIMEOUT < self.remaining()
