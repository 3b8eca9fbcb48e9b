"""The lifecycle shared by the sync clients: delivery counters, flush, shutdown, context manager.

It lives outside `delivery/`, which stays provider-agnostic and free of httpx: shutting a
client down also closes the backend it uses for sends in callers' threads.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    import threading

    from ._http._httpx import HttpxBackend
    from .delivery import DeliveryEngine, DeliveryStats, FlushResult


class EngineLifecycle:
    """For a client with a delivery engine and a lazily made direct backend (set in its `__init__`)."""

    _engine: DeliveryEngine
    _direct_lock: threading.Lock
    # The process id the backend was made in, so that a forked child makes its own.
    _direct: tuple[int, HttpxBackend] | None

    @property
    def closed(self) -> bool:
        """True after `shutdown()`."""
        return self._engine.closed

    def stats(self) -> DeliveryStats:
        """Counters of the background delivery: queued, delivered, retried, failed, dropped, pending."""
        return self._engine.stats()

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until everything queued is delivered or failed (or `timeout` seconds)."""
        return self._engine.flush(timeout)

    def shutdown(self, timeout: float | None = None) -> FlushResult:
        """Deliver what is queued (up to `timeout`, default `shutdown_timeout`), then stop. Idempotent."""
        result = self._engine.shutdown(timeout)
        with self._direct_lock:
            if self._direct is not None:
                self._direct[1].close()
                self._direct = None
        return result

    close = shutdown

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.shutdown()
