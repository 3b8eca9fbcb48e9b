"""Assertions on what a fake received, with messages that say what differs.

from trackapis.testing import received

client.flush()                                  # background clients: wait for delivery first
seen = received(interakt_fake)
seen.assert_user("42", traits={"plan": "gold"})
seen.assert_events("42", ["Signed Up", "Order Placed"])     # exactly these, in this order
seen.assert_event_once("42", "Order Placed", traits={"orderNumber": "CUS001"})
seen.assert_no_duplicate_events()

received(seven_segments_fake).assert_events("john123", ["view", "purchase"])
received(attributionio_fake).assert_identified("john@example.com", alias="<cookie value>")
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar, overload

from ._app import FakeAPI
from ._attributionio import AttributionEvent, AttributionFake, AttributionIdentity
from ._interakt import InteraktEvent, InteraktFake, InteraktUser
from ._seven_segments import SevenSegmentsCustomer, SevenSegmentsEvent, SevenSegmentsFake

__tracebackhide__ = True  # pytest shows the caller's line, not these helpers'

E = TypeVar("E")


def _show(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _differences(expected: Mapping[str, object], actual: Mapping[str, object]) -> list[str]:
    problems = []
    for key, value in expected.items():
        if key not in actual:
            problems.append(f"{key!r} is missing")
        elif actual[key] != value:
            problems.append(f"{key!r} is {_show(actual[key])}, expected {_show(value)}")
    return problems


def _exact_sequence(who: str, what: str, actual: list[str], expected: list[str]) -> None:
    if actual == expected:
        return
    missing = list((Counter(expected) - Counter(actual)).elements())
    extra = list((Counter(actual) - Counter(expected)).elements())
    details = []
    if missing:
        details.append(f"missing {missing}")
    if extra:
        details.append(f"unexpected or repeated {extra}")
    if not details:
        details.append(f"same {what}, different order")
    raise AssertionError(f"{who} received {what} {actual}, expected {expected}: {'; '.join(details)}")


def _event_once(
    who: str,
    events: Sequence[E],
    name: str,
    of: Callable[[E], tuple[str, Mapping[str, object]]],
    **wanted_values: Mapping[str, object] | None,
) -> E:
    """The one event of `events` with this name and (at least) the values given by the name of
    the object that holds them (`traits=`); `of` reads an event's name and that object."""
    ((free_form, values),) = wanted_values.items()
    named = [event for event in events if of(event)[0] == name]
    matching = [event for event in named if not _differences(values or {}, of(event)[1])]
    if len(matching) == 1:
        return matching[0]
    wanted = f"{name!r}" + (f" with {free_form} {_show(dict(values))}" if values else "")
    if not matching:
        seen: list[object] = [of(event) for event in named]
        seen = seen or [of(event)[0] for event in events]
        raise AssertionError(f"{who} received no event {wanted}; it received: {seen}")
    raise AssertionError(f"{who} received {len(matching)} events {wanted}, expected exactly one")


def _no_duplicates(keys: Iterable[tuple[str, Iterable[str]]]) -> None:
    """No key arrived twice for its owner (a prefix of the message, `"42: "`, or none)."""
    duplicates = [f"{owner}{key} x{n}" for owner, owned in keys for key, n in Counter(owned).items() if n > 1]
    if duplicates:
        raise AssertionError(f"{len(duplicates)} events arrived more than once: {duplicates[:10]}")


def refused(fake: FakeAPI) -> str:
    """What the fake refused, and why (the last few): where a missing record usually comes from."""
    refusals = [
        f"{request.method} {request.path} -> {request.status}: {request.refusal}"
        for request in fake.requests
        if request.status is not None and request.status >= 400
    ]
    if not refusals:
        return ""
    return f"; it refused {len(refusals)} requests, the last: {refusals[-5:]}"


def _requests_shown(api: str, fake: FakeAPI) -> None:
    if fake.requests:
        shown = [f"{request.method} {request.path}" for request in fake.requests[:10]]
        raise AssertionError(f"the {api} fake received {len(fake.requests)} requests: {shown}")


class InteraktReceived:
    """What an `InteraktFake` received, with assertions. A user is named by id, or `phone=`."""

    def __init__(self, fake: InteraktFake) -> None:
        self.fake = fake

    def user(self, user_id: str | None = None, *, phone: str | None = None) -> InteraktUser:
        """The stored user; fails the test when the fake never heard of it."""
        __tracebackhide__ = True
        if (user_id is None) == (phone is None):
            raise TypeError("name the user by user_id or by phone=, not both or neither")
        found = self.fake.user(user_id, phone=phone)
        if found is None:
            known = [user.user_id or user.phone for user in self.fake.users]
            who = f"user {user_id!r}" if user_id is not None else f"the user with phone {phone!r}"
            raise AssertionError(
                f"the Interakt fake received nothing for {who}; users it knows: {known[:20]}"
                + refused(self.fake)
            )
        return found

    def events(self, user_id: str | None = None, *, phone: str | None = None) -> list[InteraktEvent]:
        """The user's events in arrival order."""
        __tracebackhide__ = True
        return list(self.user(user_id, phone=phone).events)

    def assert_user(
        self,
        user_id: str | None = None,
        *,
        phone: str | None = None,
        traits: Mapping[str, object] | None = None,
    ) -> None:
        """The user exists and has (at least) these trait values."""
        __tracebackhide__ = True
        stored = self.user(user_id, phone=phone)
        problems = _differences(traits or {}, stored.traits)
        if problems:
            who, stored_traits = user_id or phone, _show(stored.traits)
            raise AssertionError(
                f"user {who!r}'s traits differ: {'; '.join(problems)} (stored: {stored_traits})"
            )

    def assert_events(
        self, user_id: str | None = None, names: Sequence[str] = (), *, phone: str | None = None
    ) -> None:
        """The user received exactly these events, in this order (no more, none twice)."""
        __tracebackhide__ = True
        actual = [event.event for event in self.events(user_id, phone=phone)]
        _exact_sequence(f"user {user_id or phone!r}", "events", actual, list(names))

    def assert_in_order(
        self, user_id: str | None = None, names: Sequence[str] = (), *, phone: str | None = None
    ) -> None:
        """These events arrived in this relative order (others may come between them)."""
        __tracebackhide__ = True
        actual = [event.event for event in self.events(user_id, phone=phone)]
        position = 0
        for name in names:
            try:
                position = actual.index(name, position) + 1
            except ValueError:
                raise AssertionError(
                    f"user {user_id or phone!r} received events {actual}: {name!r} does not come after "
                    f"the ones before it in {list(names)}"
                ) from None

    def assert_event_once(
        self,
        user_id: str | None = None,
        name: str = "",
        *,
        phone: str | None = None,
        traits: Mapping[str, object] | None = None,
    ) -> InteraktEvent:
        """Exactly one event of the user has this name and (at least) these traits; returns it."""
        __tracebackhide__ = True
        events = self.events(user_id, phone=phone)
        who = f"user {user_id or phone!r}"
        return _event_once(who, events, name, lambda event: (event.event, event.traits), traits=traits)

    def assert_no_duplicate_events(self) -> None:
        """No user received the same event (name, traits and time) twice."""
        __tracebackhide__ = True
        _no_duplicates(
            (
                f"{user.user_id or user.phone}: ",
                (_show([e.event, e.traits, e.created_at]) for e in user.events),
            )
            for user in self.fake.users
        )

    def assert_nothing_received(self) -> None:
        """The fake received no request at all."""
        __tracebackhide__ = True
        _requests_shown("Interakt", self.fake)


class SevenSegmentsReceived:
    """What a `SevenSegmentsFake` received, with assertions.

    A customer is named by its registered id (`"john123"`), or by ids as keywords
    (`cookie="..."`); `company=` limits the search to one company token.
    """

    def __init__(self, fake: SevenSegmentsFake) -> None:
        self.fake = fake

    def customer(
        self, registered: str | None = None, *, company: str | None = None, **ids: str
    ) -> SevenSegmentsCustomer:
        """The stored customer; fails the test when the fake never heard of it."""
        __tracebackhide__ = True
        if registered is not None:
            ids["registered"] = registered
        if not ids:
            raise TypeError("name the customer by its registered id, or by ids such as cookie='...'")
        for customer in self.fake.customers:
            if (company is None or customer.company_id == company) and any(
                customer.ids.get(kind) == value for kind, value in ids.items()
            ):
                return customer
        known = [customer.ids for customer in self.fake.customers]
        raise AssertionError(
            f"the 7SEGMENTS fake received nothing for customer {ids}; it knows: {known[:20]}"
            + refused(self.fake)
        )

    def events(self, registered: str | None = None, **ids: str) -> list[SevenSegmentsEvent]:
        """The customer's events in arrival order."""
        __tracebackhide__ = True
        return list(self.customer(registered, **ids).events)

    def assert_customer(
        self, registered: str | None = None, *, properties: Mapping[str, object] | None = None, **ids: str
    ) -> None:
        """The customer exists and has (at least) these property values."""
        __tracebackhide__ = True
        stored = self.customer(registered, **ids)
        problems = _differences(properties or {}, stored.properties)
        if problems:
            raise AssertionError(
                f"customer {stored.ids}'s properties differ: {'; '.join(problems)} "
                f"(stored: {_show(stored.properties)})"
            )

    def assert_events(self, registered: str | None = None, types: Sequence[str] = (), **ids: str) -> None:
        """The customer received exactly these event types, in this order (no more, none twice)."""
        __tracebackhide__ = True
        stored = self.customer(registered, **ids)
        _exact_sequence(f"customer {stored.ids}", "events", [e.type for e in stored.events], list(types))

    def assert_event_once(
        self,
        registered: str | None = None,
        type: str = "",
        *,
        properties: Mapping[str, object] | None = None,
        **ids: str,
    ) -> SevenSegmentsEvent:
        """Exactly one event of the customer has this type and (at least) these properties; returns it."""
        __tracebackhide__ = True
        stored = self.customer(registered, **ids)
        who, events = f"customer {stored.ids}", stored.events
        return _event_once(who, events, type, lambda e: (e.type, e.properties), properties=properties)

    def assert_no_duplicate_events(self) -> None:
        """No customer received the same event (type, properties and timestamp) twice."""
        __tracebackhide__ = True
        _no_duplicates(
            (f"{customer.ids}: ", (_show([e.type, e.properties, e.timestamp]) for e in customer.events))
            for customer in self.fake.customers
        )

    def assert_nothing_received(self) -> None:
        """The fake received no request at all."""
        __tracebackhide__ = True
        _requests_shown("7SEGMENTS", self.fake)


class AttributionReceived:
    """What an `AttributionFake` received, with assertions; a customer is named by client id."""

    def __init__(self, fake: AttributionFake) -> None:
        self.fake = fake

    def identities(self, client_id: str) -> list[AttributionIdentity]:
        """The identities sent with this client id (those sent along with events included)."""
        return [identity for identity in self.fake.identities if identity.client_id == client_id]

    def events(self, client_id: str) -> list[AttributionEvent]:
        """The events sent with this client id, in arrival order."""
        return [event for event in self.fake.events if event.client_id == client_id]

    def assert_identified(self, client_id: str, *, alias: str | None = None) -> None:
        """An identity with this client id arrived (linking this visitor's cookie value, if given)."""
        __tracebackhide__ = True
        found = self.identities(client_id)
        if not found:
            known = sorted({identity.client_id for identity in self.fake.identities})
            raise AssertionError(
                f"the Attribution.io fake received no identity for client id {client_id!r}; "
                f"client ids it knows: {known[:20]}" + refused(self.fake)
            )
        aliases = sorted({a for identity in found for a in identity.aliases})
        if alias is not None and alias not in aliases:
            raise AssertionError(f"client id {client_id!r} is linked to {aliases}, not to {alias!r}")

    def assert_events(self, client_id: str, event_keys: Sequence[str]) -> None:
        """The client id received exactly these events (by key), in this order."""
        __tracebackhide__ = True
        actual = [event.event_key for event in self.events(client_id)]
        _exact_sequence(f"client id {client_id!r}", "events", actual, list(event_keys))

    def assert_event_once(self, client_id: str, event_key: str) -> AttributionEvent:
        """Exactly one event of the client id has this key; returns it."""
        __tracebackhide__ = True
        events = self.events(client_id)
        matching = [event for event in events if event.event_key == event_key]
        if len(matching) == 1:
            return matching[0]
        raise AssertionError(
            f"client id {client_id!r} received {len(matching)} events {event_key!r}, expected exactly one "
            f"(its events: {[event.event_key for event in events]})"
        )

    def assert_no_duplicate_events(self) -> None:
        """No event (by its transaction id, unique per call) arrived twice."""
        __tracebackhide__ = True
        _no_duplicates([("", (event.transaction_id for event in self.fake.events))])

    def assert_nothing_received(self) -> None:
        """The fake received no request at all."""
        __tracebackhide__ = True
        _requests_shown("Attribution.io", self.fake)


@overload
def received(fake: InteraktFake) -> InteraktReceived: ...
@overload
def received(fake: SevenSegmentsFake) -> SevenSegmentsReceived: ...
@overload
def received(fake: AttributionFake) -> AttributionReceived: ...
def received(fake: FakeAPI) -> InteraktReceived | SevenSegmentsReceived | AttributionReceived:
    """Assertions on what `fake` received: `InteraktReceived`, `SevenSegmentsReceived` or
    `AttributionReceived`, typed per fake (a typo in an assertion's name fails type checking)."""
    if isinstance(fake, InteraktFake):
        return InteraktReceived(fake)
    if isinstance(fake, SevenSegmentsFake):
        return SevenSegmentsReceived(fake)
    if isinstance(fake, AttributionFake):
        return AttributionReceived(fake)
    raise TypeError(f"no assertions are registered for {type(fake).__name__}")
