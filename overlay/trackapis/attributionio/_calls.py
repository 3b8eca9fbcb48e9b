"""The facade's three verbs, each signature and docstring written once.

`AttributionClient`'s and `AsyncAttributionClient`'s methods are derived from these calls with
`trackapis._verbs.verb`: they have their parameters (what `help()`, mypy and pyright see), and
receive the arguments by name (a call returns its `locals()`) to build their requests.
"""

from __future__ import annotations

from typing import Any, TypeAlias, Unpack

from .._verbs import verb
from ._fields import EventFields, IdentityFields

Arguments: TypeAlias = dict[str, Any]
"""A call's arguments by name, `**fields` as one mapping `fields`."""


def fetch_customer_call(
    client_id: str | int,
    *,
    pageviews: bool = False,
    touchpoints: bool = False,
    events: bool = False,
    identities: bool = False,
    full: bool = False,
) -> Arguments:
    """What Attribution.io knows of a customer; None when there is no such customer (404).

    Args:
        client_id: An id the customer was identified by earlier (an id, an email address...).
        pageviews: Include the customer's pageviews.
        touchpoints: Include the customer's touchpoints.
        events: Include the customer's events.
        identities: Include the customer's identities.
        full: Include all four lists.

    Raises:
        ValueError, TypeError: A bad argument, or no `api_secret`.
        AuthenticationError: 401, a wrong key or secret.
        PermissionDeniedError: 403, a disabled account.
        APIError, TransportError: Any other failure, after retries.
        InvalidResponseError: A 200 whose body is not a customer.
    """
    return locals()


def trigger_identity_call(
    attributionio_id: str,
    *,
    client_id: str | int | None = None,
    user_agent: str | None = None,
    **fields: Unpack[IdentityFields],
) -> Arguments:
    """Link a visitor (their `AttrioP_<key>` cookie's value) to a client id.

    Args:
        attributionio_id: The value of the visitor's `AttrioP_<key>` cookie.
        client_id: Your id for the customer; None (or "") generates one, returned in the result.
        user_agent: The visitor's User-Agent; None sends `User-Agent unknown`.

    Returns:
        The client id used and the HTTP status (or, in background mode, whether it was queued).

    Raises:
        ValueError, TypeError: A bad argument (nothing is sent).
        ClientClosedError: After `close()`.
        APIError, TransportError: When sending failed, after retries (not in background mode).
    """
    return locals()


def trigger_event_call(
    attributionio_id: str,
    event_key: str,
    *,
    client_id: str | int | None = None,
    user_agent: str | None = None,
    last_url: str | None = None,
    **fields: Unpack[EventFields],
) -> Arguments:
    """Record an event of a visitor, and link the visitor to the client id (as the original did).

    Both requests carry the same client id: yours, or one generated for this call and
    returned in the result. They are sent at the same time; in background mode they are
    queued, the identity first.

    Args:
        attributionio_id: The value of the visitor's `AttrioP_<key>` cookie.
        event_key: The event's key, as set in the Attribution.io dashboard.
        client_id: Your id for the customer; None (or "") generates one.
        user_agent: The visitor's User-Agent; None sends `User-Agent unknown`.
        last_url: The last URL the visitor saw; None sends `URL unknown`.
        **fields: The event schema's other properties, derived from specs/attributionio.yaml
            (`EventFields`: `is_informational`, and whatever a regenerated spec adds).

    Returns:
        The client id and transaction id used, and both HTTP statuses (or whether they were queued).

    Raises:
        ValueError, TypeError: A bad argument (nothing is sent).
        ClientClosedError: After `close()`.
        APIError, TransportError: When either request failed, after retries (the event's
            error when both did); not in background mode.
    """
    return locals()


fetch_customer_verb = verb(fetch_customer_call)
trigger_identity_verb = verb(trigger_identity_call)
trigger_event_verb = verb(trigger_event_call)
