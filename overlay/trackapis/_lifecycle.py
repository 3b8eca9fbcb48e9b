"""The lifecycle shared by the sync clients: delivery counters, flush, shutdown, context manager.

It lives outside `delivery/`, which stays provider-agnostic and free of httpx: shutting a
client down also closes the poster it uses for sends in callers' threads.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    import threading

    from ._transport import Poster
    from .delivery import DeliveryEngine, DeliveryStats, FlushResult


class EngineLifecycle:
    """For a client with a delivery engine and a lazily made direct poster (set in its `__init__`)."""

    _engine: DeliveryEngine
    _direct_lock: threading.Lock
    # The process id the poster was made in, so that a forked child makes its own.
    _direct: tuple[int, Poster] | None

    @property
    def closed(self) -> bool:
        """True after `shutdown()`."""
        return self._engine.closed

    def stats(self, *, fleet: bool = False) -> DeliveryStats:
        """Counters of the background delivery: queued, delivered, retried, failed, dropped, pending.

        `fleet=True`: the counters of every process sharing this client's Redis store.
        """
        return self._engine.stats(fleet=fleet)

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
