"""The lean backend: one keep-alive HTTP/1.1 connection on a plain socket, for the delivery workers.

Each worker thread sends one request at a time over its own connection, so it needs none of a
client's pooling, redirects, cookies or auth flows, and not even `http.client`'s request and
response objects: the request is one `sendall` of bytes built from a head prepared once per
connection, and the answer is read with a small parser (status line, headers, a body framed by
Content-Length, chunked transfer coding or the end of the connection). With dozens of workers
sharing one GIL, CPU per request is what caps the throughput: this costs about a third of what
`http.client`'s objects and its `email`-based header parser took, and a small fraction of httpx's
stack (see the benchmark in the README). It never imports httpx.

It opens the connection itself too (TCP with TCP_NODELAY, TLS with the config's context, the
`CONNECT` tunnel through a proxy), so a worker never imports `http.client` and the `email`
package it pulls in (~20 ms at a process's first delivery). It honours the same
`ConnectionConfig` as the httpx backend: the same proxy (absolute-form requests for `http://`
targets, a tunnel for `https://` ones, credentials from the proxy URL as `Proxy-Authorization`),
the same TLS context, and a deadline for the whole attempt (connect, send, status line, headers
and body), checked before every read. What a hostile server sends is bounded: lines of 64 KiB,
100 headers, the call's cap on the body; each framing error is a `ProtocolError` named as
`http.client` names it (`BadStatusLine`, `LineTooLong`, `IncompleteRead`, `RemoteDisconnected`).
"""

from __future__ import annotations

import base64
import select
import socket
import time
import urllib.parse
from collections.abc import Mapping
from typing import Final

from .._config import ConnectionConfig
from .._errors import TransportError
from ._answer import Answer, Call, decoded
from ._redact import NOTHING, Redactor, hide_everywhere
from ._verdict import answered, is_foreign, translate

_MAX_LINE: Final = 65536  # http.client's limits, so a hostile server meets the same bounds
_MAX_HEADERS: Final = 100
_RECV: Final = 65536
_NO_BODY_STATUSES: Final = frozenset({204, 304})
# `settimeout` is a system call each time; a read's limit may end this much off the attempt's end.
_TIMEOUT_SLACK: Final = 0.01


def _limit(sock: socket.socket, seconds: float) -> None:
    """Let the next socket operation wait at most about `seconds` (within `_TIMEOUT_SLACK`)."""
    current = sock.gettimeout()
    if current is None or abs(current - seconds) > _TIMEOUT_SLACK:
        sock.settimeout(seconds)


class ProtocolError(ConnectionError):
    """The answer broke HTTP/1.1's framing: no answer at all (translated to `TransportError`)."""


class BadStatusLine(ProtocolError):
    pass


class LineTooLong(ProtocolError):
    pass


class IncompleteRead(ProtocolError):
    pass


class RemoteDisconnected(ProtocolError):
    pass


class ProxyError(OSError):
    """The proxy refused the CONNECT tunnel (the request never left for the server)."""


class _Reader:
    """An answer's bytes from one socket; each read is given only what is left of the attempt."""

    __slots__ = ("_buffer", "_end", "_sock")

    def __init__(self, sock: socket.socket, end: float) -> None:
        self._sock = sock
        self._end = end
        self._buffer = bytearray()

    @property
    def leftover(self) -> bool:
        return bool(self._buffer)

    def _fill(self) -> bool:
        """Read once more; False at the end of the stream."""
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the attempt took longer than its timeout")
        _limit(self._sock, remaining)
        data = self._sock.recv(_RECV)
        if not data:
            return False
        self._buffer += data
        return True

    def line(self) -> bytes | None:
        """The next line (with its end), or None at the end of the stream."""
        buffer = self._buffer
        start = 0
        while True:
            at = buffer.find(b"\n", start)
            if at >= 0:
                if at >= _MAX_LINE:
                    raise LineTooLong("header line")
                line = bytes(buffer[: at + 1])
                del buffer[: at + 1]
                return line
            if len(buffer) > _MAX_LINE:
                raise LineTooLong("header line")
            start = len(buffer)
            if not self._fill():
                if buffer:
                    raise IncompleteRead(f"{len(buffer)} bytes, then the connection ended")
                return None

    def exactly(self, size: int) -> bytes:
        buffer = self._buffer
        while len(buffer) < size:
            if not self._fill():
                raise IncompleteRead(f"{len(buffer)} bytes read, {size - len(buffer)} more expected")
        data = bytes(buffer[:size])
        del buffer[:size]
        return data

    def to_end(self, cap: int) -> bytes | None:
        """Everything until the server closes; None when it is more than `cap` bytes."""
        while len(self._buffer) <= cap:
            if not self._fill():
                data = bytes(self._buffer)
                self._buffer.clear()
                return data
        return None


def _head(reader: _Reader, method: str) -> tuple[int, dict[str, str], bool, int | str | None]:
    """Status, headers (lower-case names), whether the connection ends, and the body's framing:
    a length, "chunked", or None (read to the end)."""
    while True:
        line = reader.line()
        if line is None:
            raise RemoteDisconnected("Remote end closed connection without response")
        version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
        code = rest[:3]
        well_formed = code.isascii() and code.isdigit() and rest[3:4] in ("", " ")
        if not version.startswith("HTTP/1.") or not well_formed:
            raise BadStatusLine(line.decode("latin-1"))
        status = int(code)
        if status < 100:
            raise BadStatusLine(line.decode("latin-1"))
        headers = _headers(reader)
        if 100 <= status < 200 and status != 101:
            continue  # an interim answer (100 Continue, 103 Early Hints): the real one follows
        break
    tokens = headers.get("connection", "").lower()
    will_close = "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)
    framing: int | str | None = None
    if method == "HEAD" or status in _NO_BODY_STATUSES or status < 200:
        framing = 0
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        framing = "chunked"
    else:
        length = headers.get("content-length", "").strip()
        if length.isascii() and length.isdigit():
            framing = int(length)
    if framing is None:
        will_close = True  # the body ends with the connection
    return status, headers, will_close, framing


def _headers(reader: _Reader) -> dict[str, str]:
    headers: dict[str, str] = {}
    name = ""
    for _ in range(_MAX_HEADERS + 1):
        line = reader.line()
        if line is None:
            raise RemoteDisconnected("Remote end closed connection in the headers")
        if line in (b"\r\n", b"\n"):
            return headers
        text = line.decode("latin-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and name:  # an obsolete folded line continues the last header
            headers[name] += " " + text.strip()
            continue
        name, colon, value = text.partition(":")
        if not colon:
            continue  # not a header line: skipped, as http.client does
        name = name.strip().lower()
        headers[name] = value.strip()  # a repeated header: the last one counts
    raise ProtocolError(f"got more than {_MAX_HEADERS} headers")


def _chunked(reader: _Reader, cap: int) -> bytes | None:
    """A chunked body; None when it is more than `cap` bytes."""
    parts: list[bytes] = []
    size_so_far = 0
    while True:
        line = reader.line()
        if line is None:
            raise IncompleteRead("the connection ended in a chunked body")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise IncompleteRead(f"a bad chunk size line {line[:40]!r}") from None
        if size == 0:
            break
        size_so_far += size
        if size_so_far > cap:
            return None
        parts.append(reader.exactly(size))
        reader.exactly(2)  # the chunk's CRLF
    for _ in range(_MAX_HEADERS + 1):  # the trailer, up to its empty line
        trailer = reader.line()
        if trailer is None or trailer in (b"\r\n", b"\n"):
            return b"".join(parts)
    raise ProtocolError(f"got more than {_MAX_HEADERS} trailer lines")


def _check_header(name: str, value: str) -> None:
    # A header must not smuggle another header or request into the head.
    if not name.isascii() or any(c in name for c in " :\r\n\t") or "\r" in value or "\n" in value:
        raise ValueError(f"invalid header {name!r}")


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


def _host_header(url: urllib.parse.SplitResult) -> str:
    host = url.hostname or ""
    host = f"[{host}]" if ":" in host else host.encode("idna").decode("ascii")
    default = 443 if url.scheme == "https" else 80
    return host if url.port in (None, default) else f"{host}:{url.port}"


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
        hide_everywhere(*config.network.proxy_credentials())
        fixed = {"Host": _host_header(url), "Accept-Encoding": "identity", "User-Agent": config.user_agent}
        fixed.update(headers)
        self._origin = f"{url.scheme}://{url.netloc}"
        self._prefix = url.path.rstrip("/")
        self._absolute = False  # absolute-form request targets (an http:// target through a proxy)
        proxy_url = config.network.proxy_for(config.base_url)
        self._context = config.network.ssl_context() if url.scheme == "https" else None
        self._server_hostname = url.hostname
        self._address = (url.hostname, url.port or (443 if url.scheme == "https" else 80))
        self._tunnel: bytes | None = None  # the CONNECT request, for an https:// target via a proxy
        if proxy_url is not None:
            proxy = urllib.parse.urlsplit(proxy_url)
            if proxy.scheme != "http" or not proxy.hostname:
                raise ValueError(f"the lean backend speaks to http:// proxies only, not {proxy_url!r}")
            credentials = _proxy_authorization(proxy)
            target = f"{self._address[0]}:{self._address[1]}"
            if ":" in self._address[0]:
                target = f"[{self._address[0]}]:{self._address[1]}"
            self._address = (proxy.hostname, proxy.port or 80)
            if url.scheme == "https":
                lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
                lines += [f"{name}: {value}" for name, value in credentials.items()]
                self._tunnel = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            else:
                fixed.update(credentials)
                self._absolute = True
        for name, value in fixed.items():
            _check_header(name, value)
        # The head's fixed part, encoded once: every request adds only its line and its own headers.
        self._fixed_head = "".join(f"{name}: {value}\r\n" for name, value in fixed.items()).encode("latin-1")
        self._sock: socket.socket | None = None

    def _connect(self, end: float) -> socket.socket:
        """A new connection: TCP, then the proxy's tunnel and TLS where the route has them."""
        sock = socket.create_connection(self._address, max(end - time.monotonic(), 0.001))
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the head and body go at once
            if self._tunnel is not None:
                sock.settimeout(max(end - time.monotonic(), 0.001))
                sock.sendall(self._tunnel)
                reader = _Reader(sock, end)
                status, _, _, _ = _head(reader, "CONNECT")
                if status != 200 or reader.leftover:
                    raise ProxyError(f"Tunnel connection failed: {status}")
            if self._context is not None:
                sock.settimeout(max(end - time.monotonic(), 0.001))
                sock = self._context.wrap_socket(sock, server_hostname=self._server_hostname)
        except BaseException:
            sock.close()
            raise
        return sock

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._origin}>"

    def _request(self, call: Call) -> bytes:
        target = self._prefix + call.url.removeprefix(call.base_url)
        if self._absolute:
            target = self._origin + target
        if not target.isascii() or any(c <= " " or c == "\x7f" for c in target):
            raise ValueError(f"URL can't contain control characters or spaces: {target!r}")
        extra = ""
        for name, value in call.headers.items():
            _check_header(name, value)
            extra += f"{name}: {value}\r\n"
        body = call.content
        if body is not None:
            extra += f"Content-Length: {len(body)}\r\n"
        elif call.method in ("POST", "PUT", "PATCH"):
            extra += "Content-Length: 0\r\n"
        head = f"{call.method} {target} HTTP/1.1\r\n".encode("ascii") + self._fixed_head
        return head + extra.encode("latin-1") + b"\r\n" + (body or b"")

    def exchange(self, call: Call, timeout: float | None = None) -> Answer:
        """Send `call` and read its answer within `timeout` seconds in all; raises `TransportError`."""
        seconds = self._timeout if timeout is None else timeout
        end = time.monotonic() + seconds
        self._drop_if_closed_by_server()
        try:
            request = self._request(call)
            sock = self._sock
            if sock is None:
                sock = self._sock = self._connect(end)
            _limit(sock, max(end - time.monotonic(), 0.001))
            sock.sendall(request)
            reader = _Reader(sock, end)
            status, headers, will_close, framing = _head(reader, call.method)
        except Exception as error:
            self.close()
            if not is_foreign(error) and not isinstance(error, ValueError):
                raise
            translated = translate(error, call.method, call.path, self._redact)
            raise translated from translated.__cause__
        # The status arrived: from here on it decides, whatever happens to the body.
        raw, unreadable = self._body(reader, framing, call, status)
        if unreadable is not None or will_close or reader.leftover:
            self.close()  # what is left of the answer is not worth reading
        return decoded(status, headers, raw, unreadable)

    def _body(
        self, reader: _Reader, framing: int | str | None, call: Call, status: int
    ) -> tuple[bytes, str | None]:
        cap = call.cap
        if isinstance(framing, int) and framing > cap:
            return b"", f"{framing} bytes, over the cap of {cap}"
        try:
            if framing == "chunked":
                raw = _chunked(reader, cap)
            elif isinstance(framing, int):
                raw = reader.exactly(framing) if framing else b""
            else:
                raw = reader.to_end(cap)
        except TimeoutError as error:  # the body dripped past the deadline: the status decides
            return b"", f"{type(error).__name__}: {error}"
        except Exception as error:
            self.close()
            if not is_foreign(error):
                raise
            if answered(status, call.method):
                return b"", f"the body was cut short ({type(error).__name__}: {error})"
            # Otherwise an incomplete message (RFC 9112, section 8) is no answer: sent again.
            translated = translate(error, call.method, call.path, self._redact)
            raise translated from translated.__cause__
        if raw is None:
            return b"", f"more than the cap of {cap} bytes"
        return raw, None

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _drop_if_closed_by_server(self) -> None:
        # An idle keep-alive connection the server has closed reads as ready (EOF). Sending on it
        # would fail after the request may have left, so find out first and reconnect instead.
        sock = self._sock
        if sock is None:
            return
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            readable = [sock]
        if readable:
            self.close()


__all__ = ["LeanConnection", "TransportError", "lean_supported"]
