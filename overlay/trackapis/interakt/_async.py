"""`AsyncInteraktClient`: sends from asyncio code, awaiting each answer, with the same retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .._config import DEFAULT_DEADLINE, READ_ANSWER_CAP, Verify
from .._lifecycle import AsyncClient
from .._operations import decoded
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ._auth import basic_authorization
from ._calls import Built, event_verb, user_verb
from ._client import DEFAULT_HOST, DEFAULT_TIMEOUT
from ._fields import OPERATIONS
from ._generated import request_kwargs
from ._response import TrackResponse, error_message_of, parse_response


class AsyncInteraktClient(AsyncClient):
    """A client of the Interakt Track API for asyncio code.

    Each call sends now (retrying network errors, timeouts, 429 and 5xx) and returns the API's
    answer, or raises `APIError` / `TransportError`. For fire-and-forget delivery from async
    code, use `InteraktClient`, whose `user()` and `event()` never block.

    Args:
        api_key: The Secret Key as the dashboard shows it, or the decoded key.
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

    _error_text = staticmethod(error_message_of)

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 16,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._open(locals(), example=DEFAULT_HOST, authorization=basic_authorization(api_key))

    def __repr__(self) -> str:
        return f"<AsyncInteraktClient base_url={self._config.base_url!r}>"

    async def _send(self, built: Built) -> TrackResponse:
        return parse_response(await self._send_kwargs(request_kwargs(built[1])))

    user = user_verb(
        _send, name="user", doc="Create or update a user; see `InteraktClient.user()` for the arguments."
    )
    event = event_verb(
        _send, name="event", doc="Record an event of a user; see `InteraktClient.user()` for the arguments."
    )

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/interakt.yaml by its operationId; see `InteraktClient.call()`."""
        request = build_operation(OPERATIONS, operation, body, params)
        answer = await self._send_kwargs(request.kwargs, READ_ANSWER_CAP)
        return decoded(answer.content, answer.headers.get("content-type", ""))
