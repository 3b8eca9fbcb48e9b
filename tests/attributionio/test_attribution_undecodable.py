"""A 2xx whose body its Content-Encoding does not match: the status decides, nothing is sent twice.

Triggers are delivered (the broken body is logged); `fetch_customer` raises
`InvalidResponseError` (the customer is lost, but the request is not resent).
"""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import pyttributionio
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis._errors import InvalidResponseError
from trackapis.attributionio import AsyncAttributionClient, AttributionClient

HOST = "http://127.0.0.1:9"


class Garbled:
    """Answers 200 with a body that claims gzip but is not; counts the requests."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        # A stream, not `content=`: httpx.Response would decode (and fail) in the handler.
        return httpx.Response(
            200,
            headers={"content-encoding": "gzip", "content-type": "application/json"},
            stream=httpx.ByteStream(b"{}"),
        )


def _client(garbled: Garbled) -> AttributionClient:
    return AttributionClient(
        KEY,
        SECRET,
        private_base_url=HOST,
        base_url=HOST,
        retry_policy=FAST_RETRIES,
        transport=httpx.MockTransport(garbled),
    )


def test_triggers_are_delivered_once_and_a_lost_customer_raises() -> None:
    garbled = Garbled()
    with _client(garbled) as client:
        assert client.trigger_identity("cookie", client_id="john").status == 200
        event = client.trigger_event("cookie", "signup", client_id="john")
        assert (event.event_status, event.identity_status) == (200, 200)
        with pytest.raises(InvalidResponseError) as raised:
            client.fetch_customer("john")
    assert SECRET not in str(raised.value)
    assert garbled.requests == 4


def test_the_async_client_does_not_resend() -> None:
    garbled = Garbled()

    async def main() -> None:
        async with AsyncAttributionClient(
            KEY, SECRET, private_base_url=HOST, base_url=HOST, transport=httpx.MockTransport(garbled)
        ) as client:
            await client.trigger_identity("cookie", client_id="john")
            with pytest.raises(InvalidResponseError):
                await client.fetch_customer("john")

    asyncio.run(main())
    assert garbled.requests == 2


def test_background_requests_are_delivered_once() -> None:
    errors: list[Exception] = []
    garbled = Garbled()
    with AttributionClient(
        KEY,
        base_url=HOST,
        retry_policy=FAST_RETRIES,
        background=True,
        on_error=lambda error, message: errors.append(error),
        transport=httpx.MockTransport(garbled),
    ) as client:
        client.trigger_identity("cookie", client_id="john")
        result = client.flush(10)
    assert (result.delivered, result.failed, result.pending) == (1, 0, 0)
    assert (errors, garbled.requests) == ([], 1)


def test_the_shim_returns_the_statuses(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    transport = httpx.MockTransport(Garbled())
    real = AttributionClient.__init__

    def with_transport(self: AttributionClient, *args: object, **kwargs: object) -> None:
        real(self, *args, transport=transport, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AttributionClient, "__init__", with_transport)
    shim = pyttributionio.PyttributionIo(KEY, SECRET, max_retries=0)
    try:
        with caplog.at_level(logging.ERROR):
            assert shim.fetch_customer_info_base("john") is None
            assert shim.trigger_identity("cookie", client_id="john") == 200
            assert shim.trigger_event("cookie", "signup", client_id="john") == (200, 200)
        assert SECRET not in caplog.text
    finally:
        shim.close()
