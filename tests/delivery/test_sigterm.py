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


class Slow:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, payloads: Any) -> list[SendResult]:
        self.sent.extend(payloads)
        return [SendResult.delivered()] * len(payloads)

    def close(self) -> None:
        pass


def test_sigterm_drains_then_calls_the_previous_handler() -> None:
    calls: list[int] = []

    def previous(signum: int, frame: FrameType | None) -> None:
        calls.append(signum)

    signal.signal(signal.SIGTERM, previous)
    assert trackapis.handle_sigterm() is True
    assert trackapis.handle_sigterm() is True  # idempotent: installed once
    sender = Slow()
    engine = DeliveryEngine(lambda: sender)
    try:
        for n in range(100):
            engine.submit(n, f"k{n % 10}")
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs in this thread at the next check (almost at once)
            if calls:
                break
            time.sleep(0.001)
        assert calls == [signal.SIGTERM]
        assert sorted(sender.sent) == list(range(100))
        assert not engine.closed  # a graceful server may keep serving: the engine still accepts
        assert engine.submit("after", "k") is True
    finally:
        engine.shutdown(timeout=5)


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
