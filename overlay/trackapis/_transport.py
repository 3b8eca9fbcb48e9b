"""The HTTP edge shared by the facades: auth that hides its secret, error translation, verdicts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Generator, Iterator
from typing import Any

import httpx

from ._errors import APIError, TransportError, api_error
from ._retry import RetryPolicy, parse_retry_after
from .delivery import SendResult, send_with_retries, send_with_retries_async


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
    """Turn httpx's transport and decoding errors into `TransportError` (the path has no query string)."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise TransportError(f"timed out ({type(error).__name__})", method=method, path=path) from error
    except httpx.TransportError as error:
        raise TransportError(f"{type(error).__name__}: {error}", method=method, path=path) from error
    except httpx.DecodingError as error:
        # A body that does not match its Content-Encoding: as good as a broken connection.
        message = f"the answer could not be decoded ({error})"
        raise TransportError(message, method=method, path=path) from error


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
    response: httpx.Response,
    method: str,
    path: str,
    extract: Callable[[Any], str | None],
    retry_after: float | None = None,
) -> APIError:
    """The typed error for a non-2xx response (`retry_after`: its parsed `Retry-After`)."""
    return api_error(
        response.status_code,
        error_message(response, extract),
        method=method,
        path=path,
        body=response.text,
        retry_after=retry_after,
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
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    error = error_for(response, method, path, extract, retry_after)
    if policy.retryable_status(response.status_code):
        return SendResult.retry(error, retry_after)
    return SendResult.fail(error)


class Poster:
    """Sends generated-client requests straight through an httpx transport.

    It skips `httpx.Client`'s per-request work (URL merging, cookie extraction, the auth flow,
    redirect handling, event hooks), which costs more CPU than the exchange itself at high rates;
    requests, responses, timeouts and exceptions stay httpx's own. Thread-safe as its transport.

    Args:
        base_url: The API's base URL; the generated `url` is appended to it.
        headers: Sent with every request (auth included: it never goes through an auth flow).
        timeout: Seconds to connect, write, and wait for each read.
        transport: The transport to use; by default one keep-alive pool of `max_connections`.
        max_connections: Connections kept open at most.
    """

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        timeout: float,
        *,
        transport: httpx.BaseTransport | None = None,
        max_connections: int | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = headers
        self._extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._owns_transport = transport is None
        self._transport = transport if transport is not None else httpx.HTTPTransport(limits=limits)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._base_url!r})"

    def request(self, kwargs: dict[str, Any]) -> httpx.Response:
        """Send the request a generated `_get_kwargs` describes; raises httpx's errors."""
        headers = {**self._headers, **kwargs.get("headers", {})}
        content = None
        if "json" in kwargs:
            content = json.dumps(
                kwargs["json"], ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode()
        request = httpx.Request(
            kwargs["method"].upper(),
            self._base_url + kwargs["url"],
            params=kwargs.get("params"),
            headers=headers,
            content=content,
            extensions=self._extensions,
        )
        response = self._transport.handle_request(request)
        try:
            response.read()
        finally:
            response.close()
        return response

    def close(self) -> None:
        if self._owns_transport:
            self._transport.close()


def attempt(
    client: Poster,
    kwargs: dict[str, Any],
    policy: RetryPolicy,
    extract: Callable[[Any], str | None],
) -> tuple[SendResult, httpx.Response | None]:
    """One HTTP request (from a generated `_get_kwargs`) and its verdict; transport errors are retryable."""
    method, path = kwargs["method"].upper(), kwargs["url"]
    try:
        with translated_errors(method, path):
            response = client.request(kwargs)
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


def send_now(
    client: Poster, kwargs: dict[str, Any], policy: RetryPolicy, extract: Callable[[Any], str | None]
) -> httpx.Response:
    """Send in the caller's thread with retries: the 2xx response, or raise the typed error."""
    answered: list[httpx.Response] = []

    def once() -> SendResult:
        result, response = attempt(client, kwargs, policy, extract)
        if response is not None:
            answered.append(response)
        return result

    result, _ = send_with_retries(once, policy)
    if result.error is not None:
        raise result.error
    return answered[-1]


async def send_now_async(
    client: httpx.AsyncClient,
    kwargs: dict[str, Any],
    policy: RetryPolicy,
    extract: Callable[[Any], str | None],
) -> httpx.Response:
    """`send_now` for asyncio."""
    answered: list[httpx.Response] = []

    async def once() -> SendResult:
        result, response = await attempt_async(client, kwargs, policy, extract)
        if response is not None:
            answered.append(response)
        return result

    result, _ = await send_with_retries_async(once, policy)
    if result.error is not None:
        raise result.error
    return answered[-1]
