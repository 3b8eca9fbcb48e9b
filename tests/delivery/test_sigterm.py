"""`trackapis.handle_sigterm()` in this process: idempotent, main thread only, chains to the previous one."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest

import trackapis
from trackapis.delivery import DeliveryEngine, SendResult, _signals

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="POSIX signals")


@pytest.fixture(autouse=True)
def restore_sigterm() -> Iterator[None]:
    saved = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, saved)


class Recording:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, payloads: Any) -> list[SendResult]:
        self.sent.extend(payloads)
        return [SendResult.delivered()] * len(payloads)

    def close(self) -> None:
        pass


@pytest.fixture
def sender() -> Recording:
    return Recording()


@pytest.fixture
def engine(sender: Recording) -> Iterator[DeliveryEngine]:
    made = DeliveryEngine(lambda: sender)
    yield made
    made.shutdown(timeout=5)


def _queue_then_sigterm(engine: DeliveryEngine, calls: list[int], count: int) -> None:
    for n in range(count):
        engine.submit(n, f"k{n % 10}")
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(5000):  # the handler runs in this thread at the next check (almost at once)
        if calls:
            return
        time.sleep(0.001)


def test_sigterm_drains_then_calls_the_previous_handler(engine: DeliveryEngine, sender: Recording) -> None:
    calls: list[int] = []

    def previous(signum: int, frame: FrameType | None) -> None:
        calls.append(signum)

    signal.signal(signal.SIGTERM, previous)
    assert trackapis.handle_sigterm() is True
    assert trackapis.handle_sigterm() is True  # idempotent: installed once
    _queue_then_sigterm(engine, calls, 100)
    assert calls == [signal.SIGTERM]
    assert sorted(sender.sent) == list(range(100))
    assert not engine.closed  # a graceful server may keep serving: the engine still accepts
    assert engine.submit("after", "k") is True


def test_outside_the_main_thread_it_warns_and_does_nothing() -> None:
    before = signal.getsignal(signal.SIGTERM)
    outcome: list[bool] = []

    def in_another_thread() -> None:
        thread = threading.Thread(target=lambda: outcome.append(trackapis.handle_sigterm()))
        thread.start()
        thread.join()

    with pytest.warns(RuntimeWarning, match="main thread"):
        in_another_thread()
    assert outcome == [False]
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_ignored_sigterm_stays_ignored_after_the_drain() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    trackapis.handle_sigterm()
    os.kill(os.getpid(), signal.SIGTERM)  # drains (nothing here) and returns: the process lives on
    assert signal.getsignal(signal.SIGTERM) is _signals._on_sigterm


def test_a_sigterm_inside_the_engine_drains_beside_the_program(
    engine: DeliveryEngine, sender: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The main thread was interrupted holding the engine's lock: the drain must not wait for it;
    # the drainer signals again when done, and then the previous handler runs.
    calls: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(signum))
    trackapis.handle_sigterm()
    monkeypatch.setattr(_signals, "_in_engine", lambda frame: True)
    _queue_then_sigterm(engine, calls, 50)
    assert calls == [signal.SIGTERM]
    assert sorted(sender.sent) == list(range(50))
