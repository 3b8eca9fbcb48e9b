"""How to reach 7SEGMENTS: the connection config, the credentials and their redactor; shared.

`SyncEdge` is the sync clients' edge: it sends a `Request` now, in the caller's thread.
"""

from __future__ import annotations

import base64
from typing import Any, Final, TypeVar

import attrs
import httpx

from .._config import ConnectionConfig
from .._http._answer import Call
from .._http._httpx import HttpxBackend
from .._http._redact import NOTHING, Redactor
from .._lifecycle import SyncClient
from ._payload import Request
from ._response import error_message_of

T = TypeVar("T")

DEFAULT_TARGET: Final = "https://api.7segments.com"
# The original sent without any timeout; 10 s for a whole attempt is generous for single
# tracking calls.
DEFAULT_TIMEOUT: Final = 10.0
# Exports of large analyses take a while: a minute per attempt, five for the whole call.
DEFAULT_EXPORT_TIMEOUT: Final = 60.0
DEFAULT_EXPORT_DEADLINE: Final = 300.0


def basic_authorization(username: Any, password: Any) -> str:
    if not isinstance(username, str) or not username:
        raise ValueError("username must be a non-empty string: a 7SEGMENTS user with ExtAPI access")
    if not isinstance(password, str):
        raise TypeError(f"password must be a string, not {type(password).__name__}")
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


@attrs.frozen
class Connection:
    """Everything a request needs; safe to share between threads. Its repr shows no credential."""

    config: ConnectionConfig
    transport: httpx.BaseTransport | None = attrs.field(repr=False, default=None)
    authorization: str | None = attrs.field(repr=False, default=None)
    redact: Redactor = attrs.field(repr=False, default=NOTHING)

    @classmethod
    def build(
        cls, config: ConnectionConfig, transport: Any = None, authorization: str | None = None
    ) -> Connection:
        return cls(config, transport, authorization, Redactor(authorization))

    @property
    def target(self) -> str:
        return self.config.base_url

    def headers(self) -> dict[str, str]:
        return {} if self.authorization is None else {"Authorization": self.authorization}

    def backend(self, max_connections: int | None = None) -> HttpxBackend:
        return HttpxBackend(
            self.config,
            self.headers(),
            max_connections=max_connections,
            transport=self.transport,
            redact=self.redact,
        )

    def call(self, kwargs: dict[str, Any], cap: int) -> Call:
        return Call.from_kwargs(self.config.base_url, kwargs, cap=cap)


class SyncEdge(SyncClient):
    """The sync clients' edge: a request sent now (with retries), its 2xx answer read."""

    _connection: Connection

    def _send(self, request: Request[T]) -> T:
        connection = self._connection
        call = connection.call(request.kwargs, request.cap)
        return request.read(self._life.send(call, connection.config, error_message_of, connection.redact))
