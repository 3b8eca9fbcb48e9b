"""The httpx backend, sync and async, built from the same `ConnectionConfig` as the lean one.

Requests go straight to an httpx transport, not through `httpx.Client`: the client's
per-request work (URL merging, cookies, auth flows, redirects, event hooks) costs more CPU than
the exchange at high rates, and it logs full URLs (Attribution.io's private URL carries its
secret). What this adds on top of the transport:

- the proxy and TLS context resolved once by the config (httpx never reads the environment:
  `trust_env=False`), one transport per distinct proxy;
- a deadline for the whole attempt, enforced by wrapping httpcore's network backend: every
  connect, read and write gets only what is left of it, so a server that drips its headers or
  body one byte a second cannot hold a call past `timeout`;
- answers read up to the call's cap, the status deciding when the body cannot be read;
- async exchanges shielded from cancellation: a cancelled caller leaves its exchange to finish
  (within its deadline) in a task, because httpcore 1.0.9 leaks pool slots when a request is
  cancelled under contention (encode/httpcore#1093) until the pool is wedged for good.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpcore
import httpx

from .._config import ConnectionConfig
from .._errors import TransportError
from ._answer import Answer, Call, decoded
from ._redact import NOTHING, Redactor, hide_everywhere
from ._verdict import answered, is_foreign, translated

# Requests in flight at once when no `max_connections` is given (httpx's own default pool size).
_UNLIMITED = 100
# When the current attempt must be over (time.monotonic()); None outside an attempt.
_ATTEMPT_END: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "trackapis_attempt_end", default=None
)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    end = _ATTEMPT_END.get()
    if end is None:
        return timeout
    remaining = end - time.monotonic()
    if remaining <= 0:
        raise error("the attempt took longer than its timeout")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _Stream:
        return _Stream(
            self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _Stream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _Stream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _AsyncStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _AsyncStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(
            await self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _AsyncStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, bounded, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _request(call: Call, headers: Mapping[str, str], timeout: float) -> httpx.Request:
    return httpx.Request(
        call.method,
        call.base_url + call.path,
        params=call.params or None,
        # identity: a tracking answer is small, and a body is decoded (leniently) by the edge
        headers={"Accept-Encoding": "identity", **headers, **call.headers},
        content=call.content,
        extensions={"timeout": httpx.Timeout(timeout).as_dict()},
    )


class _Base:
    """What both httpx backends share.

    Args:
        config: Proxy, trust, timeout and user agent.
        headers: Sent with every request (credentials included).
        max_connections: Keep-alive connections per proxy route (None: httpx's default).
        transport: A given httpx transport (tests), sync or async to match: used as is, never
            closed here.
        redact: Removes the credentials from error messages.
    """

    _transport_class: Any
    _bounded_backend: Any

    def __init__(
        self,
        config: ConnectionConfig,
        headers: Mapping[str, str],
        *,
        max_connections: int | None = None,
        transport: Any = None,
        redact: Redactor = NOTHING,
    ) -> None:
        self._config = config
        self._headers = {"User-Agent": config.user_agent, **headers}
        self._max_connections = max_connections
        self._given = transport
        self._redact = redact
        hide_everywhere(*config.network.proxy_credentials())
        self._lock = threading.Lock()
        self._transports: dict[str | None, Any] = {}
        self._running: set[Any] = set()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._config.base_url!r})"

    def _transport_for(self, url: str) -> Any:
        if self._given is not None:
            return self._given
        proxy = self._config.network.proxy_for(url)
        with self._lock:
            transport = self._transports.get(proxy)
            if transport is None:
                transport = self._transports[proxy] = self._make(proxy)
            return transport

    def _make(self, proxy: str | None) -> Any:
        transport = self._transport_class(
            verify=self._config.network.ssl_context(),
            proxy=proxy,
            trust_env=False,
            limits=httpx.Limits(
                max_connections=self._max_connections, max_keepalive_connections=self._max_connections
            ),
        )
        pool = transport._pool  # the network backend is httpcore's: bound every I/O by the deadline
        pool._network_backend = self._bounded_backend(pool._network_backend)
        return transport

    def _owned(self) -> list[Any]:
        with self._lock:
            owned, self._transports = list(self._transports.values()), {}
        return owned


class HttpxBackend(_Base):
    """Sends `Call`s through httpx transports; thread-safe. Arguments: see `_Base`."""

    _transport_class = httpx.HTTPTransport
    _bounded_backend = _Backend

    def exchange(self, call: Call, timeout: float | None = None) -> Answer:
        """Send `call`, read its answer (within `timeout` seconds in all); raises `TransportError`."""
        seconds = self._config.timeout if timeout is None else timeout
        token = _ATTEMPT_END.set(time.monotonic() + seconds)
        try:
            with translated(call, self._redact):
                request = _request(call, self._headers, seconds)
                response = self._transport_for(call.base_url).handle_request(request)
                try:
                    raw, unreadable = _read(response, call.cap, call.method)
                finally:
                    response.close()
        finally:
            _ATTEMPT_END.reset(token)
        return decoded(response.status_code, _lower(response), raw, unreadable)

    def close(self) -> None:
        for transport in self._owned():
            transport.close()


class AsyncHttpxBackend(_Base):
    """`HttpxBackend` for asyncio; cancelling a caller never cancels an exchange (see the module)."""

    _slots: asyncio.Semaphore | None = None

    _transport_class = httpx.AsyncHTTPTransport
    _bounded_backend = _AsyncBackend

    async def exchange(self, call: Call, timeout: float | None = None) -> Answer:
        """Send `call`, read its answer (within `timeout` seconds in all); raises `TransportError`.

        Waiting for a free connection happens here, on a semaphore, where cancelling is safe;
        httpcore's pool then never has more requests than connections (no contention), and the
        exchange itself runs in a shielded task that a cancelled caller leaves to finish.
        """
        seconds = self._config.timeout if timeout is None else timeout
        end = time.monotonic() + seconds
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections or _UNLIMITED)
        try:
            async with asyncio.timeout(seconds):
                await self._slots.acquire()
        except TimeoutError:
            raise TransportError(
                f"timed out waiting for one of {self._max_connections} connections",
                method=call.method,
                path=call.path,
            ) from None
        try:
            task = asyncio.ensure_future(self._exchange(call, end))
        except BaseException:
            self._slots.release()
            raise
        self._running.add(task)
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    def _finished(self, task: asyncio.Task[Answer]) -> None:
        self._running.discard(task)
        if self._slots is not None:
            self._slots.release()
        if not task.cancelled():
            task.exception()  # retrieved: an orphaned exchange's failure is nobody's to report

    async def _exchange(self, call: Call, end: float) -> Answer:
        seconds = max(end - time.monotonic(), 0.001)
        _ATTEMPT_END.set(end)  # this task's own context
        with translated(call, self._redact):
            request = _request(call, self._headers, seconds)
            response = await self._transport_for(call.base_url).handle_async_request(request)
            try:
                raw, unreadable = await _aread(response, call.cap, call.method)
            finally:
                await response.aclose()
        return decoded(response.status_code, _lower(response), raw, unreadable)

    async def aclose(self) -> None:
        if self._running:  # let orphaned exchanges end (each within its deadline)
            await asyncio.wait(list(self._running))
        for transport in self._owned():
            await transport.aclose()


def _lower(response: httpx.Response) -> dict[str, str]:
    headers = {name.lower(): value for name, value in response.headers.items()}
    if response.is_stream_consumed and hasattr(response, "_content"):
        headers.pop("content-encoding", None)  # httpx decoded it already
    return headers


class _Body:
    """An answer's body, collected up to the call's cap (sync and async feed it alike)."""

    def __init__(self, response: httpx.Response, cap: int, method: str) -> None:
        self._cap = cap
        self._answered = answered(response.status_code, method)
        self._chunks: list[bytes] = []
        self._size = 0
        self.unreadable: str | None = None
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > cap:
            self.unreadable = f"{length} bytes, over the cap of {cap}"

    def take(self, chunk: bytes) -> bool:
        """Keep `chunk`; False once the cap is passed (stop reading: the connection is closed)."""
        self._size += len(chunk)
        if self._size > self._cap:
            self.unreadable = f"more than the cap of {self._cap} bytes"
            return False
        self._chunks.append(chunk)
        return True

    def cut_short(self, error: Exception) -> None:
        """The body could not be read to its end after the status arrived.

        A timeout (the attempt's deadline passed while the body dripped in) leaves the status to
        decide, as does a connection closed before the end of a 2xx to a POST (`answered`: the
        server did it). Otherwise a connection closed or reset before the promised end is an
        incomplete message (RFC 9112, section 8), no answer at all: that is raised again.
        """
        if not is_foreign(error):
            raise error
        if isinstance(error, httpx.TimeoutException):
            self.unreadable = f"{type(error).__name__}: {error}"
        elif self._answered:
            self.unreadable = f"the body was cut short ({type(error).__name__}: {error})"
        else:
            raise error

    def result(self) -> tuple[bytes, str | None]:
        return (b"" if self.unreadable else b"".join(self._chunks)), self.unreadable


def _read(response: httpx.Response, cap: int, method: str) -> tuple[bytes, str | None]:
    if response.is_stream_consumed:  # a test transport's response, made with `content=`/`json=`
        return response.content, None
    body = _Body(response, cap, method)
    try:
        for chunk in () if body.unreadable else response.iter_raw():
            if not body.take(chunk):
                break
    except Exception as error:
        body.cut_short(error)
    return body.result()


async def _aread(response: httpx.Response, cap: int, method: str) -> tuple[bytes, str | None]:
    if response.is_stream_consumed:
        return response.content, None
    body = _Body(response, cap, method)
    try:
        if body.unreadable is None:
            async for chunk in response.aiter_raw():
                if not body.take(chunk):
                    break
    except Exception as error:
        body.cut_short(error)
    return body.result()
