"""A fake Attribution.io: the public identity/event endpoints and the private customer API."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import attrs

from ._app import Call, FakeAPI, Reply, handler_body
from ._credentials import TEST_CREDENTIALS
from ._json import JsonObject, JsonValue

_LISTS = ("pageviews", "touchpoints", "events", "identities")


@attrs.define
class AttributionIdentity:
    """An identity as the fake stored it."""

    client_id: str
    aliases: list[str]
    created_at: int
    agent: str


@attrs.define
class AttributionEvent:
    """An event as the fake stored it."""

    client_id: str
    aliases: list[str]
    event_key: str
    url: str
    transaction_id: str
    is_informational: bool
    created_at: int
    agent: str


class AttributionFake(FakeAPI):
    """Attribution.io on loopback, both hosts in one app (their paths do not overlap).

    A customer exists once an identity or an event named its `client_id`. Pageviews and
    touchpoints come from the browser snippet in reality; tests add them with `add_pageview` and
    `add_touchpoint`.

    Args:
        public_key: The account's public key (body of public calls, path of private ones).
        secret: The API secret the private API expects in the `secret` query parameter.
        disabled: Answer the private API with 403, as for a disabled account.
        spec: An OpenAPI document of your own instead of the packaged one (see `FakeAPI`).
    """

    api = "attributionio"

    def __init__(
        self,
        public_key: str = TEST_CREDENTIALS["attributionio"]["public_key"],
        secret: str = TEST_CREDENTIALS["attributionio"]["secret"],
        *,
        disabled: bool = False,
        spec: str | os.PathLike[str] | None = None,
    ) -> None:
        if not public_key:
            raise ValueError("public_key must be a non-empty string")
        if not secret:
            raise ValueError("secret must be a non-empty string")
        super().__init__(spec=spec)
        self.public_key = public_key
        self._secret = secret
        self.disabled = disabled
        self._identities: list[AttributionIdentity] = []
        self._events: list[AttributionEvent] = []
        self._pageviews: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self._touchpoints: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)

    def __repr__(self) -> str:
        return f"<AttributionFake identities={len(self._identities)} events={len(self._events)}>"

    # -- configuration and inspection ----------------------------------------------------------

    @property
    def identities(self) -> list[AttributionIdentity]:
        with self.lock:
            return list(self._identities)

    @property
    def events(self) -> list[AttributionEvent]:
        with self.lock:
            return list(self._events)

    def add_pageview(self, client_id: str, pageview: Mapping[str, JsonValue]) -> None:
        with self.lock:
            self._pageviews[client_id].append(dict(pageview))

    def add_touchpoint(self, client_id: str, touchpoint: Mapping[str, JsonValue]) -> None:
        with self.lock:
            self._touchpoints[client_id].append(dict(touchpoint))

    # -- the API ---------------------------------------------------------------------------------

    def error_body(self, status: int, message: str) -> JsonObject:
        return {"message": message}

    def check_credentials(self, call: Call) -> Reply | None:
        # The private API names the account in the path; the public one in the body's envelope.
        if "public_key" in call.path_params:
            if (
                call.path_params["public_key"] != self.public_key
                or call.raw_query.get("secret") != self._secret
            ):
                return self.error(401, "wrong public key or secret")
            if self.disabled:
                return self.error(403, "the account is disabled")
            return None
        body = call.body if isinstance(call.body, dict) else {}
        envelope = body.get("identity") or body.get("event")
        public = call.operation_id in ("triggerIdentity", "triggerEvent") or isinstance(envelope, dict)
        if public and (not isinstance(envelope, dict) or envelope.get("public_key") != self.public_key):
            return self.error(401, "unknown public_key")
        return None

    def credentials(self) -> Mapping[str, str]:
        return {"public_key": self.public_key, "secret": self._secret}

    def seed(self, data: Mapping[str, object]) -> None:
        """`{"customers": [{"client_id": ..., "aliases": [...], "created_at": <unix seconds>,
        "pageviews": [{...}], "touchpoints": [{...}]}]}`: customers `getCustomer` finds, each as
        one identity (agent `seed`) plus its pageviews and touchpoints."""
        unknown = set(data) - {"customers"}
        if unknown:
            raise ValueError(f"the attributionio fake seeds customers, not {', '.join(sorted(unknown))}")
        customers = data.get("customers", [])
        if not isinstance(customers, list) or not all(isinstance(c, dict) for c in customers):
            raise ValueError("customers must be a list of objects")
        for customer in customers:
            if not isinstance(customer.get("client_id"), str) or not customer["client_id"]:
                raise ValueError("each customer needs a client_id (a non-empty string)")
            aliases = customer.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise ValueError("aliases must be a list of strings")
            created_at = customer.get("created_at", 0)
            if isinstance(created_at, bool) or not isinstance(created_at, int):
                raise ValueError("created_at must be an integer (unix seconds)")
            for name in ("pageviews", "touchpoints"):
                items = customer.get(name, [])
                if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                    raise ValueError(f"{name} must be a list of objects")
        with self.lock:
            for customer in customers:
                client_id = customer["client_id"]
                self._identities.append(
                    AttributionIdentity(
                        client_id, list(customer.get("aliases", [])), customer.get("created_at", 0), "seed"
                    )
                )
                for pageview in customer.get("pageviews", []):
                    self._pageviews[client_id].append(dict(pageview))
                for touchpoint in customer.get("touchpoints", []):
                    self._touchpoints[client_id].append(dict(touchpoint))

    def reset_state(self) -> None:
        self._identities.clear()
        self._events.clear()
        self._pageviews.clear()
        self._touchpoints.clear()

    def op_triggerIdentity(self, call: Call) -> Reply:
        identity = handler_body(call)["identity"]
        self._identities.append(
            AttributionIdentity(
                identity["client_id"],
                list(identity["aliases"]),
                identity["created_at"],
                identity["meta"]["agent"],
            )
        )
        return Reply(200, {"status": "ok"})

    def op_triggerEvent(self, call: Call) -> Reply:
        event = handler_body(call)["event"]
        self._events.append(
            AttributionEvent(
                client_id=event["client_id"],
                aliases=list(event["aliases"]),
                event_key=event["event_public_key"],
                url=event["url"],
                transaction_id=event["transaction_id"],
                is_informational=event["is_informational"],
                created_at=event["created_at"],
                agent=event["meta"]["agent"],
            )
        )
        return Reply(200, {"status": "ok"})

    def op_getCustomer(self, call: Call) -> Reply:
        client_id = call.path_params["client_id"]
        identities = [i for i in self._identities if i.client_id == client_id]
        events = [e for e in self._events if e.client_id == client_id]
        if not identities and not events:
            return self.error(404, "no such customer")
        records: list[AttributionIdentity | AttributionEvent] = [*identities, *events]
        aliases = sorted({alias for record in records for alias in record.aliases})
        customer: dict[str, Any] = {
            "client_id": client_id,
            "aliases": aliases,
            "created_at": min(record.created_at for record in records),
        }
        lists = {
            "pageviews": list(self._pageviews.get(client_id, [])),
            "touchpoints": list(self._touchpoints.get(client_id, [])),
            "events": [attrs.asdict(e) for e in events],
            "identities": [attrs.asdict(i) for i in identities],
        }
        for name in _LISTS:
            if call.query.get("show_all") or call.query.get(f"show_{name}"):
                customer[name] = lists[name]
        return Reply(200, {"customer": customer})
