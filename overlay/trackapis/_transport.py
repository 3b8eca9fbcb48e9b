"""The HTTP edge shared by the facades: auth that hides its secret, error translation, verdicts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Generator, Iterator
from typing import Any

import httpx

from ._errors import APIError, TransportError, api_error
from ._retry import RetryPolicy, parse_retry_after
from .delivery import SendResult


class HeaderAuth(httpx.Auth):
    """Sets one `Authorization` header; its repr never shows the credential."""

    def __init__(self, value: str) -> None:
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._value
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"


@contextlib.contextmanager
def translated_errors(method: str, path: str) -> Iterator[None]:
    """Turn httpx's transport errors into `TransportError` (the path carries no query string)."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise TransportError(f"timed out ({type(error).__name__})", method=method, path=path) from error
    except httpx.TransportError as error:
        raise TransportError(f"{type(error).__name__}: {error}", method=method, path=path) from error


def error_message(response: httpx.Response, extract: Callable[[Any], str | None]) -> str:
    """The API's error message: from its JSON error body when there is one, else the text."""
    try:
        payload = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:200] if text else response.reason_phrase
    try:
        message = extract(payload)
    except (AttributeError, KeyError, TypeError, IndexError):
        message = None
    return message if message else json.dumps(payload)[:200]


def error_for(
    response: httpx.Response, method: str, path: str, extract: Callable[[Any], str | None]
) -> APIError:
    """The typed error for a non-2xx response."""
    return api_error(
        response.status_code,
        error_message(response, extract),
        method=method,
        path=path,
        body=response.text,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def verdict(
    response: httpx.Response,
    method: str,
    path: str,
    policy: RetryPolicy,
    extract: Callable[[Any], str | None],
) -> SendResult:
    """Delivered for any 2xx; retry for 429 and 5xx (with Retry-After); fail otherwise."""
    if response.is_success:
        return SendResult.delivered()
    error = error_for(response, method, path, extract)
    if policy.retryable_status(response.status_code):
        return SendResult.retry(error, parse_retry_after(response.headers.get("retry-after")))
    return SendResult.fail(error)


def attempt(
    client: httpx.Client,
    kwargs: dict[str, Any],
    policy: RetryPolicy,
    extract: Callable[[Any], str | None],
) -> tuple[SendResult, httpx.Response | None]:
    """One HTTP request (from a generated `_get_kwargs`) and its verdict; transport errors are retryable."""
    method, path = kwargs["method"].upper(), kwargs["url"]
    try:
        with translated_errors(method, path):
            response = client.request(**kwargs)
    except TransportError as error:
        return SendResult.retry(error), None
    return verdict(response, method, path, policy, extract), response


async def attempt_async(
    client: httpx.AsyncClient,
    kwargs: dict[str, Any],
    policy: RetryPolicy,
    extract: Callable[[Any], str | None],
) -> tuple[SendResult, httpx.Response | None]:
    """`attempt` for asyncio."""
    method, path = kwargs["method"].upper(), kwargs["url"]
    try:
        with translated_errors(method, path):
            response = await client.request(**kwargs)
    except TransportError as error:
        return SendResult.retry(error), None
    return verdict(response, method, path, policy, extract), response
