"""The facade's two verbs, each signature written once.

Every variant of `user()` and `event()` (`InteraktClient`'s sync, queue and send methods,
`AsyncInteraktClient`'s) is derived from `user_call`/`event_call` with `trackapis._verbs.verb`:
it has their parameters and documentation, and builds its request with `user_message` or
`event_message` (called directly: no frame in between on the caller's hot path).
"""

from __future__ import annotations

from typing import Any, TypeAlias, Unpack

from .._verbs import verb
from ._fields import EventFields, UserFields
from ._payload import InteraktMessage, event_message, user_message

Built: TypeAlias = tuple[str, InteraktMessage]
"""What a call builds: the user's delivery lane and the request."""


def user_call(
    *,
    user_id: str | int | None = None,
    phone_number: str | None = None,
    country_code: str = "+91",
    traits: dict[str, Any] | None = None,
    created_at: Any = None,
    **fields: Unpack[UserFields],
) -> Built:
    """Create or update a user; its traits replace earlier values of the same traits.

    Args:
        user_id: Your id for the user (numbers are sent as strings). This, or `phone_number`.
        phone_number: Digits only, without the country code.
        country_code: The phone number's country calling code.
        traits: JSON-compatible values; datetimes, dates, Decimals, UUIDs and Enums are encoded.
        created_at: When it happened: a timezone-aware datetime or an ISO-8601 string
            (sent in UTC, as `2024-05-01T12:00:00Z`).
        **fields: The request schema's other properties, derived from specs/interakt.yaml
            (`UserFields`, `EventFields`): `full_phone_number`, `tags`, and whatever a
            regenerated spec adds. None means not sent.

    Returns:
        True once queued (or sent, in sync mode); False when the queue was full, in which case
        the message was reported to `on_error` as dropped.

    Raises:
        ValueError, TypeError: A bad argument (nothing is queued).
        ClientClosedError: After `shutdown()`.
        APIError, TransportError: In sync mode, when delivery failed.
    """
    return user_message(**locals())  # its parameters, `fields` as one mapping


def event_call(
    event: str,
    *,
    user_id: str | int | None = None,
    phone_number: str | None = None,
    country_code: str = "+91",
    traits: dict[str, Any] | None = None,
    created_at: Any = None,
    **fields: Unpack[EventFields],
) -> Built:
    """Record an event (an action) of a user; see `user()` for the arguments and errors."""
    return event_message(**locals())


# The docstrings above are `InteraktClient.user()`'s and `.event()`'s; the builders are called
# directly, with `**fields` as one mapping.
user_verb = verb(user_call, build=user_message)
event_verb = verb(event_call, build=event_message)
