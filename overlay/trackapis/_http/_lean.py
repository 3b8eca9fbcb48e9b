"""The lean backend: one keep-alive HTTP/1.1 connection over `http.client`, for the delivery workers.

Each worker thread sends one request at a time over its own connection, so it needs none of a
client's pooling, redirects, cookies or auth flows. The standard library's `http.client` does
such an exchange for about a third of the CPU that httpx's stack takes (see the benchmark in
the README), and with dozens of workers sharing one GIL, CPU per request is what caps the
throughput. It never imports httpx.

It honours the same `ConnectionConfig` as the httpx backend: the same proxy (absolute-form
requests for `http://` targets, a `CONNECT` tunnel for `https://` ones, credentials from the
proxy URL as `Proxy-Authorization`), the same TLS context, and a deadline for the whole
attempt (connect, send, status line, headers and body), checked before every read.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import select
import socket
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._config import ConnectionConfig
from .._errors import TransportError
from ._answer import Answer, Call, decoded
from ._redact import NOTHING, Redactor
from ._verdict import is_foreign, translate


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each given only what is left of the attempt's time."""

    def __init__(self, sock: socket.socket, end: float) -> None:
        self._sock = sock
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the attempt took longer than its timeout")
        self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


class _BoundedResponse(http.client.HTTPResponse):
    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
        *,
        end: float,
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        self.fp.close()  # the makefile's reference only; the socket stays open
        self.fp = io.BufferedReader(_DeadlineReader(sock, end))


def _proxy_authorization(proxy: urllib.parse.SplitResult) -> dict[str, str]:
    if proxy.username is None:
        return {}
    user = urllib.parse.unquote(proxy.username)
    password = urllib.parse.unquote(proxy.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}


def lean_supported(config: ConnectionConfig) -> bool:
    """Whether the lean backend can take this config's route (an HTTPS proxy needs httpx)."""
    proxy = config.network.proxy_for(config.base_url)
    return proxy is None or proxy.lower().startswith("http://")


class LeanConnection:
    """One HTTP/1.1 connection, reopened when the server closed it; not thread-safe.

    Args:
        config: Base URL, timeout (the whole attempt), proxy and trust.
        headers: Sent with every request (credentials included: keep this object's repr bare).
        redact: Removes the credentials from error messages.
    """

    def __init__(
        self, config: ConnectionConfig, headers: Mapping[str, str], *, redact: Redactor = NOTHING
    ) -> None:
        url = urllib.parse.urlsplit(config.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"base_url must be an http(s) URL, not {config.base_url!r}")
        self._timeout = config.timeout
        self._redact = redact
        self._headers = {"User-Agent": config.user_agent, **headers}
        self._origin = f"{url.scheme}://{url.netloc}"
        self._prefix = url.path.rstrip("/")
        self._absolute = False  # absolute-form request targets (an http:// target through a proxy)
        self._host = url.hostname
        proxy_url = config.network.proxy_for(config.base_url)
        context = config.network.ssl_context() if url.scheme == "https" else None
        if proxy_url is None:
            self._connection = self._open(url.scheme, url.hostname, url.port, context)
            return
        proxy = urllib.parse.urlsplit(proxy_url)
        if proxy.scheme != "http" or not proxy.hostname:
            raise ValueError(f"the lean backend speaks to http:// proxies only, not {proxy_url!r}")
        credentials = _proxy_authorization(proxy)
        if url.scheme == "https":
            self._connection = self._open("https", proxy.hostname, proxy.port or 80, context)
            self._connection.set_tunnel(url.hostname, url.port or 443, headers=credentials)
        else:
            self._connection = self._open("http", proxy.hostname, proxy.port or 80, None)
            self._headers.update(credentials)
            self._absolute = True

    def _open(self, scheme: str, host: str, port: int | None, context: Any) -> http.client.HTTPConnection:
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=context)
        return http.client.HTTPConnection(host, port, timeout=self._timeout)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._origin}>"

    def exchange(self, call: Call, timeout: float | None = None) -> Answer:
        """Send `call` and read its answer within `timeout` seconds in all; raises `TransportError`."""
        seconds = self._timeout if timeout is None else timeout
        end = time.monotonic() + seconds
        self._drop_if_closed_by_server()
        connection = self._connection
        connection.timeout = seconds
        connection.response_class = functools.partial(_BoundedResponse, end=end)  # type: ignore[assignment]
        target = call.url.removeprefix(call.base_url)
        target = self._prefix + target
        if self._absolute:
            target = self._origin + target
        try:
            if connection.sock is not None:
                connection.sock.settimeout(max(end - time.monotonic(), 0.001))
            connection.request(
                call.method, target, body=call.content, headers={**self._headers, **call.headers}
            )
            response = connection.getresponse()
        except Exception as error:
            connection.close()
            if not is_foreign(error) and not isinstance(error, ValueError):
                raise
            translated = translate(error, call.method, call.path, self._redact)
            raise translated from translated.__cause__
        # The status arrived: from here on it decides, whatever happens to the body.
        headers = {name.lower(): value for name, value in response.getheaders()}
        raw, unreadable = b"", None
        length = headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > call.cap:
            unreadable = f"{length} bytes, over the cap of {call.cap}"
        else:
            try:
                raw = response.read(call.cap + 1)
                if len(raw) > call.cap:
                    raw, unreadable = b"", f"more than the cap of {call.cap} bytes"
                elif response.length:  # read(amt) returns short at EOF instead of raising
                    raise http.client.IncompleteRead(raw, response.length)
            except TimeoutError as error:  # the body dripped past the deadline: the status decides
                unreadable = f"{type(error).__name__}: {error}"
            except Exception as error:
                # Closed or reset before the promised end: an incomplete message (RFC 9112,
                # section 8) is no answer at all.
                connection.close()
                if not is_foreign(error):
                    raise
                translated = translate(error, call.method, call.path, self._redact)
                raise translated from translated.__cause__
        if unreadable is not None or not response.isclosed() or response.will_close:
            connection.close()  # what is left of the answer is not worth reading
        return decoded(response.status, headers, raw, unreadable)

    def close(self) -> None:
        self._connection.close()

    def _drop_if_closed_by_server(self) -> None:
        # An idle keep-alive connection the server has closed reads as ready (EOF). Sending on it
        # would fail after the request may have left, so find out first and reconnect instead.
        sock = self._connection.sock
        if sock is None:
            return
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            readable = [sock]
        if readable:
            self._connection.close()


__all__ = ["LeanConnection", "TransportError", "lean_supported"]
