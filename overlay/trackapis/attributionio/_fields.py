"""Keyword fields of the typed facade, derived from specs/attributionio.yaml by scripts/regenerate.

GENERATED: do not edit. `scripts/regenerate` rewrites this file (see `FACADE_ARGUMENTS` in
scripts/codegen.py); tests/test_facade_coverage.py fails when it is out of date.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

__all__ = ["CHECKS", "HAND_WRITTEN", "OPERATIONS", "WIRE_NAMES", "EventFields", "IdentityFields"]


class IdentityFields(TypedDict, total=False):
    """`Identity` properties taken as `**fields`."""


class EventFields(TypedDict, total=False):
    """`Event` properties taken as `**fields`."""

    is_informational: bool


# TypedDict name -> keyword -> wire name.
WIRE_NAMES: Final[dict[str, dict[str, str]]] = {
    "IdentityFields": {},
    "EventFields": {"is_informational": "is_informational"},
}

# TypedDict name -> keyword -> the JSON Schema keywords checked at the call site.
CHECKS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "IdentityFields": {},
    "EventFields": {"is_informational": {"type": "boolean"}},
}

# TypedDict name -> the schema's properties the facade methods spell out (wire name -> argument).
HAND_WRITTEN: Final[dict[str, dict[str, str]]] = {
    "IdentityFields": {
        "aliases": "attributionio_id",
        "client_id": "client_id",
        "public_key": "api_key",
        "created_at": "(the time of the call)",
        "meta": "user_agent",
    },
    "EventFields": {
        "aliases": "attributionio_id",
        "client_id": "client_id",
        "event_public_key": "event_key",
        "url": "last_url",
        "public_key": "api_key",
        "transaction_id": "(client_id and the time of the call)",
        "created_at": "(the time of the call)",
        "meta": "user_agent",
    },
}

# operationId -> the generated module that builds its request, whether it takes a body, whether
# it needs the API's credentials, and its server (None: the spec's first): the facades' `call()`.
OPERATIONS: Final[dict[str, dict[str, Any]]] = {
    "getCustomer": {
        "module": "attributionio_client.api.customers.get_customer",
        "method": "GET",
        "body": False,
        "authenticated": True,
        "server": "https://attribution.io",
    },
    "triggerIdentity": {
        "module": "attributionio_client.api.public.trigger_identity",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": "https://api.attribution.io",
    },
    "triggerEvent": {
        "module": "attributionio_client.api.public.trigger_event",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": "https://api.attribution.io",
    },
}
