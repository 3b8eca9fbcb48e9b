"""The part of an import target that matches the delivery engine's outcomes back to rows.

The clients report outcomes with the message they sent, not the row it came from; rows are
matched to messages by content, first in first out. Identical rows name the identical user or
customer, so they share a lane and settle in the order they were queued, which keeps the match exact.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Generic, TypeVar

from .._lifecycle import SyncClient
from ..delivery import MessageDropped
from ._targets import OutcomeSink

Client = TypeVar("Client", bound=SyncClient)
Message = TypeVar("Message")


class MatchedTarget(Generic[Client, Message]):
    """An import target over a buffered client; a subclass adds `submit` and `_content_key`."""

    def __init__(self, kind: str, sink: OutcomeSink, client_factory: Any) -> None:
        self._kind = kind
        self._sink = sink
        # Held across the client's call so that an outcome arriving before the row is registered waits.
        self._lock = threading.RLock()
        self._rows: dict[str, deque[int]] = {}
        self._client: Client = client_factory(on_error=self._on_error, on_delivered=self._on_delivered)

    def _content_key(self, message: Message) -> str:
        raise NotImplementedError

    def _remember(self, row: int, message: Message) -> None:
        # Call with `_lock` held, together with the client's call that queued the message.
        self._rows.setdefault(self._content_key(message), deque()).append(row)

    def flush(self, timeout: float) -> bool:
        return self._client.flush(timeout).complete

    def close(self, timeout: float) -> None:
        self._client.shutdown(timeout)

    def retried(self) -> int:
        return self._client.stats().retried

    def _take(self, message: Message) -> int | None:
        with self._lock:
            key = self._content_key(message)
            rows = self._rows.get(key)
            if not rows:
                return None
            row = rows.popleft()
            if not rows:
                del self._rows[key]
            return row

    def _on_delivered(self, message: Message) -> None:
        row = self._take(message)
        if row is not None:
            self._sink.delivered(row)

    def _on_error(self, error: Exception, message: Message) -> None:
        row = self._take(message)
        if row is None:
            return
        if isinstance(error, MessageDropped):
            self._sink.abandoned(row, str(error))
        else:
            self._sink.failed(row, str(error))
