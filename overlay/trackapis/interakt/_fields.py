"""Keyword fields of the typed facade, derived from specs/interakt.yaml by scripts/regenerate.

GENERATED: do not edit. `scripts/regenerate` rewrites this file (see `FACADE_ARGUMENTS` in
scripts/codegen.py); tests/test_facade_coverage.py fails when it is out of date.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

__all__ = ["CHECKS", "HAND_WRITTEN", "OPERATIONS", "WIRE_NAMES", "EventFields", "UserFields"]


class UserFields(TypedDict, total=False):
    """`UserFields` properties taken as `**fields`."""

    full_phone_number: str
    """Country code and number without `+`. Seen in third-party copies only; meaning unconfirmed."""
    tags: list[str]
    """Seen in third-party copies only; meaning unknown."""


class EventFields(TypedDict, total=False):
    """`EventFields` properties taken as `**fields`."""

    full_phone_number: str
    """Country code and number without `+`. Seen in third-party copies only; meaning unconfirmed."""
    tags: list[str]
    """Seen in third-party copies only; meaning unknown."""


# TypedDict name -> keyword -> wire name.
WIRE_NAMES: Final[dict[str, dict[str, str]]] = {
    "UserFields": {"full_phone_number": "fullPhoneNumber", "tags": "tags"},
    "EventFields": {"full_phone_number": "fullPhoneNumber", "tags": "tags"},
}

# TypedDict name -> keyword -> the JSON Schema keywords checked at the call site.
CHECKS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "UserFields": {
        "full_phone_number": {"type": "string", "pattern": "^[0-9]+$"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "EventFields": {
        "full_phone_number": {"type": "string", "pattern": "^[0-9]+$"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}

# TypedDict name -> the schema's properties the facade methods spell out (wire name -> argument).
HAND_WRITTEN: Final[dict[str, dict[str, str]]] = {
    "UserFields": {
        "userId": "user_id",
        "phoneNumber": "phone_number",
        "countryCode": "country_code",
        "traits": "traits",
        "createdAt": "created_at",
    },
    "EventFields": {
        "userId": "user_id",
        "phoneNumber": "phone_number",
        "countryCode": "country_code",
        "event": "event",
        "traits": "traits",
        "createdAt": "created_at",
    },
}

# operationId -> the generated module that builds its request, whether it takes a body, whether
# it needs the API's credentials, and its server (None: the spec's first): the facades' `call()`.
OPERATIONS: Final[dict[str, dict[str, Any]]] = {
    "trackUser": {
        "module": "interakt_client.api.users.track_user",
        "method": "POST",
        "body": True,
        "authenticated": True,
        "server": None,
    },
    "trackEvent": {
        "module": "interakt_client.api.events.track_event",
        "method": "POST",
        "body": True,
        "authenticated": True,
        "server": None,
    },
}
