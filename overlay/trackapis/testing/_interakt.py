"""A fake Interakt Track API: users with their traits, and each user's events."""

from __future__ import annotations

import base64
import binascii
import os
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from ._app import Call, FakeAPI, Reply, handler_body
from ._credentials import TEST_CREDENTIALS
from ._json import JsonObject, JsonValue
from ._semantics import basic_credentials


@attrs.define
class InteraktEvent:
    """An event as the fake stored it. `created_at` is the string the client sent, if any."""

    event: str
    traits: dict[str, JsonValue]
    created_at: str | None
    id: str


@attrs.define
class InteraktUser:
    """A user as the fake stored it: the identifiers seen so far, the merged traits, the events."""

    user_id: str | None
    country_code: str | None
    phone_number: str | None
    traits: dict[str, JsonValue] = attrs.field(factory=dict)
    events: list[InteraktEvent] = attrs.field(factory=list)

    @property
    def phone(self) -> str | None:
        if self.phone_number is None or self.country_code is None:
            return None
        return f"{self.country_code}{self.phone_number}"


def _phone(body: dict[str, Any]) -> str | None:
    if "phoneNumber" in body and "countryCode" in body:
        return f"{body['countryCode']}{body['phoneNumber']}"
    return None


class InteraktFake(FakeAPI):
    """The Interakt Track API on loopback.

    Users are found by `userId`, else by country code + phone number, and created when new
    (what the real service does for an unknown user on the events endpoint is undocumented; the
    fake creates it). Traits are merged, later values replacing earlier ones; events are kept in
    the order they arrived.

    Args:
        api_key: The key Basic auth must carry as username, with an empty password.
        spec: An OpenAPI document of your own instead of the packaged one (see `FakeAPI`).
    """

    api = "interakt"

    def __init__(
        self,
        api_key: str = TEST_CREDENTIALS["interakt"]["api_key"],
        *,
        spec: str | os.PathLike[str] | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("api_key must be a non-empty string")
        super().__init__(spec=spec)
        self._api_key = api_key
        self._users: list[InteraktUser] = []
        # Users by ("id", userId) / ("phone", "+91..."): every user that ever had that identifier,
        # checked against its current one on lookup, so a find costs O(1) and not O(users)
        # (a fake that has seen 10,000 users would otherwise spend milliseconds per request).
        self._index: dict[tuple[str, Any], list[InteraktUser]] = {}
        self._created: dict[int, int] = {}  # id(user) -> creation order: the first match wins

    def __repr__(self) -> str:
        return f"<InteraktFake users={len(self._users)} requests={len(self.requests)}>"

    # -- inspection ----------------------------------------------------------------------------

    @property
    def users(self) -> list[InteraktUser]:
        """Every user, in the order they were first seen."""
        with self.lock:
            return list(self._users)

    def user(self, user_id: str | None = None, *, phone: str | None = None) -> InteraktUser | None:
        """The user with this `user_id`, or this full phone number (`+919999999999`)."""
        with self.lock:
            found = []
            if user_id is not None:
                found += [user for user in self._candidates("id", user_id) if user.user_id == user_id]
            if phone is not None:
                found += [user for user in self._candidates("phone", phone) if user.phone == phone]
            return min(found, key=lambda user: self._created[id(user)], default=None)

    def _candidates(self, kind: str, key: Any) -> list[InteraktUser]:
        try:
            return self._index.get((kind, key), [])
        except TypeError:  # an unhashable identifier (validation off): look at every user
            return self._users

    def _remember(self, user: InteraktUser) -> None:
        for key in (("id", user.user_id), ("phone", user.phone)):
            if key[1] is None:
                continue
            try:
                users = self._index.setdefault(key, [])
            except TypeError:
                continue  # unhashable: found by the full scan in _candidates
            if all(known is not user for known in users):  # attrs compares by value
                users.append(user)

    @property
    def events(self) -> list[tuple[InteraktUser, InteraktEvent]]:
        """Every event with its user, per user in arrival order."""
        with self.lock:
            return [(user, event) for user in self._users for event in user.events]

    # -- the API -------------------------------------------------------------------------------

    def error_body(self, status: int, message: str) -> JsonObject:
        return {"result": False, "message": message}

    def check_credentials(self, call: Call) -> Reply | None:
        given = call.headers.get("authorization", "")
        if basic_credentials(given) == (self._api_key, ""):  # the scheme in any case
            return None
        return self.error(401, self._why_unauthorized(given))

    def reset_state(self) -> None:
        self._users.clear()
        self._index.clear()
        self._created.clear()

    def credentials(self) -> Mapping[str, str]:
        return {"api_key": self._api_key}

    def seed(self, data: Mapping[str, object]) -> None:
        """`{"users": [{"userId": ..., "countryCode": ..., "phoneNumber": ..., "traits": {...}}]}`:
        users the fake knows before any request, as if tracked."""
        unknown = set(data) - {"users"}
        if unknown:
            raise ValueError(f"the interakt fake seeds users, not {', '.join(sorted(unknown))}")
        users = data.get("users", [])
        if not isinstance(users, list) or not all(isinstance(user, dict) for user in users):
            raise ValueError("users must be a list of objects")
        for user in users:
            if not isinstance(user.get("userId"), str) and _phone(user) is None:
                raise ValueError("each user needs a userId, or a countryCode and a phoneNumber")
            traits = user.get("traits") or {}
            if not isinstance(traits, dict):
                raise ValueError("traits must be an object")
        with self.lock:
            for user in users:
                self._find_or_create(user).traits.update(user.get("traits") or {})

    def op_trackUser(self, call: Call) -> Reply:
        user = self._find_or_create(handler_body(call))
        user.traits.update(handler_body(call).get("traits") or {})
        return Reply(202, {"result": True, "message": "User data queued successfully"})

    def op_trackEvent(self, call: Call) -> Reply:
        body = handler_body(call)
        user = self._find_or_create(body)
        event_id = str(uuid.uuid4())
        user.events.append(
            InteraktEvent(body["event"], dict(body.get("traits") or {}), body.get("createdAt"), event_id)
        )
        return Reply(201, {"result": True, "message": "Event created successfully", "id": event_id})

    def _find_or_create(self, body: dict[str, Any]) -> InteraktUser:
        user_id, phone = body.get("userId"), _phone(body)
        user = self.user(user_id) if user_id is not None else None
        if user is None and phone is not None:
            user = self.user(phone=phone)
        if user is None:
            user = InteraktUser(user_id, body.get("countryCode"), body.get("phoneNumber"))
            self._created[id(user)] = len(self._created)
            self._users.append(user)
        if user.user_id is None and user_id is not None:
            user.user_id = user_id
        if phone is not None:
            user.country_code, user.phone_number = body["countryCode"], body["phoneNumber"]
        self._remember(user)
        return user

    @staticmethod
    def _why_unauthorized(given: str) -> str:
        # Say what is wrong without echoing the credential.
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "basic" or not token:
            return "Basic authentication with the API key is required"
        try:
            username, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "the Basic credential is not valid base64"
        if password:
            return "the password must be empty: the API key is the username"
        return "unknown API key" if username else "the API key is empty"
