"""`AsyncAttributionClient`: the same calls for asyncio code, awaiting each answer."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from .._config import Verify
from .._errors import APIError
from .._lifecycle import AsyncClient
from .._operations import answer
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ._calls import Arguments, fetch_customer_verb, trigger_event_verb, trigger_identity_verb
from ._client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PRIVATE_HOST,
    DEFAULT_PUBLIC_HOST,
    DEFAULT_TIMEOUT,
    Settings,
    _message,
    customer_of,
    event_result,
    no_customer,
)
from ._models import Customer, EventResult, IdentityResult


class AsyncAttributionClient(AsyncClient):
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
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Keep-alive connections at most.
        proxy: An http(s) proxy URL; None takes it from the environment, False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR/REQUESTS_CA_BUNDLE, else certifi), an
            `ssl.SSLContext` or a CA path.
        transport: An httpx async transport, for tests.
    """

    _error_text = staticmethod(_message)

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
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = Settings.from_arguments(locals())
        self._connect(
            self._settings.public,
            {},
            max_connections=max_connections,
            transport=transport,
            redact=self._settings.redact,
        )

    def __repr__(self) -> str:
        return f"<AsyncAttributionClient {self._settings.shown()}>"

    @fetch_customer_verb
    async def fetch_customer(self, arguments: Arguments) -> Customer | None:
        """What Attribution.io knows of a customer; None for 404. See `AttributionClient.fetch_customer`."""
        cid, request = self._settings.customer_request(arguments)
        try:
            return customer_of(cid, await self._send_call(request))
        except APIError as error:
            return no_customer(error)

    @trigger_identity_verb
    async def trigger_identity(self, arguments: Arguments) -> IdentityResult:
        """Link a visitor to a client id. See `AttributionClient.trigger_identity`."""
        client, model = self._settings.identity_request(arguments)
        response = await self._send_call(self._settings.trigger_request(model))
        return IdentityResult(client.client_id, client.generated, status=response.status_code)

    @trigger_event_verb
    async def trigger_event(self, arguments: Arguments) -> EventResult:
        """Record an event and link the visitor, concurrently. See `AttributionClient.trigger_event`."""
        settings = self._settings
        result, identity, event = settings.event_requests(arguments)
        deadline = settings.public.new_deadline()
        event_outcome, identity_outcome = await asyncio.gather(
            self._send_call(settings.trigger_request(event), deadline),
            self._send_call(settings.trigger_request(identity), deadline),
            return_exceptions=True,
        )
        return event_result(result, event_outcome, identity_outcome)

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/attributionio.yaml by operationId; see `AttributionClient.call()`."""
        return answer(await self._send_call(self._settings.operation_request(operation, body, params)))
