"""Interakt's answers: `{result, message}` (and the event's `id`), read leniently."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .._http._answer import Answer


@attrs.frozen
class TrackResponse:
    """The API's answer to a request that was delivered."""

    status: int
    message: str | None = None
    id: str | None = None
    # The answer as it came, for callers that want more than the parsed fields (the `track` shim's
    # sync mode returns them the way the original's `requests.Response` did).
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    content: bytes = attrs.field(default=b"", repr=False, eq=False)

    @property
    def status_code(self) -> int:
        """`status`, under the name the original SDK's sync mode (a `requests.Response`) used."""
        return self.status


def error_message_of(payload: Any) -> str | None:
    """The `message` of Interakt's JSON error body `{"result": false, "message": ...}`."""
    message = payload.get("message") if isinstance(payload, dict) else None
    return message if isinstance(message, str) else None


def parse_response(response: Answer) -> TrackResponse:
    # Any 2xx is success; the body is informative only, and not always JSON.
    headers, content = dict(response.headers), response.content
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return TrackResponse(response.status_code, headers=headers, content=content)
    message, event_id = payload.get("message"), payload.get("id")
    return TrackResponse(
        response.status_code,
        message if isinstance(message, str) else None,
        event_id if isinstance(event_id, str) else None,
        headers=headers,
        content=content,
    )
