"""The bridge to the generated client, for sends in the caller (sync mode, asyncio, custom transports).

Imported only when such a send happens: the generated package brings httpx with it, which the
background path and `import track` do without.
"""

from __future__ import annotations

from typing import Any

from interakt_client.api.events import track_event
from interakt_client.api.users import track_user
from interakt_client.models import EventByPhone, EventByUserId, UserByPhone, UserByUserId

from ._payload import USERS_PATH, InteraktMessage

UserRequest = UserByUserId | UserByPhone
EventRequest = EventByUserId | EventByPhone


def request_model(message: InteraktMessage) -> UserRequest | EventRequest:
    """The generated request model for a queued message's body."""
    body, by_id = message.body, "userId" in message.body
    if message.path == USERS_PATH:
        return UserByUserId.from_dict(body) if by_id else UserByPhone.from_dict(body)
    return EventByUserId.from_dict(body) if by_id else EventByPhone.from_dict(body)


def request_kwargs(message: InteraktMessage) -> dict[str, Any]:
    """The httpx request for a message, as the generated client builds it, with the queued body.

    The body is sent as it was made at the call site (not the model's re-serialisation), so that
    every path sends the same JSON: date-times in UTC with `Z`, fields the models do not know.
    """
    model = request_model(message)
    if isinstance(model, (UserByUserId, UserByPhone)):
        kwargs = track_user._get_kwargs(body=model)
    else:
        kwargs = track_event._get_kwargs(body=model)
    kwargs["json"] = message.body
    return kwargs
