"""Assertions on what a fake received, with messages that say what differs.

from trackapis.testing import received

client.flush()                                  # background clients: wait for delivery first
seen = received(interakt_fake)
seen.assert_user("42", traits={"plan": "gold"})
seen.assert_events("42", ["Signed Up", "Order Placed"])     # exactly these, in this order
seen.assert_event_once("42", "Order Placed", traits={"orderNumber": "CUS001"})
seen.assert_no_duplicate_events()
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ._app import FakeAPI
from ._interakt import InteraktEvent, InteraktFake, InteraktUser

__tracebackhide__ = True  # pytest shows the caller's line, not these helpers'


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _differences(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, value in expected.items():
        if key not in actual:
            problems.append(f"{key!r} is missing")
        elif actual[key] != value:
            problems.append(f"{key!r} is {_show(actual[key])}, expected {_show(value)}")
    return problems


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
            )
        return found

    def events(self, user_id: str | None = None, *, phone: str | None = None) -> list[InteraktEvent]:
        """The user's events in arrival order."""
        __tracebackhide__ = True
        return list(self.user(user_id, phone=phone).events)

    def assert_user(
        self, user_id: str | None = None, *, phone: str | None = None, traits: Mapping[str, Any] | None = None
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
        expected = list(names)
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
            details.append("same events, different order")
        raise AssertionError(
            f"user {user_id or phone!r} received events {actual}, expected {expected}: {'; '.join(details)}"
        )

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
        traits: Mapping[str, Any] | None = None,
    ) -> InteraktEvent:
        """Exactly one event of the user has this name and (at least) these traits; returns it."""
        __tracebackhide__ = True
        events = self.events(user_id, phone=phone)
        named = [event for event in events if event.event == name]
        matching = [event for event in named if not _differences(traits or {}, event.traits)]
        if len(matching) == 1:
            return matching[0]
        wanted = f"{name!r}" + (f" with traits {_show(dict(traits))}" if traits else "")
        if not matching:
            seen: list[Any] = [(event.event, event.traits) for event in named]
            seen = seen or [event.event for event in events]
            raise AssertionError(f"user {user_id or phone!r} received no event {wanted}; it received: {seen}")
        raise AssertionError(
            f"user {user_id or phone!r} received {len(matching)} events {wanted}, expected exactly one"
        )

    def assert_no_duplicate_events(self) -> None:
        """No user received the same event (name, traits and time) twice."""
        __tracebackhide__ = True
        duplicates = []
        for user in self.fake.users:
            counts = Counter(_show([event.event, event.traits, event.created_at]) for event in user.events)
            duplicates += [f"{user.user_id or user.phone}: {key} x{n}" for key, n in counts.items() if n > 1]
        if duplicates:
            raise AssertionError(f"{len(duplicates)} events arrived more than once: {duplicates[:10]}")

    def assert_nothing_received(self) -> None:
        """The fake received no request at all."""
        __tracebackhide__ = True
        if self.fake.requests:
            shown = [f"{request.method} {request.path}" for request in self.fake.requests[:10]]
            raise AssertionError(f"the Interakt fake received {len(self.fake.requests)} requests: {shown}")


@functools.singledispatch
def received(fake: FakeAPI) -> Any:
    """Assertions on what `fake` received: `InteraktReceived` for an `InteraktFake`.

    Each API registers its view with `received.register(<Fake class>, <view class>)`. For precise
    types under mypy, construct the view directly (`InteraktReceived(fake)`).
    """
    raise TypeError(f"no assertions are registered for {type(fake).__name__}")


received.register(InteraktFake, InteraktReceived)
