"""A 2xx whose body its Content-Encoding does not match: the status decides, nothing is sent twice.

Tracking calls are delivered (the broken body is logged); calls that read a result raise
`InvalidResponseError` (the result is lost, but the request is not resent).
"""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from seven_segments import SevenSegments

from trackapis._errors import InvalidResponseError
from trackapis._retry import RetryPolicy
from trackapis.seven_segments import (
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
    SevenSegmentsCommand,
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
        # A stream, not `content=`: httpx.Response would decode (and fail) in the handler.
        return httpx.Response(
            200,
            headers={"content-encoding": "gzip", "content-type": "application/json"},
            stream=httpx.ByteStream(b"{}"),
        )


def test_per_call_tracking_is_delivered_once_and_reads_raise() -> None:
    garbled = Garbled()
    with SevenSegmentsClient(
        TOKEN, base_url=TARGET, retry_policy=FAST, transport=httpx.MockTransport(garbled)
    ) as client:
        assert client.track("john", "purchase") is True
        with pytest.raises(InvalidResponseError):
            client.get_html("john", "banner")
    assert garbled.requests == 2


def test_the_export_client_raises_without_resending() -> None:
    garbled = Garbled()
    with (
        AuthenticatedSevenSegmentsClient(
            "user", "pw", base_url=TARGET, retry_policy=FAST, transport=httpx.MockTransport(garbled)
        ) as client,
        pytest.raises(InvalidResponseError, match="Content-Encoding"),
    ):
        client.export_analysis("funnel", "an-id")
    assert garbled.requests == 1


def test_the_async_client_delivers_once() -> None:
    garbled = Garbled()

    async def main() -> None:
        async with AsyncSevenSegmentsClient(
            TOKEN, base_url=TARGET, retry_policy=FAST, transport=httpx.MockTransport(garbled)
        ) as client:
            await client.track("john", "purchase")

    asyncio.run(main())
    assert garbled.requests == 1


def test_buffered_commands_are_delivered_once() -> None:
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
    assert (result.delivered, result.failed, result.pending) == (1, 0, 0)
    assert (errors, garbled.requests) == ([], 1)


def test_the_shim_delivers_tracking_and_logs_a_lost_html(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(Garbled())
    quiet = SevenSegments(TOKEN, customer="john", target=TARGET, max_retries=0, transport=transport)
    try:
        with caplog.at_level(logging.WARNING):
            assert quiet.get_html("banner") is None
        assert "Content-Encoding" in caplog.text
        assert quiet.track("purchase") is True
    finally:
        quiet.close()
