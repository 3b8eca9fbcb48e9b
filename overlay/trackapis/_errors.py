"""The exceptions of trackapis.

    TrackapisError
    ├── TransportError          never got a response (connection refused or dropped, timeout)
    ├── APIError                got an error status; `.status`, `.message`, `.method`, `.path`
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── RateLimitError          429
    │   └── ServerError             5xx
    ├── InvalidResponseError    got a 2xx the spec does not allow (e.g. not JSON)
    └── ClientClosedError       the client was shut down

Bad arguments raise `ValueError` or `TypeError` at the call site, naming the argument. No
message carries a credential: errors show the request method and path, never the query string.
"""

from __future__ import annotations

__all__ = [
    "APIError",
    "AuthenticationError",
    "ClientClosedError",
    "InvalidResponseError",
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
    """The request got no response: connection refused or dropped, timeout, TLS failure."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(f"{method} {path}: {message}")
        self.method = method
        self.path = path


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
    """A success status with a body the spec does not allow."""


class ClientClosedError(TrackapisError):
    """The client was shut down; it accepts no more messages."""


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
