"""A bounded shutdown counts a message still in flight as `unknown`, never as dropped."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from trackapis.delivery import DeliveryEngine, MessageDropped, MessageUnknown, SendResult


class Held:
    """A sender that answers only once released: its first message stays in flight."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.delivered: list[Any] = []

    def factory(self) -> Held:
        return self

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        self.started.set()
        self.release.wait(10)
        self.delivered.extend(payloads)
        return [SendResult.delivered() for _ in payloads]

    def close(self) -> None:
        pass


def test_in_flight_at_the_bound_is_unknown_and_the_queued_rest_dropped() -> None:
    sender = Held()
    reported: list[tuple[type[Exception], Any]] = []
    engine = DeliveryEngine(
        sender.factory,
        max_in_flight=1,
        on_error=lambda error, payload: reported.append((type(error), payload)),
    )
    for n in range(3):
        engine.submit(n, "one user")
    assert sender.started.wait(5)
    result = engine.shutdown(0.05)
    assert (result.delivered, result.dropped, result.unknown, result.pending) == (0, 2, 1, 0)
    assert reported == [(MessageUnknown, 0), (MessageDropped, 1), (MessageDropped, 2)]
    sender.release.set()  # it did arrive after all: it was never reported as dropped
    assert (engine.stats().dropped, engine.stats().unknown) == (2, 1)
