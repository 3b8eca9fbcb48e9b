"""The exceptions of trackapis.

    TrackapisError
    ├── TransportError          never got a response (connection refused or dropped, timeout)
    ├── APIError                got an error status; `.status`, `.message`, `.method`, `.path`
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── RateLimitError          429
    │   └── ServerError             5xx
    ├── InvalidResponseError    got a 2xx the spec does not allow (e.g. not JSON)
    ├── ClientClosedError       the client was shut down
    │   └── EngineClosed            (delivery) the engine was shut down; clients raise ClientClosedError
    └── DeliveryError           (background delivery) what `on_error` receives besides the above
        ├── MessageDropped          accepted but never sent: queue full, or shutdown timed out
        ├── MessageUnknown          in flight when a bounded shutdown gave up: it may have arrived
        └── MessageFailed           the sender raised, or answered nonsense; `__cause__` has why

`on_error(error, message)` always receives a `TrackapisError`: an `APIError` or
`TransportError` when the last attempt got one, else a `DeliveryError` whose `reason` says why.
Bad arguments raise `ValueError` or `TypeError` at the call site, naming the argument. No
message carries a credential: errors show the request method and path, never the query string.

This module imports nothing but the standard library and does no I/O: `delivery/` builds on it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIError",
    "AuthenticationError",
    "ClientClosedError",
    "DeliveryError",
    "EngineClosed",
    "InvalidResponseError",
    "MessageDropped",
    "MessageFailed",
    "MessageUnknown",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "TrackapisError",
    "TransportError",
]

_EXCERPT = 200


class TrackapisError(Exception):
    """The base of every error trackapis raises (bad arguments aside)."""


class TransportError(TrackapisError):
    """The request got no response: connection refused or dropped, timeout, TLS failure.

    `unsent` is True when the request certainly never reached the server (the connection, the
    proxy's tunnel or the TLS handshake was refused), so sending it again cannot duplicate it.
    """

    def __init__(self, message: str, *, method: str, path: str, unsent: bool = False) -> None:
        super().__init__(f"{method} {path}: {message}")
        self.method = method
        self.path = path
        self.unsent = unsent


class APIError(TrackapisError):
    """The API answered with an error status."""

    def __init__(self, status: int, message: str, *, method: str, path: str, body: str = "") -> None:
        excerpt = body if len(body) <= _EXCERPT else body[:_EXCERPT] + "..."
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        self.body_excerpt = excerpt


class AuthenticationError(APIError):
    """401: the credentials were missing or wrong."""


class PermissionDeniedError(APIError):
    """403: the credentials are right but not allowed (e.g. a disabled account)."""


class RateLimitError(APIError):
    """429: too many requests. `retry_after` is the server's wait in seconds, if it said."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        method: str,
        path: str,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, message, method=method, path=path, body=body)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the service failed; safe to retry later."""


class InvalidResponseError(TrackapisError):
    """A success status with a body the spec does not allow; `body` is that body as decoded JSON
    (None when it was not JSON, or not kept)."""

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class ClientClosedError(TrackapisError):
    """The client was shut down; it accepts no more messages."""


class EngineClosed(ClientClosedError):
    """Raised by `DeliveryEngine.submit` after `shutdown` (the clients raise `ClientClosedError`)."""


class DeliveryError(TrackapisError):
    """A background message that was not delivered, for a reason other than an answer or transport error.

    `reason` is the human-readable why (also the error's message).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MessageDropped(DeliveryError):
    """A message that was accepted but will not be sent: the queue was full, or shutdown gave up."""


class MessageUnknown(DeliveryError):
    """A message in flight when a bounded shutdown gave up waiting: it may or may not have arrived.

    Counted as `unknown` (never as dropped) in `FlushResult` and `DeliveryStats`.
    """


class MessageFailed(DeliveryError):
    """A message whose sender raised instead of answering, or answered nonsense.

    When the sender raised, `__cause__` is what it raised.
    """


def as_delivery_error(error: BaseException | None, reason: str = "failed") -> TrackapisError:
    """`error` if it is one of ours, else a `MessageFailed` caused by it: what `on_error` receives."""
    if isinstance(error, TrackapisError):
        return error
    if error is None:
        return MessageFailed(reason)
    failure = MessageFailed(f"{reason}: {type(error).__name__}: {error}")
    failure.__cause__ = error
    return failure


def api_error(
    status: int, message: str, *, method: str, path: str, body: str = "", retry_after: float | None = None
) -> APIError:
    """The `APIError` subclass for `status`."""
    if status == 401:
        return AuthenticationError(status, message, method=method, path=path, body=body)
    if status == 403:
        return PermissionDeniedError(status, message, method=method, path=path, body=body)
    if status == 429:
        return RateLimitError(status, message, method=method, path=path, body=body, retry_after=retry_after)
    if status >= 500:
        return ServerError(status, message, method=method, path=path, body=body)
    return APIError(status, message, method=method, path=path, body=body)
