"""Faults a fake injects on demand: error statuses, dropped connections, added latency."""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Collection

import attrs

# Retry-After accompanies these statuses, as real rate limiters and maintenance pages send it.
_RETRY_AFTER_STATUSES = frozenset({429, 503})


@attrs.frozen
class Fault:
    """What a fake does instead of answering a request normally.

    `status` is None for a dropped connection.
    """

    status: int | None
    retry_after: int | str | None = None
    body: str | None = None
    content_type: str = "application/json"

    @property
    def drops_connection(self) -> bool:
        return self.status is None

    def headers(self) -> list[tuple[str, str]]:
        if self.status in _RETRY_AFTER_STATUSES and self.retry_after is not None:
            return [("retry-after", str(self.retry_after))]
        return []


@attrs.define
class _Rule:
    fault: Fault
    remaining: int | None  # None: no count, the rule fires by fraction
    fraction: float
    rng: random.Random
    operations: frozenset[str] | None

    def fire(self, operation_id: str | None) -> bool:
        if self.operations is not None and operation_id not in self.operations:
            return False
        if self.remaining is not None:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True
        return self.rng.random() < self.fraction


def _check_status(status: int) -> None:
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"status must be an error status between 400 and 599, not {status!r}")


def _check_count(count: int) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"count must be a non-negative integer, not {count!r}")


def _check_fraction(fraction: float) -> None:
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, not {fraction!r}")


def _check_retry_after(retry_after: int | str | None) -> None:
    if isinstance(retry_after, bool) or (isinstance(retry_after, int) and retry_after < 0):
        raise ValueError(
            f"retry_after must be a non-negative number of seconds or an HTTP date, not {retry_after!r}"
        )


class Faults:
    """The fault plan of one fake. Safe to change from a test while the fake serves requests.

    Rules are tried in the order they were added; the first that fires decides the request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._latency = 0.0

    @property
    def latency(self) -> float:
        """Seconds added before every answer."""
        return self._latency

    def add_latency(self, seconds: float) -> None:
        """Delay every answer by `seconds` (replacing any earlier latency)."""
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds < math.inf:
            raise ValueError(f"seconds must be a finite non-negative number, not {seconds!r}")
        self._latency = float(seconds)

    def fail_next(
        self,
        count: int,
        *,
        status: int,
        retry_after: int | str | None = 1,
        body: str | None = None,
        content_type: str = "application/json",
        operations: Collection[str] | None = None,
    ) -> None:
        """Answer the next `count` requests with `status`.

        Args:
            count: How many requests fail.
            status: The error status (400-599).
            retry_after: Sent as `Retry-After` with 429 and 503: seconds, or an HTTP date.
            body: A raw body instead of the API's JSON error (for example an HTML error page).
            content_type: The content type of `body`.
            operations: Only requests to these operation ids count; all when None.
        """
        _check_count(count)
        self._add(Fault(status, retry_after, body, content_type), count=count, operations=operations)

    def fail_fraction(
        self,
        fraction: float,
        *,
        status: int,
        seed: int = 0,
        retry_after: int | str | None = 1,
        body: str | None = None,
        content_type: str = "application/json",
        operations: Collection[str] | None = None,
    ) -> None:
        """Answer a seeded random `fraction` of requests with `status` (see `fail_next`)."""
        _check_fraction(fraction)
        self._add(
            Fault(status, retry_after, body, content_type),
            fraction=fraction,
            seed=seed,
            operations=operations,
        )

    def drop_next(self, count: int, *, operations: Collection[str] | None = None) -> None:
        """Drop the connection of the next `count` requests before answering."""
        _check_count(count)
        self._add(Fault(None), count=count, operations=operations)

    def drop_fraction(
        self, fraction: float, *, seed: int = 0, operations: Collection[str] | None = None
    ) -> None:
        """Drop the connection of a seeded random `fraction` of requests."""
        _check_fraction(fraction)
        self._add(Fault(None), fraction=fraction, seed=seed, operations=operations)

    def clear(self) -> None:
        """Remove every rule and the latency."""
        with self._lock:
            self._rules.clear()
            self._latency = 0.0

    def draw(self, operation_id: str | None) -> Fault | None:
        """The fault for one incoming request, if any rule fires."""
        with self._lock:
            for rule in self._rules:
                if rule.fire(operation_id):
                    return rule.fault
        return None

    def _add(
        self,
        fault: Fault,
        *,
        count: int | None = None,
        fraction: float = 0.0,
        seed: int = 0,
        operations: Collection[str] | None,
    ) -> None:
        if fault.status is not None:
            _check_status(fault.status)
        _check_retry_after(fault.retry_after)
        if isinstance(operations, str):
            raise ValueError(
                f"operations must be a collection of operation ids, not the string {operations!r}"
            )
        scope = None if operations is None else frozenset(operations)
        with self._lock:
            self._rules.append(_Rule(fault, count, fraction, random.Random(seed), scope))
