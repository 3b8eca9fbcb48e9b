"""A client-side rate limit: delays requests to stay under N per minute, never drops them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """A token bucket refilled at `per_minute / 60` tokens a second, holding at most one second's worth.

    The small burst keeps a freshly started client from spending a minute's budget at once,
    which is what trips a provider's per-minute limit.
    """

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, (int, float)) or per_minute <= 0:
            raise ValueError(f"rate_limit_per_minute must be a positive number, not {per_minute!r}")
        self._rate = per_minute / 60.0
        self._capacity = max(1.0, self._rate)
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a token; return how many seconds the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self._rate
