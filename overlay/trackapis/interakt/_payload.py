"""Validate a `user` or `event` call at the call site and build the generated request model."""

from __future__ import annotations

import datetime
import decimal
import math
import numbers
from collections.abc import Mapping
from typing import Any

import attrs

from interakt_client.api.events import track_event
from interakt_client.api.users import track_user
from interakt_client.models import EventByPhone, EventByUserId, Traits, UserByPhone, UserByUserId

from .._encoding import to_json
from ._country_codes import COUNTRY_CALLING_CODES

UserRequest = UserByUserId | UserByPhone
EventRequest = EventByUserId | EventByPhone

USERS_PATH = "/v1/public/track/users/"
EVENTS_PATH = "/v1/public/track/events/"


@attrs.frozen
class InteraktMessage:
    """A queued request as `on_error` receives it: the path and the JSON body."""

    path: str
    body: dict[str, Any]


@attrs.frozen
class Identity:
    user_id: str | None
    phone_number: str | None
    country_code: str | None

    @property
    def lane(self) -> str:
        # Messages of one user are delivered in order; a user named by id and a user named by
        # phone alone are different lanes, because nothing here can tell they are the same.
        return (
            f"id:{self.user_id}"
            if self.user_id is not None
            else f"phone:{self.country_code}{self.phone_number}"
        )


def identity(user_id: Any, phone_number: Any, country_code: Any) -> Identity:
    """Check the user's identifiers: a user id, or a phone number with a country code."""
    uid = _user_id(user_id)
    phone = _phone_number(phone_number)
    code = _country_code(country_code) if phone is not None else None
    if uid is None and phone is None:
        raise ValueError("user_id or phone_number is required: Interakt identifies the user by one of them")
    return Identity(uid, phone, code)


def traits_of(traits: Any) -> Traits:
    if traits is None:
        return Traits()
    if not isinstance(traits, Mapping):
        raise TypeError(
            f"traits must be a mapping (a dict of trait names to values), not {type(traits).__name__}"
        )
    encoded = to_json(traits, argument="traits")
    assert isinstance(encoded, dict)
    return Traits.from_dict(encoded)


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


def user_request(
    *, user_id: Any, phone_number: Any, country_code: Any, traits: Any, created_at: Any
) -> tuple[Identity, UserRequest]:
    who = identity(user_id, phone_number, country_code)
    fields = _fields(who, traits, created_at)
    model: UserRequest = UserByUserId(**fields) if who.user_id is not None else UserByPhone(**fields)
    return who, model


def event_request(
    event: Any, *, user_id: Any, phone_number: Any, country_code: Any, traits: Any, created_at: Any
) -> tuple[Identity, EventRequest]:
    if not isinstance(event, str):
        raise TypeError(f"event must be a string naming the action, not {type(event).__name__}")
    if not event.strip():
        raise ValueError("event must not be empty: name the action, e.g. 'Order Placed'")
    who = identity(user_id, phone_number, country_code)
    fields = _fields(who, traits, created_at)
    model: EventRequest = (
        EventByUserId(event=event, **fields)
        if who.user_id is not None
        else EventByPhone(event=event, **fields)
    )
    return who, model


def request_kwargs(model: UserRequest | EventRequest) -> dict[str, Any]:
    """The httpx request for a model, as the generated client builds it."""
    if isinstance(model, (UserByUserId, UserByPhone)):
        return track_user._get_kwargs(body=model)
    return track_event._get_kwargs(body=model)


def as_message(model: UserRequest | EventRequest) -> InteraktMessage:
    path = USERS_PATH if isinstance(model, (UserByUserId, UserByPhone)) else EVENTS_PATH
    return InteraktMessage(path, model.to_dict())


def _fields(who: Identity, traits: Any, created_at: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"traits": traits_of(traits)}
    if who.user_id is not None:
        fields["user_id"] = who.user_id
    if who.phone_number is not None:
        fields["phone_number"] = who.phone_number
        fields["country_code"] = who.country_code
    moment = created_at_of(created_at)
    if moment is not None:
        fields["created_at"] = moment
    return fields


def _user_id(user_id: Any) -> str | None:
    # The original SDK took any number or string and sent its str(); it also dropped falsy ids,
    # so user_id=0 was refused. Here only None and "" mean "no id".
    if user_id is None or user_id == "":
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, (str, numbers.Number)):
        raise TypeError(f"user_id must be a string or a number, not {type(user_id).__name__}")
    if isinstance(user_id, (float, decimal.Decimal)) and not math.isfinite(user_id):
        raise ValueError(f"user_id must be a finite number, not {user_id!r}")
    return user_id if isinstance(user_id, str) else str(user_id)


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
