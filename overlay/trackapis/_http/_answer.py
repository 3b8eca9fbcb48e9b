"""What goes out (`Call`) and what comes back (`Answer`), the same for both backends."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import attrs

from .._config import TRACK_ANSWER_CAP

logger = logging.getLogger("trackapis.http")

_JSON = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False}


def _param(value: Any) -> str:
    # httpx's rules for query values, so that both backends send the same query string.
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


@attrs.frozen
class Call:
    """One request: method, path (as errors show it, without the query), query, headers, body.

    Args:
        cap: Bytes of the answer read at most; above it the connection is closed and the answer's
            status decides alone.
    """

    method: str
    base_url: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content: bytes | None = None
    cap: int = TRACK_ANSWER_CAP

    @classmethod
    def from_kwargs(
        cls,
        base_url: str,
        kwargs: Mapping[str, Any],
        *,
        extra_params: Mapping[str, str] | None = None,
        cap: int = TRACK_ANSWER_CAP,
    ) -> Call:
        """A call from a generated operation's `_get_kwargs()`."""
        params: list[tuple[str, str]] = []
        for name, value in {**(kwargs.get("params") or {}), **(extra_params or {})}.items():
            for item in value if isinstance(value, (list, tuple)) else [value]:
                params.append((name, _param(item)))
        headers = dict(kwargs.get("headers") or {})
        content = None
        if "json" in kwargs:
            content = json.dumps(kwargs["json"], **_JSON).encode()  # type: ignore[arg-type]
            headers.setdefault("Content-Type", "application/json")
        return cls(kwargs["method"].upper(), base_url, kwargs["url"], tuple(params), headers, content, cap)

    @property
    def url(self) -> str:
        query = urlencode(self.params) if self.params else ""
        return self.base_url + self.path + ("?" + query if query else "")


@attrs.frozen
class Answer:
    """An HTTP answer, read up to its call's cap.

    `unreadable` says why the body is missing or incomplete (too large, cut off, a broken
    Content-Encoding): the status is still the server's, and decides on its own.
    """

    status: int
    headers: Mapping[str, str]  # lower-case names
    content: bytes = b""
    unreadable: str | None = None

    @property
    def status_code(self) -> int:
        return self.status

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason_phrase(self) -> str:
        import http

        try:
            return http.HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not (or was not read whole)."""
        if self.unreadable is not None:
            raise ValueError(f"the answer's body was not read: {self.unreadable}")
        return json.loads(self.content)


def decoded(status: int, headers: Mapping[str, str], raw: bytes, unreadable: str | None) -> Answer:
    """The answer with its Content-Encoding undone; a body that does not match it is unreadable."""
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if unreadable is None and raw and encoding not in ("", "identity"):
        try:
            if encoding in ("gzip", "x-gzip"):
                raw = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
            elif encoding == "deflate":
                try:
                    raw = zlib.decompress(raw)
                except zlib.error:
                    raw = zlib.decompress(raw, -zlib.MAX_WBITS)
            else:
                raise zlib.error(f"unsupported Content-Encoding {encoding!r}")
        except zlib.error as error:
            unreadable = f"its body does not match its Content-Encoding {encoding!r} ({error})"
            raw = b""
    if unreadable is not None and 200 <= status < 300:
        # The status arrived and decides: delivered. Say so, since the body is lost.
        logger.info("a %d answer's body could not be read: %s", status, unreadable)
    return Answer(status, headers, raw, unreadable)
