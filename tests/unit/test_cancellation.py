"""Cancelled calls never wedge an async client (httpcore 1.0.9 leaks pool slots when requests are
cancelled under contention, encode/httpcore#1093; the edge shields each exchange in a task)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from network_servers import ApiServer

from trackapis._retry import RetryPolicy
from trackapis.attributionio import AsyncAttributionClient
from trackapis.interakt import AsyncInteraktClient
from trackapis.seven_segments import AsyncSevenSegmentsClient

STORM_SECONDS = 3.0
OPTIONS: dict[str, Any] = {"proxy": False, "timeout": 5, "retry_policy": RetryPolicy(max_retries=0)}


@pytest.fixture
def slow_server() -> Iterator[ApiServer]:
    server = ApiServer(delay=0.02)
    yield server
    server.close()


def _interakt(url: str) -> tuple[Any, Callable[[Any], Any]]:
    return AsyncInteraktClient("key", base_url=url, max_connections=4, **OPTIONS), (
        lambda c: c.event("Signed Up", user_id="42")
    )


def _seven_segments(url: str) -> tuple[Any, Callable[[Any], Any]]:
    return AsyncSevenSegmentsClient("token", base_url=url, max_connections=4, **OPTIONS), (
        lambda c: c.track("john", "purchase")
    )


def _attribution(url: str) -> tuple[Any, Callable[[Any], Any]]:
    return AsyncAttributionClient("key", base_url=url, max_connections=4, **OPTIONS), (
        lambda c: c.trigger_identity("cookie", client_id="john")
    )


@pytest.mark.parametrize(
    "make", [_interakt, _seven_segments, _attribution], ids=["interakt", "seven_segments", "attributionio"]
)
def test_a_wait_for_storm_leaves_the_client_working(
    make: Callable[[str], Any], slow_server: ApiServer
) -> None:
    async def main() -> int:
        client, call = make(slow_server.url)
        async with client:
            stop = time.monotonic() + STORM_SECONDS

            async def storm() -> None:
                while time.monotonic() < stop:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(call(client), 0.05)

            await asyncio.gather(*(storm() for _ in range(32)))
            # After the storm, every call succeeds (each raises if it does not).
            for _ in range(3):
                await asyncio.gather(*(call(client) for _ in range(8)))
            return len(slow_server.seen)

    assert asyncio.run(main()) > 24
