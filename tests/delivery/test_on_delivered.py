"""The engine's optional `on_delivered` hook (used by the resumable import to checkpoint rows)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from trackapis._retry import RetryPolicy
from trackapis.delivery import DeliveryEngine, SendResult
from trackapis.interakt import InteraktClient, InteraktMessage
from trackapis.testing import InteraktFake

FAST = RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.005)


class _Sender:
    def __init__(self, fail: set[Any]) -> None:
        self.fail = fail

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        return [
            SendResult.fail(ValueError(str(p))) if p in self.fail else SendResult.delivered()
            for p in payloads
        ]

    def close(self) -> None:
        pass


def test_each_delivered_message_reaches_on_delivered_once_and_failures_do_not() -> None:
    delivered: list[Any] = []
    lock = threading.Lock()

    def record(payload: Any) -> None:
        with lock:
            delivered.append(payload)

    engine = DeliveryEngine(
        lambda: _Sender({3, 7}), retry_policy=FAST, on_delivered=record, on_error=lambda e, p: None
    )
    for n in range(50):
        engine.submit(n, key=str(n % 5))

    result = engine.flush(timeout=10)
    engine.shutdown()

    assert result.delivered == 48
    assert sorted(delivered) == [n for n in range(50) if n not in (3, 7)]


def test_flush_returns_after_on_delivered_has_run() -> None:
    seen: list[Any] = []

    def slow(payload: Any) -> None:
        time.sleep(0.05)
        seen.append(payload)

    engine = DeliveryEngine(lambda: _Sender(set()), on_delivered=slow)
    engine.submit("a", key="k")

    assert engine.flush(timeout=10).complete
    assert seen == ["a"]
    engine.shutdown()


def test_an_on_delivered_that_raises_is_logged_and_delivery_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    def broken(payload: Any) -> None:
        raise RuntimeError("boom")

    engine = DeliveryEngine(lambda: _Sender(set()), on_delivered=broken)
    for n in range(3):
        engine.submit(n, key="k")

    assert engine.flush(timeout=10).delivered == 3
    engine.shutdown()
    assert "on_delivered raised" in caplog.text


def test_on_delivered_must_be_callable() -> None:
    with pytest.raises(TypeError, match="on_delivered must be callable"):
        DeliveryEngine(lambda: _Sender(set()), on_delivered="print")  # type: ignore[arg-type]


def test_interakt_client_reports_deliveries_as_messages(interakt_fake: InteraktFake) -> None:
    messages: list[InteraktMessage] = []
    with InteraktClient(
        "test-interakt-key", base_url=interakt_fake.url, on_delivered=messages.append
    ) as client:
        client.event("Signed Up", user_id="1", traits={"n": 1})
        client.flush(timeout=10)

    assert messages == [
        InteraktMessage("/v1/public/track/events/", {"userId": "1", "event": "Signed Up", "traits": {"n": 1}})
    ]
