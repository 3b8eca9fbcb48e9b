"""A body its Content-Encoding does not match: a typed, retried TransportError, never httpx's own."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import pyttributionio
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis.attributionio import AsyncAttributionClient, AttributionClient, TransportError

HOST = "http://127.0.0.1:9"


class Garbled:
    """Answers 200 with a body that claims gzip but is not; counts the requests."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(
            200, headers={"content-encoding": "gzip", "content-type": "application/json"}, content=b"{}"
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


def test_every_call_raises_a_transport_error_after_retries() -> None:
    garbled = Garbled()
    with _client(garbled) as client:
        with pytest.raises(TransportError, match="could not be decoded"):
            client.trigger_identity("cookie", client_id="john")
        with pytest.raises(TransportError, match="could not be decoded"):
            client.trigger_event("cookie", "signup", client_id="john")
        with pytest.raises(TransportError, match="could not be decoded") as raised:
            client.fetch_customer("john")
    assert SECRET not in str(raised.value)
    assert garbled.requests == 4 * (FAST_RETRIES.max_retries + 1)


def test_the_async_client_raises_a_transport_error() -> None:
    async def main() -> None:
        async with AsyncAttributionClient(
            KEY, SECRET, private_base_url=HOST, base_url=HOST, transport=httpx.MockTransport(Garbled())
        ) as client:
            await client.fetch_customer("john")

    with pytest.raises(TransportError, match="could not be decoded"):
        asyncio.run(main())


def test_background_requests_are_reported_once() -> None:
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
    assert (result.delivered, result.failed, result.pending) == (0, 1, 0)
    assert [type(error) for error in errors] == [TransportError]


def test_the_shim_logs_and_returns_none(
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
            assert shim.trigger_identity("cookie", client_id="john") is None
            assert shim.trigger_event("cookie", "signup", client_id="john") is None
        assert caplog.text.count("could not be decoded") == 4  # the event's and its identity's
        assert SECRET not in caplog.text
    finally:
        shim.close()
