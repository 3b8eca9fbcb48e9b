"""`AsyncInteraktClient`: sends from asyncio code, awaiting each answer, with the same retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

import httpx

from .._config import (
    DEFAULT_DEADLINE,
    READ_ANSWER_CAP,
    ConnectionConfig,
    Verify,
)
from .._http._redact import Redactor
from .._lifecycle import AsyncClient
from .._operations import decoded
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ._auth import basic_authorization
from ._client import DEFAULT_HOST, DEFAULT_TIMEOUT
from ._fields import OPERATIONS, EventFields, UserFields
from ._generated import request_kwargs
from ._payload import InteraktMessage, event_message, user_message
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
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR, else certifi), an `ssl.SSLContext` or a CA path.
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
        config = ConnectionConfig.from_arguments(locals(), example=DEFAULT_HOST)
        authorization = basic_authorization(api_key)
        self._connect(
            config,
            {"Authorization": authorization},
            max_connections=max_connections,
            transport=transport,
            redact=Redactor(authorization),
        )

    def __repr__(self) -> str:
        return f"<AsyncInteraktClient base_url={self._config.base_url!r}>"

    async def user(
        self,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[UserFields],
    ) -> TrackResponse:
        """Create or update a user; see `InteraktClient.user()` for the arguments."""
        _, message = user_message(
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return await self._send(message)

    async def event(
        self,
        event: str,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[EventFields],
    ) -> TrackResponse:
        """Record an event of a user; see `InteraktClient.user()` for the arguments."""
        _, message = event_message(
            event,
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return await self._send(message)

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/interakt.yaml by its operationId; see `InteraktClient.call()`."""
        request = build_operation(OPERATIONS, operation, body, params)
        answer = await self._send_kwargs(request.kwargs, READ_ANSWER_CAP)
        return decoded(answer.content, answer.headers.get("content-type", ""))

    async def _send(self, message: InteraktMessage) -> TrackResponse:
        return parse_response(await self._send_kwargs(request_kwargs(message)))
