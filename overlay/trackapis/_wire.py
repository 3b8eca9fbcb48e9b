"""A lean keep-alive HTTP/1.1 connection for the delivery workers.

Each worker thread sends one request at a time over its own connection, so it needs none of a
client's pooling, redirects, cookies or auth flows. The standard library's `http.client` does
such an exchange for about a third of the CPU that httpx's stack takes (see the benchmark in
the README), and with dozens of workers sharing one GIL, CPU per request is what caps the
throughput. Sync and async sends, and any custom httpx transport, still go through httpx.
"""

from __future__ import annotations

import functools
import http.client
import json
import select
import ssl
import urllib.parse
from typing import Any

import attrs

from ._errors import TransportError


@attrs.frozen
class WireResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    def as_httpx(self) -> Any:
        """The same response as an `httpx.Response`, to build errors the way other sends do."""
        import httpx  # only failures need it; the hot path and `import track` stay without httpx

        # The body is as it came (the request asked for identity encoding): a Content-Encoding
        # header would make httpx try to decode it again, and fail.
        headers = {name: value for name, value in self.headers.items() if name != "content-encoding"}
        return httpx.Response(self.status, headers=headers, content=self.body)


class KeepAliveConnection:
    """One HTTP/1.1 connection, reopened when the server closed it; not thread-safe.

    Args:
        base_url: `http://` or `https://` URL; request paths are appended to its path.
        headers: Sent with every request (credentials included: keep this object's repr bare).
        timeout: Seconds to connect, and to wait for each read.
    """

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self._prefix = url.path.rstrip("/")
        self._headers = {**headers, "Content-Type": "application/json"}
        if url.scheme == "https":
            self._connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                url.hostname, url.port, timeout=timeout, context=_tls_context()
            )
        else:
            self._connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._connection.host}:{self._connection.port}>"

    def post_json(self, path: str, body: Any) -> WireResponse:
        """POST `body` as JSON; raises `TransportError` for network errors and timeouts."""
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        self._drop_if_closed_by_server()
        connection = self._connection
        try:
            connection.request("POST", self._prefix + path, body=content, headers=self._headers)
            response = connection.getresponse()
            payload = response.read()
        except TimeoutError as error:
            connection.close()
            raise TransportError("timed out", method="POST", path=path) from error
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise TransportError(f"{type(error).__name__}: {error}", method="POST", path=path) from error
        headers = {name.lower(): value for name, value in response.getheaders()}
        return WireResponse(response.status, headers, payload)

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


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # The same trust store as httpx (certifi, one of its dependencies), made once per process.
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
