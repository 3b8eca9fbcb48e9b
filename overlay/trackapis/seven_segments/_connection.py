"""How to reach 7SEGMENTS: the target URL, timeouts, retries, credentials; checked once, shared."""

from __future__ import annotations

import base64
import math
from typing import Any, Final

import attrs
import httpx

from .. import __version__
from .._retry import RetryPolicy
from .._transport import Poster

DEFAULT_TARGET: Final = "https://api.7segments.com"
# The original sent without any timeout; 10 s to connect and for each read is generous for
# single tracking calls, and exports of large analyses can take a while.
DEFAULT_TIMEOUT: Final = 10.0
USER_AGENT: Final = f"trackapis/{__version__}"


def check_target(target: Any, *, argument: str = "base_url") -> str:
    if not isinstance(target, str) or not target.startswith(("http://", "https://")):
        raise ValueError(f"{argument} must be an http(s) URL such as {DEFAULT_TARGET!r}, not {target!r}")
    return target.rstrip("/")


def check_timeout(timeout: Any) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    return float(timeout)


def basic_authorization(username: Any, password: Any) -> str:
    if not isinstance(username, str) or not username:
        raise ValueError("username must be a non-empty string: a 7SEGMENTS user with ExtAPI access")
    if not isinstance(password, str):
        raise TypeError(f"password must be a string, not {type(password).__name__}")
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


@attrs.frozen
class Connection:
    """Everything a request needs; safe to share between threads. Its repr shows no credential."""

    target: str
    timeout: float
    policy: RetryPolicy
    transport: httpx.BaseTransport | None = attrs.field(repr=False, default=None)
    authorization: str | None = attrs.field(repr=False, default=None)

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self.authorization is not None:
            headers["Authorization"] = self.authorization
        return headers

    def poster(self, max_connections: int | None = None) -> Poster:
        return Poster(
            self.target,
            self.headers(),
            self.timeout,
            transport=self.transport,
            max_connections=max_connections,
        )
