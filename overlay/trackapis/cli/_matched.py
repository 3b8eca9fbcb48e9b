"""The part of an import target that matches the delivery engine's outcomes back to rows.

The clients report outcomes with the message they sent, not the row it came from; rows are
matched to messages by content, first in first out. Identical rows name the identical user or
customer, so they share a lane and settle in the order they were queued, which keeps the match exact.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from ..delivery import DeliveryStats, FlushResult, MessageDropped, MessageUnknown
from ..interakt import APIError, TransportError
from ._common import BaseUrl, command_errors, credential
from ._targets import Columns, ImportSettings, ImportTargetSpec, OutcomeSink, RowInvalid


def run_failure(error: BaseException) -> bool:
    """True for an error that is the run's (credentials, URL, unreachable server), not the row's.

    Each of these means the API did not process the request, so sending the row again later
    cannot make a duplicate: 401/403 (credentials), 404 (a wrong base URL: the tracking paths
    exist), 407 (a proxy's), 429 after the retries, and a connection, proxy tunnel or TLS
    handshake that could not be made (a reset or a timeout may come after the server got it).
    """
    if isinstance(error, APIError):
        return error.status in (401, 403, 404, 405, 407, 429)
    return isinstance(error, TransportError) and error.unsent


class _BackgroundClient(Protocol):
    """What the target uses of a client in background mode (the public clients all have it)."""

    def flush(self, timeout: float | None = ...) -> FlushResult: ...

    def shutdown(self, timeout: float | None = ...) -> Any: ...

    def stats(self) -> DeliveryStats: ...


Client = TypeVar("Client", bound=_BackgroundClient)
Message = TypeVar("Message")


def background_client(
    make: Callable[..., Client], *args: Any, settings: ImportSettings, **options: Any
) -> Callable[..., Client]:
    """A factory of the client an import target sends through, with the importer's settings;
    the target adds its `on_error` and `on_delivered`. A bad option ends the command (exit 2)."""

    def client(**callbacks: Any) -> Client:
        with command_errors():
            return make(
                *args,
                max_retries=settings.max_retries,
                max_in_flight=settings.max_in_flight,
                rate_limit_per_minute=settings.rate_limit_per_minute,
                **options,
                **callbacks,
            )
        raise AssertionError("unreachable: command_errors re-raises")

    return client


class MatchedTarget(Generic[Client, Message]):
    """An import target over a buffered client; a subclass adds `_queue` and `_content_key`."""

    def __init__(self, kind: str, sink: OutcomeSink, client_factory: Any, *, extra_as_traits: bool) -> None:
        self._kind = kind
        self._sink = sink
        self._extra_as_traits = extra_as_traits
        # Held across the client's call so that an outcome arriving before the row is registered waits.
        self._lock = threading.RLock()
        self._rows: dict[str, deque[int]] = {}
        self._client: Client = client_factory(on_error=self._on_error, on_delivered=self._on_delivered)

    def _content_key(self, message: Message) -> str:
        raise NotImplementedError

    def _queue(self, record: Mapping[str, Any]) -> tuple[bool, str]:
        """Queue a row with the client: whether it was queued, and its key (`_content_key` of the
        message the client will report). Raises `RowInvalid` (or ValueError, TypeError) for a bad row."""
        raise NotImplementedError

    def submit(self, row: int, record: Mapping[str, Any]) -> None:
        # The lock is held across the client's call, so that its outcome finds the row registered.
        with self._lock:
            try:
                accepted, key = self._queue(record)
            except (ValueError, TypeError) as error:
                raise RowInvalid(str(error)) from None
            if accepted:
                self._rows.setdefault(key, deque()).append(row)
        if not accepted:  # the queue was full: it was never sent
            self._sink.run_failed(row, "dropped: the client's queue was full")

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
        if isinstance(error, (MessageDropped, MessageUnknown)):  # given up on: it may have arrived
            self._sink.abandoned(row, str(error))
        elif run_failure(error):
            self._sink.run_failed(row, str(error))
        else:
            self._sink.failed(row, str(error))


def matched_import(
    target: Callable[..., MatchedTarget[Any, Any]],
    make_client: Callable[..., Any],
    *,
    base_url: BaseUrl,
    credential_variable: str,
    credential_what: str,
    client_options: Mapping[str, Any],
    name: str,
    help: str,
    kinds: Mapping[str, str],
    columns: Mapping[str, Columns],
    credentials: str,
) -> ImportTargetSpec:
    """An API's import target: `target` over `make_client` (with `client_options`) at `base_url`, its
    credential from `$credential_variable`; the other arguments are `ImportTargetSpec`'s."""

    def identity(options: Mapping[str, Any], kind: str) -> str:
        return f"{name} {kind} at {base_url.resolve(options)}"

    def create(
        options: Mapping[str, Any], kind: str, sink: OutcomeSink, settings: ImportSettings
    ) -> MatchedTarget[Any, Any]:
        secret = credential(credential_variable, what=credential_what)
        client = background_client(
            make_client, secret, base_url=base_url.resolve(options), settings=settings, **client_options
        )
        return target(kind, sink, client, extra_as_traits=settings.extra_as_traits)

    return ImportTargetSpec(
        name=name,
        help=help,
        kinds=kinds,
        columns=columns,
        options=lambda: [base_url.option()],
        identity=identity,
        create=create,
        credentials=credentials,
    )
