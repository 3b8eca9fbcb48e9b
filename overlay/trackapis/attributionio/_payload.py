"""Validate a trigger at the call site and build the generated request models."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Final

import attrs

from attributionio_client.api.public import trigger_event, trigger_identity
from attributionio_client.models import Event, EventRequest, Identity, IdentityRequest, Meta

from .._spec_fields import with_fields
from ._fields import CHECKS, WIRE_NAMES
from ._identity import (
    client_id_of,
    event_time_us,
    new_client_id,
    optional_text,
    required_text,
    transaction_id,
)

# What the original wrapper sends when the caller gives no user agent or URL; kept on the wire.
UNKNOWN_AGENT: Final = "User-Agent unknown"
UNKNOWN_URL: Final = "URL unknown"

IDENTITIES_PATH: Final = "/identities"
EVENTS_PATH: Final = "/events"

TriggerRequest = IdentityRequest | EventRequest


@attrs.frozen
class TriggerMessage:
    """A trigger request as `on_error` receives it: the path and the JSON body."""

    path: str
    body: dict[str, Any]


@attrs.frozen
class Who:
    """The identity a trigger call uses, and whether trackapis generated it."""

    client_id: str
    generated: bool


def who(client_id: Any) -> Who:
    given = client_id_of(client_id)
    return Who(new_client_id(), True) if given is None else Who(given, False)


def alias_of(attributionio_id: Any) -> str:
    return required_text(
        attributionio_id,
        argument="attributionio_id",
        hint="the value of the visitor's AttrioP_<key> cookie",
    )


def identity_request(
    public_key: str,
    attributionio_id: Any,
    client: Who,
    user_agent: Any,
    *,
    created_at: int | None = None,
    fields: Mapping[str, Any] | None = None,
) -> IdentityRequest:
    alias = alias_of(attributionio_id)
    agent = optional_text(user_agent, argument="user_agent", placeholder=UNKNOWN_AGENT)
    identity = Identity(
        aliases=[alias],
        client_id=client.client_id,
        public_key=public_key,
        created_at=int(time.time()) if created_at is None else created_at,
        meta=Meta(agent=agent),
    )
    return IdentityRequest(
        identity=with_fields(identity, fields, WIRE_NAMES, CHECKS, call="trigger_identity")
    )


def event_requests(
    public_key: str,
    attributionio_id: Any,
    event_key: Any,
    client: Who,
    *,
    user_agent: Any,
    last_url: Any,
    fields: Mapping[str, Any] | None = None,
) -> tuple[IdentityRequest, EventRequest]:
    """The identity and the event of one `trigger_event` call: one client id, one moment."""
    alias = alias_of(attributionio_id)
    key = required_text(event_key, argument="event_key", hint="the event's key from the dashboard")
    agent = optional_text(user_agent, argument="user_agent", placeholder=UNKNOWN_AGENT)
    url = optional_text(last_url, argument="last_url", placeholder=UNKNOWN_URL)
    time_us = event_time_us()
    created_at = time_us // 1_000_000
    event = Event(
        aliases=[alias],
        client_id=client.client_id,
        event_public_key=key,
        url=url,
        public_key=public_key,
        transaction_id=transaction_id(client.client_id, time_us),
        is_informational=False,
        created_at=created_at,
        meta=Meta(agent=agent),
    )
    event_request = EventRequest(event=with_fields(event, fields, WIRE_NAMES, CHECKS, call="trigger_event"))
    return identity_request(public_key, alias, client, agent, created_at=created_at), event_request


def request_kwargs(model: TriggerRequest) -> dict[str, Any]:
    """The httpx request for a model, as the generated client builds it."""
    if isinstance(model, IdentityRequest):
        return trigger_identity._get_kwargs(body=model)
    return trigger_event._get_kwargs(body=model)


def as_message(model: TriggerRequest) -> TriggerMessage:
    path = IDENTITIES_PATH if isinstance(model, IdentityRequest) else EVENTS_PATH
    return TriggerMessage(path, model.to_dict())
