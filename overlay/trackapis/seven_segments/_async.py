"""asyncio clients: each call sends now, awaiting the answer, with the same retries."""

from __future__ import annotations

from typing import TypeVar

import httpx

from .._config import DEFAULT_DEADLINE, EXPORT_ANSWER_CAP, READ_ANSWER_CAP, Verify, positive_int
from .._lifecycle import AsyncClient
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from . import _core
from ._connection import (
    DEFAULT_EXPORT_DEADLINE,
    DEFAULT_EXPORT_TIMEOUT,
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    basic_authorization,
)
from ._core import async_command, async_verb
from ._payload import Request, company_token
from ._response import error_message_of

T = TypeVar("T")


class _AsyncEdge(AsyncClient):
    """The asyncio clients' edge: a request sent now (with retries), its 2xx answer awaited and read."""

    _error_text = staticmethod(error_message_of)
    _read_cap = READ_ANSWER_CAP
    call = async_verb(_core.call)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._config.base_url!r}>"

    async def _send(self, request: Request[T]) -> T:
        return request.read(await self._send_kwargs(request.kwargs, request.cap))


class AsyncSevenSegmentsClient(_AsyncEdge):
    """A client of the 7SEGMENTS tracking API for asyncio code.

    Each call sends now (retrying network errors, timeouts, 429 and 5xx) and raises
    `APIError` / `TransportError` on failure. For buffered delivery through /bulk, use
    `SevenSegmentsClient(background=True)`, whose calls never block.

    Args:
        token: The company token.
        base_url: The API's base URL.
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Requests in flight at once over keep-alive connections.
        proxy: An http(s) proxy URL; None takes it from the environment, False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR/REQUESTS_CA_BUNDLE, else certifi), an
            `ssl.SSLContext` or a CA path.
        transport: An httpx async transport, for tests.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 16,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = company_token(token)
        self._open(locals(), example=DEFAULT_TARGET)

    track = async_command(_core.track)
    update = async_command(_core.update)
    get_html = async_verb(_core.get_html)
    server_time = async_verb(_core.server_time)


class AsyncAuthenticatedSevenSegmentsClient(_AsyncEdge):
    """The export API for asyncio code; see `AuthenticatedSevenSegmentsClient`."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_EXPORT_TIMEOUT,
        deadline: float = DEFAULT_EXPORT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 4,
        max_answer_bytes: int = EXPORT_ANSWER_CAP,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._cap = self._read_cap = positive_int("max_answer_bytes", max_answer_bytes)
        self._open(locals(), example=DEFAULT_TARGET, authorization=basic_authorization(username, password))

    export_analysis = async_verb(_core.export_analysis)
