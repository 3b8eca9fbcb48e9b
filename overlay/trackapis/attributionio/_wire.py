"""Attribution.io's HTTP edge: requests straight through an httpx transport, the secret kept out
of every message, and retries bounded by a deadline.

Requests go to the transport directly, not through `httpx.Client`, for two reasons: the
client logs every request's full URL (at INFO, on the `httpx` logger), and the private API's
URL carries the secret; and it skips the client's per-request work, as `_transport.Poster` does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final
from urllib.parse import quote, quote_plus

import httpx

from .. import __version__
from .._errors import APIError, TransportError, api_error
from .._retry import RetryPolicy, parse_retry_after
from ..delivery import SendResult, Verdict

USER_AGENT: Final = f"trackapis/{__version__}"
_REDACTED: Final = "<secret>"
# An attempt gets what is left of the deadline, but at least this long: below it a request
# cannot finish even on loopback, and the attempt would only turn into a timeout.
_MIN_ATTEMPT_TIMEOUT: Final = 0.05


class Redactor:
    """Removes the API secret (as given, and URL-encoded) from text."""

    def __init__(self, secret: str | None) -> None:
        forms = {secret, quote(secret, safe=""), quote_plus(secret)} if secret else set()
        # Longest first, so that an encoded form is replaced whole.
        self._forms = sorted((form for form in forms if form), key=len, reverse=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, _REDACTED)
        return text

    def contains_secret(self, text: str) -> bool:
        return any(form in text for form in self._forms)


def _message(payload: Any) -> str | None:
    message = payload.get("message") if isinstance(payload, dict) else None
    return message if isinstance(message, str) and message else None


def error_for(response: httpx.Response, method: str, path: str, redact: Redactor) -> APIError:
    """The typed error for a non-2xx answer, with the secret removed from all of its text."""
    text = response.text
    try:
        message = _message(response.json()) or text.strip()[:200]
    except ValueError:  # not JSON: an HTML error page, a proxy's text...
        message = text.strip()[:200]
    return api_error(
        response.status_code,
        redact(message or response.reason_phrase),
        method=method,
        path=redact(path),
        body=redact(text),
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def verdict(
    response: httpx.Response, method: str, path: str, policy: RetryPolicy, redact: Redactor
) -> SendResult:
    """Delivered for any 2xx; retry for 429 and 5xx; fail otherwise."""
    if response.is_success:
        return SendResult.delivered()
    error = error_for(response, method, path, redact)
    if policy.retryable_status(response.status_code):
        return SendResult.retry(error, getattr(error, "retry_after", None))
    return SendResult.fail(error)


# No usable answer: the connection failed, timed out, or the body could not be decoded (a
# `Content-Encoding` it does not match). httpx's `DecodingError` is no `TransportError`, and
# would otherwise escape raw from `response.read()`.
NoAnswer = (httpx.TransportError, httpx.DecodingError)


def transport_error(
    error: httpx.TransportError | httpx.DecodingError, method: str, path: str, redact: Redactor
) -> TransportError:
    if isinstance(error, httpx.TimeoutException):
        text = f"timed out ({type(error).__name__})"
    elif isinstance(error, httpx.DecodingError):
        text = f"the answer could not be decoded ({type(error).__name__}: {error})"
    else:
        text = f"{type(error).__name__}: {error}"
    return TransportError(redact(text), method=method, path=redact(path))


def _show_cause(error: httpx.TransportError | httpx.DecodingError, redact: Redactor) -> bool:
    # Chain httpx's exception, for debugging, unless its own text shows the secret.
    return not redact.contains_secret(str(error))


class Request:
    """One request of a generated operation (`_get_kwargs`) against a base URL."""

    def __init__(self, base_url: str, kwargs: dict[str, Any], *, secret: str | None = None) -> None:
        self.method: str = kwargs["method"].upper()
        self.path: str = kwargs["url"]
        params = dict(kwargs.get("params") or {})
        if secret is not None:
            params["secret"] = secret  # last, as the original sent it
        self._url = base_url + self.path
        self._params = params or None
        headers = {"User-Agent": USER_AGENT, **kwargs.get("headers", {})}
        self._headers = headers
        self._content = (
            json.dumps(kwargs["json"], ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            if "json" in kwargs
            else None
        )

    def build(self, timeout: float) -> httpx.Request:
        return httpx.Request(
            self.method,
            self._url,
            params=self._params,
            headers=self._headers,
            content=self._content,
            extensions={"timeout": httpx.Timeout(timeout).as_dict()},
        )


def send(
    transport: httpx.BaseTransport, request: Request, timeout: float, redact: Redactor
) -> httpx.Response:
    """Send once; raises `TransportError` (secret-free) when no answer came."""
    try:
        response = transport.handle_request(request.build(timeout))
        try:
            response.read()
        finally:
            response.close()
    except NoAnswer as error:
        translated = transport_error(error, request.method, request.path, redact)
        if _show_cause(error, redact):
            raise translated from error
        raise translated from None
    return response


async def send_async(
    transport: httpx.AsyncBaseTransport, request: Request, timeout: float, redact: Redactor
) -> httpx.Response:
    """`send` for asyncio."""
    try:
        response = await transport.handle_async_request(request.build(timeout))
        try:
            await response.aread()
        finally:
            await response.aclose()
    except NoAnswer as error:
        translated = transport_error(error, request.method, request.path, redact)
        if _show_cause(error, redact):
            raise translated from error
        raise translated from None
    return response


class Deadline:
    """The time a call may take in all, attempts and waits between them included."""

    def __init__(self, seconds: float, per_attempt: float) -> None:
        self._end = time.monotonic() + seconds
        self._per_attempt = per_attempt

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def attempt_timeout(self) -> float:
        return max(min(self._per_attempt, self.remaining()), _MIN_ATTEMPT_TIMEOUT)

    def allows_wait(self, seconds: float) -> bool:
        # Waiting only makes sense when an attempt still fits after it.
        return seconds + _MIN_ATTEMPT_TIMEOUT < self.remaining()


def _next_wait(result: SendResult, retries: int, policy: RetryPolicy, deadline: Deadline) -> float | None:
    if result.verdict is not Verdict.RETRY or not policy.can_retry(retries):
        return None
    wait = policy.delay(retries, result.retry_after)
    return wait if deadline.allows_wait(wait) else None


def with_retries(
    attempt: Callable[[float], SendResult],
    policy: RetryPolicy,
    deadline: Deadline,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Call `attempt(timeout)` until it delivers, fails for good, the retries run out, or the
    deadline would pass before another attempt could finish."""
    retries = 0
    while True:
        result = attempt(deadline.attempt_timeout())
        wait = _next_wait(result, retries, policy, deadline)
        if wait is None:
            return result
        sleep(wait)
        retries += 1


async def with_retries_async(
    attempt: Callable[[float], Awaitable[SendResult]],
    policy: RetryPolicy,
    deadline: Deadline,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> SendResult:
    """`with_retries` for asyncio."""
    retries = 0
    while True:
        result = await attempt(deadline.attempt_timeout())
        wait = _next_wait(result, retries, policy, deadline)
        if wait is None:
            return result
        await sleep(wait)
        retries += 1
