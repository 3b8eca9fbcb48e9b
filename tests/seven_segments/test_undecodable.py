"""A body its Content-Encoding does not match: a typed, retried TransportError, never httpx's own."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from seven_segments import ServiceUnavailable, SevenSegments

from trackapis._retry import RetryPolicy
from trackapis.seven_segments import (
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
    SevenSegmentsCommand,
    TransportError,
)

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
TARGET = "http://127.0.0.1:9"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.001, backoff_max=0.002)


class Garbled:
    """Answers 200 with a body that claims gzip but is not; counts the requests."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(
            200, headers={"content-encoding": "gzip", "content-type": "application/json"}, content=b"{}"
        )


def test_per_call_sends_raise_a_transport_error_after_retries() -> None:
    garbled = Garbled()
    with SevenSegmentsClient(
        TOKEN, base_url=TARGET, retry_policy=FAST, transport=httpx.MockTransport(garbled)
    ) as client:
        with pytest.raises(TransportError, match="could not be decoded") as raised:
            client.track("john", "purchase")
        assert raised.value.path == "/crm/events"
        with pytest.raises(TransportError, match="could not be decoded"):
            client.get_html("john", "banner")
    assert garbled.requests == 2 * (FAST.max_retries + 1)


def test_the_export_client_raises_a_transport_error() -> None:
    transport = httpx.MockTransport(Garbled())
    with (
        AuthenticatedSevenSegmentsClient(
            "user", "pw", base_url=TARGET, retry_policy=FAST, transport=transport
        ) as client,
        pytest.raises(TransportError, match="could not be decoded"),
    ):
        client.export_analysis("funnel", "an-id")


def test_the_async_client_raises_a_transport_error() -> None:
    async def main() -> None:
        async with AsyncSevenSegmentsClient(
            TOKEN, base_url=TARGET, retry_policy=FAST, transport=httpx.MockTransport(Garbled())
        ) as client:
            await client.track("john", "purchase")

    with pytest.raises(TransportError, match="could not be decoded"):
        asyncio.run(main())


def test_buffered_commands_are_retried_then_reported_once() -> None:
    errors: list[tuple[Exception, SevenSegmentsCommand]] = []
    garbled = Garbled()
    with SevenSegmentsClient(
        TOKEN,
        base_url=TARGET,
        background=True,
        flush_interval=0,
        retry_policy=FAST,
        on_error=lambda error, command: errors.append((error, command)),
        transport=httpx.MockTransport(garbled),
    ) as client:
        client.track("john", "purchase")
        result = client.flush(10)
    assert (result.delivered, result.failed, result.pending) == (0, 1, 0)
    ((error, command),) = errors
    assert isinstance(error, TransportError)
    assert command.name == "crm/events"
    assert garbled.requests == FAST.max_retries + 1


def test_the_shim_logs_or_raises_as_for_any_failed_send(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(Garbled())
    quiet = SevenSegments(TOKEN, customer="john", target=TARGET, max_retries=0, transport=transport)
    loud = SevenSegments(
        TOKEN, customer="john", target=TARGET, silent=False, max_retries=0, transport=transport
    )
    try:
        with caplog.at_level(logging.WARNING):
            assert quiet.get_html("banner") is None
        assert "could not be decoded" in caplog.text
        with pytest.raises(ServiceUnavailable):
            loud.track("purchase")
    finally:
        for shim in (quiet, loud):
            shim.close()
