"""`max_batch_wait`: a worker waits for a batch to fill (size or interval), never past a shutdown."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from trackapis._retry import RetryPolicy
from trackapis.delivery import DeliveryEngine, SendResult

FAST = RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.005)


class Batches:
    """A sender recording each batch it was handed, and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.batches: list[tuple[float, list[Any]]] = []

    def factory(self) -> Batches:
        return self

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        with self.lock:
            self.batches.append((time.monotonic(), list(payloads)))
        return [SendResult.delivered()] * len(payloads)

    def close(self) -> None:
        pass


def test_a_partial_batch_waits_for_more_and_goes_out_whole() -> None:
    sender = Batches()
    engine = DeliveryEngine(
        sender.factory, max_in_flight=1, max_batch_size=10, max_batch_wait=0.5, retry_policy=FAST
    )
    try:
        engine.submit("k0", "k0")
        time.sleep(0.05)  # inside the wait: nothing has gone out yet
        assert sender.batches == []
        for i in range(1, 10):
            engine.submit(f"k{i}", f"k{i}")
        assert engine.flush(timeout=5).delivered == 10
    finally:
        engine.shutdown(5)
    # Full at 10 lanes: sent on size, well before the interval ran out.
    assert [batch for _, batch in sender.batches] == [[f"k{i}" for i in range(10)]]


def test_a_partial_batch_goes_out_when_the_interval_ends() -> None:
    sender = Batches()
    engine = DeliveryEngine(
        sender.factory, max_in_flight=1, max_batch_size=50, max_batch_wait=0.2, retry_policy=FAST
    )
    try:
        started = time.monotonic()
        engine.submit("a", "a")
        engine.submit("b", "b")
        assert engine.flush(timeout=5).delivered == 2
    finally:
        engine.shutdown(5)
    ((sent_at, batch),) = sender.batches
    assert batch == ["a", "b"]
    assert sent_at - started >= 0.15  # waited for the interval (a lower bound only: no timing target)


def test_without_a_wait_the_first_message_goes_out_alone() -> None:
    gate = threading.Event()

    class Gated(Batches):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            gate.wait(5)
            return super().send(payloads)

    sender = Gated()
    engine = DeliveryEngine(sender.factory, max_in_flight=1, max_batch_size=10, retry_policy=FAST)
    try:
        engine.submit("first", "k0")
        time.sleep(0.05)  # the worker took it at once and is blocked in send
        for i in range(1, 4):
            engine.submit(f"m{i}", f"k{i}")
        gate.set()
        assert engine.flush(timeout=5).delivered == 4
    finally:
        engine.shutdown(5)
    assert [batch for _, batch in sender.batches] == [["first"], ["m1", "m2", "m3"]]


def test_shutdown_sends_a_waiting_batch_without_waiting_out_the_interval() -> None:
    sender = Batches()
    engine = DeliveryEngine(
        sender.factory, max_in_flight=1, max_batch_size=50, max_batch_wait=30, retry_policy=FAST
    )
    engine.submit("a", "a")
    time.sleep(0.05)
    started = time.monotonic()
    result = engine.shutdown(timeout=10)
    assert (result.delivered, result.dropped) == (1, 0)
    # Far below the 30 s interval; the bound is loose on purpose (a shared machine).
    assert time.monotonic() - started < 10
    assert [batch for _, batch in sender.batches] == [["a"]]


def test_one_key_per_batch_still_holds_while_waiting() -> None:
    sender = Batches()
    engine = DeliveryEngine(
        sender.factory, max_in_flight=2, max_batch_size=5, max_batch_wait=0.05, retry_policy=FAST
    )
    try:
        for n in range(20):
            engine.submit(("k", n), "k")
            engine.submit(("j", n), "j")
        assert engine.flush(timeout=10).delivered == 40
    finally:
        engine.shutdown(5)
    for _, batch in sender.batches:
        assert len({key for key, _ in batch}) == len(batch)
    delivered = [payload for _, batch in sorted(sender.batches, key=lambda b: b[0]) for payload in batch]
    assert [n for key, n in delivered if key == "k"] == list(range(20))


@pytest.mark.parametrize("value", [-0.1, float("inf"), float("nan"), "1", True])
def test_a_bad_max_batch_wait_is_refused_naming_it(value: Any) -> None:
    with pytest.raises(ValueError, match="max_batch_wait"):
        DeliveryEngine(Batches().factory, max_batch_wait=value)
