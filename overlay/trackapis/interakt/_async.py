"""`AsyncInteraktClient`: sends from asyncio code, awaiting each answer, with the same retries."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Unpack

import httpx

from .._errors import ClientClosedError
from .._operations import decoded
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from .._transport import HeaderAuth, send_now_async
from ._auth import basic_authorization
from ._client import DEFAULT_HOST, DEFAULT_TIMEOUT, USER_AGENT, _check_base_url, _check_timeout
from ._fields import OPERATIONS, EventFields, UserFields
from ._generated import request_kwargs
from ._payload import InteraktMessage, event_message, user_message
from ._response import TrackResponse, error_message_of, parse_response


class AsyncInteraktClient:
    """A client of the Interakt Track API for asyncio code.

    Each call sends now (retrying network errors, timeouts, 429 and 5xx) and returns the API's
    answer, or raises `APIError` / `TransportError`. For fire-and-forget delivery from async
    code, use `InteraktClient`, whose `user()` and `event()` never block.

    Args:
        api_key: The Secret Key as the dashboard shows it, or the decoded key.
        base_url: The API's base URL.
        timeout: Seconds to connect and to wait for each read.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Requests in flight at once over keep-alive connections.
        transport: An httpx async transport, for tests.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 16,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._policy = retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
        self._host = _check_base_url(base_url)
        self._client = httpx.AsyncClient(
            base_url=self._host,
            auth=HeaderAuth(basic_authorization(api_key)),
            timeout=_check_timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"<AsyncInteraktClient base_url={self._host!r}>"

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
        if self._client.is_closed:
            raise ClientClosedError("this AsyncInteraktClient was closed; create a new one")
        response = await send_now_async(self._client, request.kwargs, self._policy, error_message_of)
        return decoded(response.content, response.headers.get("content-type", ""))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> AsyncInteraktClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _send(self, message: InteraktMessage) -> TrackResponse:
        if self._client.is_closed:
            raise ClientClosedError("this AsyncInteraktClient was closed; create a new one")
        kwargs = request_kwargs(message)
        return parse_response(await send_now_async(self._client, kwargs, self._policy, error_message_of))
