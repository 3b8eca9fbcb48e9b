"""A hostile server against every path: every call returns or raises within its deadline (plus a
generous margin: these prove nothing hangs, they are not benchmarks), memory stays bounded, a 2xx
is never sent again, and no credential shows in any output."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from network_servers import Hostile, drip

from trackapis._errors import InvalidResponseError, RateLimitError, TrackapisError, TransportError
from trackapis._retry import RetryPolicy
from trackapis.attributionio import AsyncAttributionClient, AttributionClient
from trackapis.interakt import AsyncInteraktClient, InteraktClient
from trackapis.seven_segments import (
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
)

TIMEOUT, DEADLINE = 0.5, 2.0
# Far above the deadline on a loaded 2-core machine, far below "hangs" (the original: forever).
MARGIN = 5.0
POLICY = RetryPolicy(max_retries=1, backoff_initial=0.01, backoff_max=0.01)
OPTIONS: dict[str, Any] = {"timeout": TIMEOUT, "deadline": DEADLINE, "retry_policy": POLICY, "proxy": False}
INTERAKT_KEY = "hostile-interakt-key"
SEVEN_PASSWORD = "hostile-7s-password"
ATTRIBUTION_SECRET = "hostile-attribution-secret"
SECRETS = [
    INTERAKT_KEY,
    base64.b64encode(f"{INTERAKT_KEY}:".encode()).decode(),
    SEVEN_PASSWORD,
    base64.b64encode(f"user:{SEVEN_PASSWORD}".encode()).decode(),
    ATTRIBUTION_SECRET,
]


# -- behaviours -------------------------------------------------------------------------------------------


def _head(status: int, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status} X", *headers]) + "\r\n\r\n").encode()


def trickle_body(status: int) -> Callable[[socket.socket, bytes], None]:
    def behave(conn: socket.socket, head: bytes) -> None:
        conn.sendall(_head(status, "Content-Type: application/json", "Content-Length: 1000"))
        drip(conn, b"{" + b" " * 999, every=0.2)

    return behave


def slow_headers(conn: socket.socket, head: bytes) -> None:
    drip(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Slow: " + b"a" * 1000 + b"\r\n\r\n{}", every=0.2)


def gigabyte(*, declared: bool) -> Callable[[socket.socket, bytes], None]:
    """A 1 GiB answer, generated as it is sent (never held in memory)."""

    def behave(conn: socket.socket, head: bytes) -> None:
        chunk = b"x" * 65536
        if declared:
            conn.sendall(_head(200, f"Content-Length: {1 << 30}"))
            for _ in range(16384):
                conn.sendall(chunk)
            return
        conn.sendall(_head(200, "Transfer-Encoding: chunked"))
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        for _ in range(16384):
            conn.sendall(framed)
        conn.sendall(b"0\r\n\r\n")

    return behave


def bad_gzip(conn: socket.socket, head: bytes) -> None:
    conn.sendall(_head(200, "Content-Encoding: gzip", "Content-Type: application/json", "Content-Length: 8"))
    conn.sendall(b"not gzip")


def echo_authorization(conn: socket.socket, head: bytes) -> None:
    # A gateway that echoes the request (its Authorization header and full URL) in its error page.
    body = b"<html><body>\n<h1>Unauthorized</h1>\n<pre>" + head + b"</pre>\n</body></html>"
    conn.sendall(_head(401, "Content-Type: text/html", f"Content-Length: {len(body)}") + body)


def weird_retry_after(conn: socket.socket, head: bytes) -> None:
    conn.sendall(_head(429, "Retry-After: \u00b2".encode().decode("latin-1"), "Content-Length: 2") + b"{}")


# -- paths ------------------------------------------------------------------------------------------------


def _interakt_sync(url: str) -> Any:
    with InteraktClient(INTERAKT_KEY, base_url=url, background=False, **OPTIONS) as client:
        return client.send_event("Signed Up", user_id="42")


def _interakt_background(url: str) -> Any:
    failures: list[Exception] = []
    with InteraktClient(
        INTERAKT_KEY, base_url=url, on_error=lambda e, m: failures.append(e), **OPTIONS
    ) as client:
        client.event("Signed Up", user_id="42")
        client.flush(30)
    if failures:
        raise failures[0]
    return "delivered"


def _interakt_async(url: str) -> Any:
    async def main() -> Any:
        async with AsyncInteraktClient(INTERAKT_KEY, base_url=url, **OPTIONS) as client:
            return await client.event("Signed Up", user_id="42")

    return asyncio.run(main())


def _seven_per_call(url: str) -> Any:
    with SevenSegmentsClient("token", base_url=url, **OPTIONS) as client:
        return client.track("john", "purchase")


def _seven_async(url: str) -> Any:
    async def main() -> Any:
        async with AsyncSevenSegmentsClient("token", base_url=url, **OPTIONS) as client:
            return await client.track("john", "purchase")

    return asyncio.run(main())


def _seven_export(url: str) -> Any:
    with AuthenticatedSevenSegmentsClient(
        "user", SEVEN_PASSWORD, base_url=url, max_answer_bytes=1 << 20, **OPTIONS
    ) as client:
        return client.export_analysis("funnel", "an-id", format="csv")


def _attribution_trigger(url: str) -> Any:
    with AttributionClient(
        "key", ATTRIBUTION_SECRET, base_url=url, private_base_url=url, **OPTIONS
    ) as client:
        return client.trigger_event("cookie", "signup", client_id="john")


def _attribution_fetch(url: str) -> Any:
    with AttributionClient(
        "key", ATTRIBUTION_SECRET, base_url=url, private_base_url=url, **OPTIONS
    ) as client:
        return client.fetch_customer("john")


def _attribution_async(url: str) -> Any:
    async def main() -> Any:
        async with AsyncAttributionClient(
            "key", ATTRIBUTION_SECRET, base_url=url, private_base_url=url, **OPTIONS
        ) as client:
            return await client.fetch_customer("john")

    return asyncio.run(main())


PATHS: dict[str, Callable[[str], Any]] = {
    "InteraktClient sync": _interakt_sync,
    "InteraktClient background (lean)": _interakt_background,
    "AsyncInteraktClient": _interakt_async,
    "SevenSegmentsClient per-call": _seven_per_call,
    "AsyncSevenSegmentsClient": _seven_async,
    "AuthenticatedSevenSegmentsClient export": _seven_export,
    "AttributionClient trigger_event": _attribution_trigger,
    "AttributionClient fetch_customer": _attribution_fetch,
    "AsyncAttributionClient fetch_customer": _attribution_async,
}
READS = {
    "AuthenticatedSevenSegmentsClient export",
    "AttributionClient fetch_customer",
    "AsyncAttributionClient fetch_customer",
}


def _run(path: str, behaviour: Callable[[socket.socket, bytes], None]) -> tuple[Any, float, Hostile]:
    """The call's result or error, and how long it took; the test fails rather than hang."""
    server = Hostile(behaviour)
    outcome: list[Any] = []

    def call() -> None:
        try:
            outcome.append(PATHS[path](server.url))
        except BaseException as error:
            outcome.append(error)

    started = time.monotonic()
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(DEADLINE + MARGIN + 30)
    elapsed = time.monotonic() - started
    server.close()
    assert outcome, f"{path} still blocked after {elapsed:.0f} s"
    return outcome[0], elapsed, server


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("status", [200, 500])
def test_a_trickling_body_is_bounded_and_a_2xx_decides(path: str, status: int) -> None:
    outcome, elapsed, server = _run(path, trickle_body(status))
    assert elapsed < DEADLINE + MARGIN, elapsed
    if status == 500:
        assert isinstance(outcome, TrackapisError), outcome
    elif path in READS:
        assert isinstance(outcome, InvalidResponseError), outcome  # the body was cut: not a result
    else:
        assert not isinstance(outcome, BaseException), outcome
    if status == 200:  # the status arrived: never sent again
        assert server.requests == (2 if path == "AttributionClient trigger_event" else 1)


@pytest.mark.parametrize("path", PATHS)
def test_slow_headers_are_bounded(path: str) -> None:
    outcome, elapsed, _ = _run(path, slow_headers)
    assert elapsed < DEADLINE + MARGIN, elapsed
    assert isinstance(outcome, TransportError), outcome
    assert "timed out" in str(outcome)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Reading stops at the call's cap (64 KiB for tracking calls, 16 MiB for reads, the export's
# `max_answer_bytes`): the process' peak RSS grows by about twice the cap at most.
RSS_BOUND_MIB = 64


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_gigabyte_answer_is_not_read(path: str, declared: bool) -> None:
    before = _peak_rss_mib()
    outcome, elapsed, _ = _run(path, gigabyte(declared=declared))
    assert _peak_rss_mib() - before < RSS_BOUND_MIB
    assert elapsed < DEADLINE + MARGIN, elapsed
    if path in READS:
        assert isinstance(outcome, InvalidResponseError), outcome
    else:
        assert not isinstance(outcome, BaseException), outcome


@pytest.mark.parametrize("path", PATHS)
def test_a_2xx_with_a_broken_content_encoding_is_never_resent(path: str) -> None:
    outcome, _, server = _run(path, bad_gzip)
    assert server.requests == (2 if path == "AttributionClient trigger_event" else 1)
    if path in READS:
        assert isinstance(outcome, InvalidResponseError), outcome
    else:
        assert not isinstance(outcome, BaseException), outcome


@pytest.mark.parametrize("path", PATHS)
def test_an_unreadable_retry_after_is_ignored_never_raised(path: str) -> None:
    outcome, _, _ = _run(path, weird_retry_after)
    if path == "InteraktClient background (lean)":
        assert isinstance(outcome, RateLimitError)
    else:
        assert isinstance(outcome, RateLimitError), outcome
    assert outcome.retry_after is None


@pytest.mark.parametrize("path", PATHS)
def test_an_echoed_authorization_leaks_no_secret(path: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        outcome, _, _ = _run(path, echo_authorization)
    assert isinstance(outcome, TrackapisError), outcome
    texts = [str(outcome), repr(outcome), getattr(outcome, "body_excerpt", ""), caplog.text]
    texts += [str(note) for note in getattr(outcome, "__notes__", [])]
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text)
    assert "\n" not in str(outcome)


def test_the_cli_shows_no_secret() -> None:
    server = Hostile(echo_authorization)
    env = {**os.environ, "INTERAKT_API_KEY": INTERAKT_KEY, "INTERAKT_HOST": server.url, "NO_PROXY": "*"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "trackapis",
            "interakt",
            "event",
            "Signed Up",
            "--user-id",
            "42",
            "--max-retries",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    server.close()
    assert done.returncode != 0
    assert "401" in done.stderr + done.stdout
    for secret in SECRETS:
        assert secret not in done.stdout + done.stderr
