"""`track.request`: the original's `APIError` and `post()`, and what sync mode returns.

`APIError(status, status_code, message)` is the original's class: `status` is the `result` field
of Interakt's error body (usually False; 'Unknown' when the body is not JSON), `status_code` the
HTTP status. In sync mode, and in `on_error`, an error status arrives as an `APIError` that is
also the matching trackapis error (`trackapis.AuthenticationError`, `RateLimitError`,
`ServerError`...); a request that got no answer arrives as an `OSError` (a `TimeoutError` when it
timed out) that is also a `trackapis.TransportError`, and also `requests`' `ConnectionError` /
`Timeout` when the application has imported `requests`, as the original's were.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

from trackapis import __version__ as _trackapis_version
from trackapis.interakt import APIError as _TypedAPIError
from trackapis.interakt import TransportError, basic_authorization

from .const import DEFAULT_HOST
from .utils import remove_trailing_slash

__all__ = ["APIError", "Response", "logger", "post"]

logger = logging.getLogger("interakt")


class APIError(Exception):
    """The API answered with an error status (the original's class, same fields and text)."""

    def __init__(self, status: Any, status_code: int, message: Any) -> None:
        self.message = message
        self.status = status
        self.status_code = status_code

    def __str__(self) -> str:
        return f"[interakt-track] StatusCode({self.status_code}): {self.message} (Success={self.status})"


class Response:
    """A delivered request's answer, with the parts of a `requests.Response` the original returned.

    Truthy (as `ok`) for a 2xx, the only statuses it is made for: an error status raises `APIError`.
    """

    def __init__(self, status_code: int, headers: Mapping[str, str], content: bytes, url: str = "") -> None:
        self.status_code = status_code
        self.headers = _Headers(headers)
        self.content = content
        self.url = url

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 400

    def __bool__(self) -> bool:
        return self.ok

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def reason(self) -> str:
        from http import HTTPStatus

        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    def json(self, **kwargs: Any) -> Any:
        """The body parsed as JSON (raises `ValueError` when it is not JSON, as requests' did)."""
        return json.loads(self.content, **kwargs)

    def raise_for_status(self) -> None:
        """Nothing to raise: error statuses were raised as `APIError` already."""

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


class _Headers(dict[str, str]):
    """Header names looked up in any case, as requests' `CaseInsensitiveDict`."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__({name.lower(): value for name, value in headers.items()})

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


def post(
    api_key: str,
    host: str | None = None,
    path: str | None = None,
    body: Any = None,
    timeout: float = 10,
) -> Response:
    """POST `body` as JSON to `host` + `path` once, with the key as Basic auth (no retries, as the
    original). Returns the 2xx answer; raises `APIError` for an error status, an `OSError` (also a
    `trackapis.TransportError`) when no answer came.
    """
    import httpx

    url = remove_trailing_slash(host or DEFAULT_HOST) + (path or "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"trackapis/{_trackapis_version}",
        "Authorization": basic_authorization(api_key),
    }
    logger.debug("Making request: %s", body)
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        answer = httpx.post(url, content=content, headers=headers, timeout=timeout)
    except httpx.TimeoutException as error:
        raise _shim_error(TransportError("timed out", method="POST", path=path or "/")) from error
    except httpx.HTTPError as error:
        failure = TransportError(f"{type(error).__name__}: {error}", method="POST", path=path or "/")
        raise _shim_error(failure) from error
    response = Response(answer.status_code, answer.headers, answer.content, str(answer.url))
    if 200 <= answer.status_code <= 299:
        logger.debug("Data uploaded successfully")
        return response
    raise _api_error_of(answer.status_code, response.text)


def _api_error_of(status_code: int, text: str) -> APIError:
    """The original's `APIError` for an error answer: `result` and `message` from a JSON body."""
    try:
        payload = json.loads(text)
    except ValueError:
        return APIError("Unknown", status_code, text)
    if not isinstance(payload, dict):
        return APIError(None, status_code, None)
    logger.debug("Received response: %s", payload)
    return APIError(payload.get("result"), status_code, payload.get("message"))


_combined: dict[tuple[type[Exception], ...], type[Exception]] = {}


def _combine(bases: tuple[type[Exception], ...], source: Exception) -> Exception:
    """An instance of a class with `bases` (made once), carrying `source`'s fields and args."""
    kind = _combined.get(bases)
    if kind is None:
        last = bases[-1]
        kind = type(last.__name__, bases, {"__module__": __name__, "__doc__": last.__doc__})
        _combined[bases] = kind
    combined = kind.__new__(kind)
    combined.__dict__.update(vars(source))
    combined.args = source.args
    return combined


def _shim_error(error: Exception) -> Exception:
    """`error` as the original would have raised it, and still the trackapis error it is.

    An error status: the original's `APIError` (with its `status`, `status_code`, `message` and
    text) and the typed error. No answer: an `OSError` (`TimeoutError` when it timed out), and
    `requests`' `ConnectionError` / `Timeout` when the application has imported `requests`.
    """
    if isinstance(error, (APIError, OSError)):
        return error
    if isinstance(error, _TypedAPIError):
        shim = _combine((APIError, type(error)), error)
        # `status` is the body's `result`, as the original's (the HTTP status is `status_code`).
        shim.__dict__.update(vars(_api_error_of(error.status, error.body_excerpt)))
        return shim
    if isinstance(error, TransportError):
        timed_out = "timed out" in str(error) or "Timeout" in str(error)
        bases: list[type[Exception]] = []
        requests = sys.modules.get("requests")
        if requests is not None:
            bases.append(requests.exceptions.Timeout if timed_out else requests.exceptions.ConnectionError)
        bases.append(TimeoutError if timed_out else ConnectionError)
        bases.append(type(error))
        shim = _combine(tuple(bases), error)
        if requests is not None:
            shim.__dict__.update(request=None, response=None)  # what requests' exceptions carry
        return shim
    return error
