"""`track.consumer`: thin stand-ins for the original's consumer thread and its queue.

The original delivered from one `Consumer` thread reading a `queue.Queue`. Here delivery runs in
trackapis' delivery engine (worker threads over keep-alive connections, per-user order, retries),
so these objects only keep the original's names working: `client.consumer.pause()` /
`client.consumer.join()` stop delivery after what is queued is delivered, and `client.queue`
answers `qsize()`, `empty()`, `full()` and `join()` from the engine's counters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Consumer", "QueueView"]


class Consumer:
    """The original's consumer, as a handle on the client's delivery (no thread of its own)."""

    def __init__(self, client: Client, *_args: Any, **_kwargs: Any) -> None:
        self._client = client
        self.running = True

    def run(self) -> None:
        """Nothing to run: delivery starts with the first queued message."""

    def start(self) -> None:
        """Nothing to start (see `run`)."""

    def pause(self) -> None:
        """Stop after what is queued is delivered (`join()` waits for it)."""
        self.running = False

    def join(self, timeout: float | None = None) -> None:
        """Deliver what is queued (no limit unless `timeout`), then stop delivery."""
        self.running = False
        self._client.shutdown(timeout)

    def is_alive(self) -> bool:
        return not self._client._typed().closed


class QueueView:
    """The original's `client.queue`: its size and `join()`, answered by the delivery engine."""

    def __init__(self, client: Client, maxsize: int) -> None:
        self._client = client
        self.maxsize = maxsize

    def qsize(self) -> int:
        """Messages accepted and not yet delivered or failed."""
        return self._client._pending()

    def empty(self) -> bool:
        return self.qsize() == 0

    def full(self) -> bool:
        return 0 < self.maxsize <= self.qsize()  # as queue.Queue: a maxsize of 0 or less has no limit

    def join(self) -> None:
        """Wait until every queued message is delivered or failed."""
        self._client.flush()
