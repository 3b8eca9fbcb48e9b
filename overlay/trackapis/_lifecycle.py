"""One lifecycle for every client: close/shutdown, flush, stats, context managers, fork, exit.

A client holds a `Lifecycle` (composition): its optional delivery engine (which owns the exit
hook and fork handling of background delivery), the backend for calls made in callers' code
(made on first use, and anew in a forked child, whose inherited connections belong to the
parent), and whether it is closed. `SyncClient` and `AsyncClient` give the public methods, once,
to every facade. It lives outside `delivery/`, which stays free of httpx.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from ._errors import ClientClosedError, TrackapisError

if TYPE_CHECKING:
    from ._config import ConnectionConfig, DeliveryOptions
    from ._http._answer import Answer, Call
    from ._http._httpx import AsyncHttpxBackend
    from ._http._redact import Redactor
    from ._retry import Deadline
    from .delivery import Codec, DeliveryEngine, DeliveryStats, FlushResult


class _Backend(Protocol):
    def exchange(self, call: Call, timeout: float | None = None) -> Answer: ...

    def close(self) -> None: ...


BackendT = TypeVar("BackendT", bound=_Backend)
HandlerT = TypeVar("HandlerT")


def handler(name: str, value: HandlerT) -> HandlerT:
    """A constructor's `on_error=`/`on_delivered=`: None or a callable, else a `TypeError`."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable, not {type(value).__name__}")
    return value


def engine_options(
    arguments: Mapping[str, Any],
    options: DeliveryOptions,
    *,
    codec: Callable[[], Codec[Any]],
    message_of: Callable[[Any], Any],
    warn: Callable[[TrackapisError, Any], object],
    background: bool | None = None,
) -> dict[str, Any]:
    """A sync client's `DeliveryEngine` keywords, from its constructor's own arguments (its `locals()`).

    `on_error`, `on_delivered` and `store` are checked here. Users see each payload as
    `message_of(payload)`; a failure without `on_error` goes to `warn(error, message)`. A spool
    `store` needs `background` (unless None: the client queues in either mode).
    """
    from .delivery import open_store

    on_error = handler("on_error", arguments["on_error"])
    on_delivered = handler("on_delivered", arguments["on_delivered"])
    spool = open_store(arguments["store"])
    if spool is not None and background is False:
        raise ValueError("store applies to background delivery: pass background=True with it")

    def report(error: TrackapisError, payload: Any) -> None:
        (warn if on_error is None else on_error)(error, message_of(payload))

    return {
        "on_error": report,
        **options.engine_kwargs(),
        "on_delivered": None if on_delivered is None else lambda payload: on_delivered(message_of(payload)),
        "store_sync_interval": arguments["store_sync_interval"],
        **({} if spool is None else {"store": spool, "codec": codec()}),
    }


class Lifecycle(Generic[BackendT]):
    """A sync client's state: engine, per-process backend, closed flag.

    Args:
        name: The client's class name, for `ClientClosedError`.
        make_backend: Makes the backend for calls in callers' threads (thread-safe).
        engine: The background delivery engine, if the client has one.
    """

    def __init__(
        self, name: str, make_backend: Callable[[], BackendT], engine: DeliveryEngine | None = None
    ) -> None:
        self.name = name
        self.engine = engine
        self._make_backend = make_backend
        self._lock = threading.Lock()
        self._backend: tuple[int, BackendT] | None = None
        self._extras: dict[str, tuple[int, Any]] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed or (self.engine is not None and self.engine.closed)

    def check_open(self) -> None:
        if self.closed:
            raise ClientClosedError(f"this {self.name} was shut down; create a new one")

    def backend(self) -> BackendT:
        """The backend of this process, made on first use."""
        with self._lock:
            if self._backend is None or self._backend[0] != os.getpid():
                self._backend = (os.getpid(), self._make_backend())
            return self._backend[1]

    def send(
        self,
        call: Call,
        config: ConnectionConfig,
        extract: Callable[[Any], str | None],
        redact: Redactor,
        deadline: Deadline | None = None,
    ) -> Answer:
        """Send now, in the caller's thread, with retries within the deadline (a new one by default).

        The 2xx answer, or raise (`ClientClosedError` once shut down; `APIError`, `TransportError`).
        """
        from ._http._driver import send

        self.check_open()
        deadline = deadline or config.new_deadline()
        return send(self.backend().exchange, call, config.policy, deadline, extract, redact=redact)

    def extra(self, key: str, make: Callable[[], Any]) -> Any:
        """Another per-process resource, made on first use: an executor (shut down on close)."""
        with self._lock:
            held = self._extras.get(key)
            if held is None or held[0] != os.getpid():
                held = self._extras[key] = (os.getpid(), make())
            return held[1]

    def shutdown(self, timeout: float | None = None) -> FlushResult:
        from .delivery import FlushResult

        self._closed = True
        result = self.engine.shutdown(timeout) if self.engine is not None else FlushResult(0, 0, 0, 0)
        with self._lock:
            backend, self._backend = self._backend, None
            extras, self._extras = self._extras, {}
        if backend is not None and backend[0] == os.getpid():
            backend[1].close()
        for pid, resource in extras.values():
            if pid == os.getpid():
                resource.shutdown(wait=False)
        return result


class SyncClient:
    """The lifecycle methods of the sync clients (state: `self._life`, set in `__init__`)."""

    _life: Lifecycle[Any]

    @property
    def closed(self) -> bool:
        """True after `shutdown()` / `close()`."""
        return self._life.closed

    def stats(self, *, fleet: bool = False) -> DeliveryStats:
        """Counters of the background delivery: queued, delivered, retried, failed, dropped, pending.

        `fleet=True`: the counters of every process sharing this client's Redis store.
        """
        from .delivery import DeliveryStats

        engine = self._life.engine
        return engine.stats(fleet=fleet) if engine is not None else DeliveryStats(0, 0, 0, 0, 0, 0)

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until everything queued is delivered or failed (or `timeout` seconds)."""
        from .delivery import FlushResult

        engine = self._life.engine
        return engine.flush(timeout) if engine is not None else FlushResult(0, 0, 0, 0)

    def shutdown(self, timeout: float | None = None) -> FlushResult:
        """Deliver what is queued (up to `timeout`, default `shutdown_timeout`), close connections.

        Idempotent. Returns what the background delivery settled meanwhile.
        """
        return self._life.shutdown(timeout)

    def close(self, timeout: float | None = None) -> FlushResult:
        """The same as `shutdown()`."""
        return self._life.shutdown(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._life.shutdown()


class AsyncClient:
    """The async clients' connection and lifecycle: `_connect()` in `__init__`, then `_send_*`."""

    # How the API's error bodies carry their message (a staticmethod in each facade).
    _error_text: Callable[[Any], str | None]
    _config: ConnectionConfig
    _redact: Redactor
    _backend: AsyncHttpxBackend
    _closed: bool

    def _connect(
        self,
        config: ConnectionConfig,
        headers: dict[str, str],
        *,
        max_connections: Any,
        transport: Any,
        redact: Redactor,
    ) -> None:
        from ._config import positive_int
        from ._http._httpx import AsyncHttpxBackend

        self._config, self._redact, self._closed = config, redact, False
        self._backend = AsyncHttpxBackend(
            config,
            headers,
            max_connections=positive_int("max_connections", max_connections),
            transport=transport,
            redact=redact,
        )

    def _open(self, arguments: Mapping[str, Any], *, example: str, authorization: str | None = None) -> None:
        """`_connect` from a constructor's own arguments (its `locals()`), by their names."""
        from ._config import ConnectionConfig
        from ._http._redact import Redactor

        self._connect(
            ConnectionConfig.from_arguments(arguments, example=example),
            {} if authorization is None else {"Authorization": authorization},
            max_connections=arguments["max_connections"],
            transport=arguments["transport"],
            redact=Redactor(authorization),
        )

    async def _send_call(self, call: Call, deadline: Deadline | None = None) -> Answer:
        """Send now with retries within the deadline (a new one by default); the 2xx answer, or raise."""
        from ._http._driver import send_async

        self._check_open()
        config = self._config
        deadline = deadline or config.new_deadline()
        return await send_async(
            self._backend.exchange, call, config.policy, deadline, self._error_text, redact=self._redact
        )

    async def _send_kwargs(self, kwargs: dict[str, Any], cap: int | None = None) -> Answer:
        """`_send_call` for a generated operation's request (cap: the tracking calls' by default)."""
        from ._config import TRACK_ANSWER_CAP
        from ._http._answer import Call

        call = Call.from_kwargs(self._config.base_url, kwargs, cap=cap or TRACK_ANSWER_CAP)
        return await self._send_call(call)

    @property
    def closed(self) -> bool:
        """True after `aclose()`."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError(f"this {type(self).__name__} was closed; create a new one")

    async def aclose(self) -> None:
        """Close the connections (after the exchanges of cancelled calls end). Idempotent."""
        self._closed = True
        await self._backend.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
