"""`AsyncAttributionClient`: the same calls for asyncio code, awaiting each answer."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Unpack

import httpx

from .._errors import APIError, ClientClosedError, TransportError
from .._operations import answer
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ..delivery import SendResult
from ._client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PRIVATE_HOST,
    DEFAULT_PUBLIC_HOST,
    DEFAULT_TIMEOUT,
    Settings,
    show_flags,
)
from ._fields import EventFields, IdentityFields
from ._models import Customer, EventResult, IdentityResult, parse_customer
from ._payload import event_requests, identity_request, who
from ._wire import Deadline, Request, send_async, verdict, with_retries_async


class AsyncAttributionClient:
    """A client of the Attribution.io API for asyncio code.

    The calls, arguments, retries, deadline and errors are those of `AttributionClient` (which
    see); `trigger_event()` sends its two requests concurrently. There is no background mode:
    for fire-and-forget triggers from async code, use `AttributionClient(background=True)`,
    whose triggers never block.

    Args:
        api_key: The account's public API key.
        api_secret: The API secret, for `fetch_customer()`; None when only triggering.
        base_url: The public API's base URL (identities and events).
        private_base_url: The private API's base URL (customers).
        timeout: Seconds to connect and to wait for each read, per attempt.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Keep-alive connections at most.
        transport: An httpx async transport, for tests.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str | None = None,
        *,
        base_url: str = DEFAULT_PUBLIC_HOST,
        private_base_url: str = DEFAULT_PRIVATE_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = Settings.build(
            api_key,
            api_secret,
            private_host=private_base_url,
            public_host=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_policy=retry_policy,
        )
        if isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1:
            raise ValueError(f"max_connections must be a positive integer, not {max_connections!r}")
        self._owned = transport is None
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport(limits=limits)
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"<AsyncAttributionClient public_key={self._settings.public_key!r} "
            f"base_url={self._settings.public_host!r} private_base_url={self._settings.private_host!r}>"
        )

    @property
    def closed(self) -> bool:
        """True after `aclose()`."""
        return self._closed

    async def fetch_customer(
        self,
        client_id: str | int,
        *,
        pageviews: bool = False,
        touchpoints: bool = False,
        events: bool = False,
        identities: bool = False,
        full: bool = False,
    ) -> Customer | None:
        """What Attribution.io knows of a customer; None for 404. See `AttributionClient.fetch_customer`."""
        flags = show_flags(
            pageviews=pageviews, touchpoints=touchpoints, events=events, identities=identities, full=full
        )
        cid, request = self._settings.customer_request(client_id, flags)
        try:
            response = await self._call(request)
        except APIError as error:
            if error.status == 404:
                return None
            raise
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return parse_customer(cid, payload)

    async def trigger_identity(
        self,
        attributionio_id: str,
        *,
        client_id: str | int | None = None,
        user_agent: str | None = None,
        **fields: Unpack[IdentityFields],
    ) -> IdentityResult:
        """Link a visitor to a client id. See `AttributionClient.trigger_identity`."""
        client = who(client_id)
        model = identity_request(
            self._settings.public_key, attributionio_id, client, user_agent, fields=fields
        )
        response = await self._call(self._settings.trigger_request(model))
        return IdentityResult(client.client_id, client.generated, status=response.status_code)

    async def trigger_event(
        self,
        attributionio_id: str,
        event_key: str,
        *,
        client_id: str | int | None = None,
        user_agent: str | None = None,
        last_url: str | None = None,
        **fields: Unpack[EventFields],
    ) -> EventResult:
        """Record an event and link the visitor, concurrently. See `AttributionClient.trigger_event`."""
        client = who(client_id)
        identity, event = event_requests(
            self._settings.public_key,
            attributionio_id,
            event_key,
            client,
            user_agent=user_agent,
            last_url=last_url,
            fields=fields,
        )
        settings = self._settings
        deadline = Deadline(settings.deadline, settings.timeout)
        event_outcome, identity_outcome = await asyncio.gather(
            self._call(settings.trigger_request(event), deadline),
            self._call(settings.trigger_request(identity), deadline),
            return_exceptions=True,
        )
        if isinstance(event_outcome, BaseException):
            if isinstance(identity_outcome, BaseException):
                event_outcome.add_note(f"The identity request failed too: {identity_outcome}")
            raise event_outcome
        if isinstance(identity_outcome, BaseException):
            raise identity_outcome
        return EventResult(
            client.client_id,
            client.generated,
            event.event.transaction_id,
            event_status=event_outcome.status_code,
            identity_status=identity_outcome.status_code,
        )

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/attributionio.yaml by operationId; see `AttributionClient.call()`."""
        return answer(await self._call(self._settings.operation_request(operation, body, params)))

    async def aclose(self) -> None:
        """Close the connections. Idempotent."""
        self._closed = True
        if self._owned:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncAttributionClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _call(self, request: Request, deadline: Deadline | None = None) -> httpx.Response:
        if self._closed:
            raise ClientClosedError("this AsyncAttributionClient was closed; create a new one")
        settings = self._settings
        if deadline is None:
            deadline = Deadline(settings.deadline, settings.timeout)
        answered: list[httpx.Response] = []

        async def once(timeout: float) -> SendResult:
            try:
                response = await send_async(self._transport, request, timeout, settings.redact)
            except TransportError as error:
                return SendResult.retry(error)
            answered.append(response)
            return verdict(response, request.method, request.path, settings.policy, settings.redact)

        result = await with_retries_async(once, settings.policy, deadline)
        if result.error is not None:
            raise result.error
        return answered[-1]
