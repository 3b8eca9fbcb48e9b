"""Validate a `user` or `event` call at the call site and build the request's JSON body."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from .._encoding import id_text, is_flat_json, text, to_json, utc_text
from .._spec_fields import wire_fields
from ._country_codes import COUNTRY_CALLING_CODES
from ._fields import CHECKS, WIRE_NAMES

USERS_PATH = "/v1/public/track/users/"
EVENTS_PATH = "/v1/public/track/events/"


@attrs.define  # not frozen: a frozen class costs twice as much to make, on every call
class InteraktMessage:
    """A request as it was queued, and as `on_error` receives it: the path and the JSON body."""

    path: str
    body: dict[str, Any]


def identify(user_id: Any, phone_number: Any, country_code: Any) -> tuple[str, dict[str, Any]]:
    """Check the user's identifiers (a user id, or a phone number with a country code).

    Returns the user's delivery lane and the body's identifying fields. Messages of one user are
    delivered in order; a user named by id and a user named by phone alone are different lanes,
    because nothing here can tell they are the same.
    """
    uid = user_id if type(user_id) is str and user_id.isascii() and user_id else _user_id(user_id)
    phone = None if phone_number is None else _phone_number(phone_number)
    if phone is not None:
        code = _country_code(country_code)
        body = {"phoneNumber": phone, "countryCode": code}
        if uid is None:
            return f"phone:{code}{phone}", body
        body["userId"] = uid
        return f"id:{uid}", body
    if uid is None:
        raise ValueError("user_id or phone_number is required: Interakt identifies the user by one of them")
    return f"id:{uid}", {"userId": uid}


def traits_of(traits: Any) -> dict[str, Any]:
    if type(traits) is dict and is_flat_json(traits):
        return dict(traits)  # the common call, without to_json's frame: this is the caller's hot path
    if traits is None:
        return {}
    if type(traits) is not dict and not isinstance(traits, Mapping):
        raise TypeError(
            f"traits must be a mapping (a dict of trait names to values), not {type(traits).__name__}"
        )
    encoded = to_json(traits, argument="traits")
    assert isinstance(encoded, dict)
    return encoded


def created_at_of(created_at: Any) -> datetime.datetime | None:
    if created_at is None:
        return None
    if isinstance(created_at, str):
        try:
            moment = datetime.datetime.fromisoformat(created_at)
        except ValueError:
            raise ValueError(f"created_at must be an ISO-8601 date and time, not {created_at!r}") from None
    elif isinstance(created_at, datetime.datetime):
        moment = created_at
    else:
        kind = type(created_at).__name__
        raise TypeError(f"created_at must be a datetime or an ISO-8601 string, not {kind}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"created_at must be timezone-aware (e.g. tzinfo=UTC, or 'Z'), not {created_at!r}")
    return moment


def user_message(
    *,
    user_id: Any,
    phone_number: Any,
    country_code: Any,
    traits: Any,
    created_at: Any,
    fields: Mapping[str, Any] | None = None,
) -> tuple[str, InteraktMessage]:
    """The lane and the request for a `user` call, or a `TypeError`/`ValueError` naming the argument.

    `fields`: the spec's other `UserFields` properties, by their keyword names (see `_fields`).
    """
    lane, body = identify(user_id, phone_number, country_code)
    body["traits"] = traits_of(traits)
    if created_at is not None:
        body["createdAt"] = _created_text(created_at)
    if fields:
        body.update(wire_fields(fields, WIRE_NAMES["UserFields"], CHECKS["UserFields"], call="user"))
    return lane, InteraktMessage(USERS_PATH, body)


def event_message(
    event: Any,
    *,
    user_id: Any,
    phone_number: Any,
    country_code: Any,
    traits: Any,
    created_at: Any,
    fields: Mapping[str, Any] | None = None,
) -> tuple[str, InteraktMessage]:
    """The lane and the request for an `event` call, or a `TypeError`/`ValueError` naming the argument.

    `fields`: the spec's other `EventFields` properties, by their keyword names (see `_fields`).
    """
    if (  # the common call, checked and built in one frame: this is the caller's hot path
        type(event) is str
        and type(user_id) is str
        and phone_number is None
        and created_at is None
        and not fields
        and type(traits) is dict
        and event.isascii()
        and user_id.isascii()
        and user_id
        and event
        and not event.isspace()
        and is_flat_json(traits)
    ):
        return f"id:{user_id}", InteraktMessage(
            EVENTS_PATH, {"userId": user_id, "event": event, "traits": dict(traits)}
        )
    if type(event) is not str and not isinstance(event, str):
        raise TypeError(f"event must be a string naming the action, not {type(event).__name__}")
    if not event or event.isspace():
        raise ValueError("event must not be empty: name the action, e.g. 'Order Placed'")
    lane, body = identify(user_id, phone_number, country_code)
    body["event"] = event if type(event) is str and event.isascii() else text(str.__str__(event), "event")
    body["traits"] = traits_of(traits)
    if created_at is not None:
        body["createdAt"] = _created_text(created_at)
    if fields:
        body.update(wire_fields(fields, WIRE_NAMES["EventFields"], CHECKS["EventFields"], call="event"))
    return lane, InteraktMessage(EVENTS_PATH, body)


# The builders write the body as the generated models' `to_dict()` does (tests/interakt/
# test_payload.py holds the two to each other), directly and inline: the call site stays cheap
# and import-light.


def _created_text(created_at: Any) -> str:
    moment = created_at_of(created_at)
    assert moment is not None
    return utc_text(moment, "created_at")


def _user_id(user_id: Any) -> str | None:
    # The original SDK took any number or string and sent its str() (a float as "1.0", a complex
    # as "(1+2j)"); it also dropped falsy ids, so user_id=0 was refused. Here an id is a string or
    # an int, and only None and "" mean "no id".
    if user_id is None or (type(user_id) is str and not user_id):
        return None
    return id_text(user_id, argument="user_id") or None


def _phone_number(phone_number: Any) -> str | None:
    if phone_number is None or phone_number == "":
        return None
    if not isinstance(phone_number, str):
        kind = type(phone_number).__name__
        raise TypeError(f"phone_number must be a string of digits (leading zeros matter), not {kind}")
    if not (phone_number.isascii() and phone_number.isdigit()):
        raise ValueError(
            f"phone_number must contain digits only, without the country code, not {phone_number!r}"
        )
    return phone_number


def _country_code(country_code: Any) -> str:
    if not isinstance(country_code, str):
        raise TypeError(f"country_code must be a string such as '+91', not {type(country_code).__name__}")
    digits = country_code[1:] if country_code.startswith("+") else country_code
    if not (digits.isascii() and digits.isdigit() and 1 <= len(digits) <= 4):
        raise ValueError(f"country_code must look like '+91', not {country_code!r}")
    if int(digits) not in COUNTRY_CALLING_CODES:
        raise ValueError(f"country_code {country_code!r} is not a country calling code in use")
    return country_code
