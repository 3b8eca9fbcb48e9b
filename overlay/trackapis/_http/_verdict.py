"""Foreign errors become `TransportError`, answers become verdicts: once, for every path.

`translate` is total over what the edge's layers raise (httpx, httpcore, http.client, ssl, OS):
`tests/unit/test_http_edge.py` walks every exception class those modules export and proves it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
from collections.abc import Callable, Iterator
from typing import Any

from .._errors import APIError, TransportError, api_error
from .._retry import RetryPolicy, parse_retry_after
from ..delivery import SendResult
from ._answer import Answer, Call
from ._redact import NOTHING, Redactor

ErrorText = Callable[[Any], str | None]
_EXCERPT = 200


def _foreign() -> tuple[type[BaseException], ...]:
    classes: list[type[BaseException]] = [OSError, EOFError]
    http_client = sys.modules.get("http.client")  # not imported: none of its errors can happen
    if http_client is not None:
        classes.append(http_client.HTTPException)
    httpx = sys.modules.get("httpx")  # not imported: none of its errors can happen
    if httpx is not None:
        classes += [httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict]
    httpcore = sys.modules.get("httpcore")
    if httpcore is not None:
        classes += [
            httpcore.ConnectionNotAvailable,
            httpcore.ProxyError,
            httpcore.UnsupportedProtocol,
            httpcore.ProtocolError,
            httpcore.TimeoutException,
            httpcore.NetworkError,
        ]
    return tuple(classes)


def is_foreign(error: BaseException) -> bool:
    """Whether `error` is one that `translate` turns into a `TransportError`."""
    return isinstance(error, _foreign())


def answered(status: int, method: str) -> bool:
    """Whether a status line alone settles a request whose body was cut short: a 2xx to a request
    that changes something (a POST) means the server did it, and sending it again would do it
    twice; a GET is sent again (a read repeats harmlessly), as is an error status (the status
    retries it or not, and a request refused was not done)."""
    return 200 <= status < 300 and method not in ("GET", "HEAD", "OPTIONS")


def _unsent(error: BaseException) -> bool:
    """Whether the request certainly never reached the server: no connection, tunnel or handshake."""
    if isinstance(error, (ConnectionRefusedError, socket.gaierror)):
        return True
    ssl = sys.modules.get("ssl")
    if ssl is not None and isinstance(error, ssl.SSLCertVerificationError):
        return True  # refused in the handshake, before the request
    # httpx's and the lean backend's: a connection (TCP, TLS) or a proxy tunnel not made.
    return type(error).__name__ in ("ConnectError", "ProxyError")


def translate(error: BaseException, method: str, path: str, redact: Redactor = NOTHING) -> TransportError:
    """The `TransportError` for a lower layer's exception (no secret in its text).

    Its `__cause__` is the error, unless that error's text shows a secret: raise it `from` that.
    """
    name = type(error).__name__
    if isinstance(error, TimeoutError) or "Timeout" in name:
        text = f"timed out ({name}: {error})" if str(error) else f"timed out ({name})"
    else:
        text = f"{name}: {error}" if str(error) else name
    translated = TransportError(
        redact(one_line(text)), method=method, path=redact(path), unsent=_unsent(error)
    )
    # Chained for debugging, unless the lower layer's own text shows a secret.
    translated.__cause__ = None if redact.contains_secret(f"{error} {path}") else error
    translated.__suppress_context__ = True
    return translated


@contextlib.contextmanager
def translated(call: Call, redact: Redactor = NOTHING) -> Iterator[None]:
    """Translate the lower layers' exceptions raised inside the block (see `translate`)."""
    try:
        yield
    except Exception as error:
        if not is_foreign(error):
            raise
        transport_error = translate(error, call.method, call.path, redact)
        raise transport_error from transport_error.__cause__


def one_line(text: str, limit: int = _EXCERPT) -> str:
    """A one-line excerpt: whitespace (newlines included) folded, cut at `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def error_message(answer: Answer, extract: ErrorText) -> str:
    """The API's error message: from its JSON error body when there is one, else a one-line excerpt."""
    try:
        payload = answer.json()
    except ValueError:
        return one_line(answer.text) or answer.reason_phrase or f"status {answer.status}"
    try:
        message = extract(payload)
    except (AttributeError, KeyError, TypeError, IndexError):
        message = None
    return one_line(message) if message else one_line(json.dumps(payload))


def error_for(answer: Answer, call: Call, extract: ErrorText, redact: Redactor = NOTHING) -> APIError:
    """The typed error for a non-2xx answer, with every secret removed from its text."""
    return api_error(
        answer.status,
        redact(error_message(answer, extract)),
        method=call.method,
        path=redact(call.path),
        body=redact(answer.text),
        retry_after=parse_retry_after(answer.headers.get("retry-after")),
    )


def verdict(
    answer: Answer, call: Call, policy: RetryPolicy, extract: ErrorText, redact: Redactor = NOTHING
) -> SendResult:
    """Delivered for any 2xx (readable body or not); retry for `RETRYABLE_STATUSES`; fail otherwise."""
    if answer.is_success:
        return SendResult.delivered()
    error = error_for(answer, call, extract, redact)
    if policy.retryable_status(answer.status):
        return SendResult.retry(error, parse_retry_after(answer.headers.get("retry-after")))
    return SendResult.fail(error)


__all__ = [
    "ErrorText",
    "error_for",
    "error_message",
    "is_foreign",
    "one_line",
    "translate",
    "translated",
    "verdict",
]
