"""The delivery engine with in-memory senders: outcomes, order, retries, limits, lifecycle."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from trackapis import APIError, TrackapisError, TransportError
from trackapis._retry import RetryPolicy
from trackapis.delivery import (
    DeliveryEngine,
    EngineClosed,
    MessageDropped,
    MessageFailed,
    SendResult,
)

FAST = RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.005)


class Recorder:
    """A sender whose answers come from `decide(payload, attempt)`; records what arrived, in order."""

    def __init__(self, decide: Callable[[Any, int], SendResult] | None = None, delay: float = 0.0) -> None:
        self.decide = decide or (lambda payload, attempt: SendResult.delivered())
        self.delay = delay
        self.lock = threading.Lock()
        self.attempts: defaultdict[Any, int] = defaultdict(int)
        self.delivered: list[Any] = []
        self.batches: list[list[Any]] = []
        self.closed = 0

    def factory(self) -> Recorder:
        return self

    def send(self, payloads: Sequence[Any]) -> list[SendResult]:
        if self.delay:
            time.sleep(self.delay * random.random())
        results = []
        with self.lock:
            self.batches.append(list(payloads))
            for payload in payloads:
                self.attempts[payload] += 1
                result = self.decide(payload, self.attempts[payload])
                if result.verdict.value == "delivered":
                    self.delivered.append(payload)
                results.append(result)
        return results

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def errors() -> list[tuple[Exception, Any]]:
    return []


@pytest.fixture
def make(errors: list[tuple[Exception, Any]]) -> Iterator[Callable[..., DeliveryEngine]]:
    engines: list[DeliveryEngine] = []

    def build(recorder: Recorder, **options: Any) -> DeliveryEngine:
        options.setdefault("retry_policy", FAST)
        options.setdefault("on_error", lambda error, payload: errors.append((error, payload)))
        engine = DeliveryEngine(recorder.factory, name="test", **options)
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.shutdown(timeout=5)


def _accounted(engine: DeliveryEngine) -> bool:
    stats = engine.stats()
    return stats.queued == stats.delivered + stats.failed + stats.dropped + stats.pending


def test_every_message_is_delivered_once_in_per_key_order(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder(delay=0.002)
    engine = make(recorder, max_in_flight=8)
    sent = [(f"user-{i % 7}", i) for i in range(300)]
    for key, number in sent:
        assert engine.submit((key, number), key)
    result = engine.flush(timeout=10)
    assert result.complete
    assert result.delivered == 300
    assert sorted(recorder.delivered) == sorted(sent)
    for key in {key for key, _ in sent}:
        arrived = [number for k, number in recorder.delivered if k == key]
        assert arrived == sorted(arrived)
    assert _accounted(engine)


def test_messages_of_different_keys_are_in_flight_at_once(make: Callable[..., DeliveryEngine]) -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def decide(payload: Any, attempt: int) -> SendResult:
        return SendResult.delivered()

    class Slow(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            time.sleep(0.02)
            with lock:
                in_flight -= 1
            return super().send(payloads)

    recorder = Slow(decide)
    engine = make(recorder, max_in_flight=4)
    for i in range(16):
        engine.submit(i, f"key-{i}")
    assert engine.flush(timeout=10).complete
    assert peak == 4


def test_one_key_is_never_sent_concurrently(make: Callable[..., DeliveryEngine]) -> None:
    busy: set[str] = set()
    overlaps: list[str] = []
    lock = threading.Lock()

    class Guard(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            key = payloads[0][0]
            with lock:
                if key in busy:
                    overlaps.append(key)
                busy.add(key)
            time.sleep(0.001)
            with lock:
                busy.discard(key)
            return super().send(payloads)

    engine = make(Guard(), max_in_flight=8)
    for i in range(200):
        engine.submit((f"k{i % 3}", i), f"k{i % 3}")
    assert engine.flush(timeout=10).complete
    assert overlaps == []


def test_retryable_results_are_retried_until_delivered(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder(
        lambda p, attempt: SendResult.delivered() if attempt == 3 else SendResult.retry(OSError("503"))
    )
    engine = make(recorder)
    engine.submit("m", "k")
    assert engine.flush(timeout=5).delivered == 1
    assert recorder.attempts["m"] == 3
    assert engine.stats().retried == 2


def test_retries_run_out_and_the_error_reaches_on_error_once(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    boom = TransportError("still failing", method="POST", path="/x")
    recorder = Recorder(lambda p, attempt: SendResult.retry(boom))
    engine = make(recorder)
    engine.submit("m", "k")
    result = engine.flush(timeout=5)
    assert (result.delivered, result.failed) == (0, 1)
    assert recorder.attempts["m"] == 1 + FAST.max_retries
    assert errors == [(boom, "m")]


def test_fatal_results_are_not_retried(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    bad = APIError(400, "bad", method="POST", path="/x")
    recorder = Recorder(lambda p, attempt: SendResult.fail(bad))
    engine = make(recorder)
    engine.submit("m", "k")
    assert engine.flush(timeout=5).failed == 1
    assert recorder.attempts["m"] == 1
    assert errors == [(bad, "m")]


def test_on_error_receives_a_trackapis_error_with_the_cause_when_a_sender_reports_another(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    foreign = ValueError("not one of ours")
    engine = make(Recorder(lambda p, attempt: SendResult.fail(foreign)))
    engine.submit("m", "k")
    assert engine.flush(timeout=5).failed == 1
    [(error, payload)] = errors
    assert (type(error), payload, error.__cause__) == (MessageFailed, "m", foreign)
    assert isinstance(error, TrackapisError)
    assert "ValueError: not one of ours" in error.reason


def test_a_failed_message_does_not_block_its_key(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder(
        lambda p, attempt: SendResult.fail(ValueError()) if p == 1 else SendResult.delivered()
    )
    engine = make(recorder)
    for i in range(3):
        engine.submit(i, "k")
    assert engine.flush(timeout=5).complete
    assert recorder.delivered == [0, 2]


def test_retry_after_is_waited_out(make: Callable[..., DeliveryEngine]) -> None:
    times: list[float] = []

    def decide(payload: Any, attempt: int) -> SendResult:
        times.append(time.monotonic())
        return SendResult.delivered() if attempt == 2 else SendResult.retry(OSError("429"), retry_after=0.2)

    engine = make(Recorder(decide))
    engine.submit("m", "k")
    assert engine.flush(timeout=5).delivered == 1
    assert times[1] - times[0] >= 0.19


def test_a_key_waiting_out_a_backoff_does_not_hold_up_other_keys(make: Callable[..., DeliveryEngine]) -> None:
    def decide(payload: Any, attempt: int) -> SendResult:
        if payload == "slow" and attempt == 1:
            return SendResult.retry(OSError("503"), retry_after=0.3)
        return SendResult.delivered()

    recorder = Recorder(decide)
    engine = make(recorder, max_in_flight=1)
    engine.submit("slow", "a")
    engine.submit("fast", "b")
    assert engine.flush(timeout=5).complete
    assert recorder.delivered == ["fast", "slow"]


def test_a_sender_that_raises_counts_as_retryable(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            raise RuntimeError("bug in sender")

    engine = make(Broken())
    with caplog.at_level(logging.ERROR, logger="trackapis.delivery"):
        engine.submit("m", "k")
        assert engine.flush(timeout=5).failed == 1
    assert engine.stats().retried == FAST.max_retries
    ((error, payload),) = errors
    assert isinstance(error, MessageFailed)
    assert "bug in sender" in str(error)
    assert payload == "m"


def test_a_full_queue_drops_and_reports_without_blocking(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    gate = threading.Event()

    class Stuck(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            gate.wait(5)
            return super().send(payloads)

    engine = make(Stuck(), max_queue_size=3, max_in_flight=1)
    accepted = [engine.submit(i, f"k{i}") for i in range(5)]
    assert accepted == [True, True, True, False, False]
    assert [payload for _, payload in errors] == [3, 4]
    assert all(isinstance(error, MessageDropped) and "queue is full" in str(error) for error, _ in errors)
    gate.set()
    assert engine.flush(timeout=5).complete
    stats = engine.stats()
    assert (stats.queued, stats.delivered, stats.dropped) == (5, 3, 2)


def test_an_on_error_that_raises_is_logged_and_delivery_goes_on(
    make: Callable[..., DeliveryEngine], caplog: pytest.LogCaptureFixture
) -> None:
    def explode(error: Exception, payload: Any) -> None:
        raise RuntimeError("callback bug")

    recorder = Recorder(lambda p, attempt: SendResult.fail(ValueError()) if p % 2 else SendResult.delivered())
    engine = make(recorder, on_error=explode)
    with caplog.at_level(logging.ERROR, logger="trackapis.delivery"):
        for i in range(10):
            engine.submit(i, f"k{i}")
        result = engine.flush(timeout=5)
    assert (result.delivered, result.failed) == (5, 5)
    assert sum("on_error raised" in record.getMessage() for record in caplog.records) == 5


def test_flush_times_out_and_reports_what_is_pending(make: Callable[..., DeliveryEngine]) -> None:
    gate = threading.Event()

    class Stuck(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            gate.wait(5)
            return super().send(payloads)

    engine = make(Stuck(), max_in_flight=1)
    engine.submit("a", "k")
    engine.submit("b", "k")
    result = engine.flush(timeout=0.05)
    assert not result.complete
    assert result.pending == 2
    gate.set()
    assert engine.flush(timeout=5).delivered == 2


def test_shutdown_is_idempotent_and_later_submits_raise(make: Callable[..., DeliveryEngine]) -> None:
    engine = make(Recorder())
    engine.submit("a", "k")
    first = engine.shutdown(timeout=5)
    second = engine.shutdown(timeout=5)
    assert (first.delivered, first.pending) == (1, 0)
    assert (second.delivered, second.dropped, second.pending) == (0, 0, 0)
    with pytest.raises(EngineClosed):
        engine.submit("late", "k")


def test_shutdown_timeout_drops_what_is_left_with_exactly_one_outcome(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    gate = threading.Event()

    class Stuck(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            gate.wait(5)
            return super().send(payloads)

    recorder = Stuck()
    engine = make(recorder, max_in_flight=1)
    for i in range(3):
        engine.submit(i, "k")
    result = engine.shutdown(timeout=0.05)
    assert (result.dropped, result.unknown, result.pending) == (2, 1, 0)  # 0 was in flight
    reasons = {payload: str(error) for error, payload in errors}
    assert "may or may not have arrived" in reasons[0]  # it was in flight
    assert "before it could be sent" in reasons[1]
    assert "before it could be sent" in reasons[2]
    gate.set()
    time.sleep(0.05)  # the worker returns; its late answer must not count a second outcome
    stats = engine.stats()
    assert (stats.queued, stats.delivered, stats.dropped, stats.unknown, stats.pending) == (3, 0, 2, 1, 0)


def test_batches_hold_at_most_one_message_per_key(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder()
    engine = make(recorder, max_batch_size=3, max_in_flight=1)
    for i in range(12):
        engine.submit((f"k{i % 4}", i), f"k{i % 4}")
    assert engine.flush(timeout=5).delivered == 12
    for batch in recorder.batches:
        assert len(batch) <= 3
        assert len({key for key, _ in batch}) == len(batch)


def test_many_producer_threads(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder()
    engine = make(recorder, max_queue_size=100_000)

    def produce(thread: int) -> None:
        for i in range(500):
            engine.submit((thread, i), f"user-{thread}")

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.flush(timeout=20).complete
    assert len(recorder.delivered) == 4000
    for t in range(8):
        assert [i for th, i in recorder.delivered if th == t] == list(range(500))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads running
def test_a_forked_child_gets_a_working_empty_engine(make: Callable[..., DeliveryEngine]) -> None:
    gate = threading.Event()

    class Gated(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            if os.getpid() == parent:
                gate.wait(5)
            return super().send(payloads)

    parent = os.getpid()
    recorder = Gated()
    engine = make(recorder, max_in_flight=1)
    engine.submit("parent's", "k")
    pid = os.fork()
    if pid == 0:  # the child: deliver one message of its own, report through the exit code
        code = 1
        try:
            if engine.stats().pending == 0:
                engine.submit("child's", "k")
                if engine.flush(timeout=5).delivered == 1 and recorder.delivered[-1] == "child's":
                    code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    gate.set()
    assert os.waitstatus_to_exitcode(status) == 0
    assert engine.flush(timeout=5).delivered == 1
    assert recorder.delivered == ["parent's"]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_queue_size", 0),
        ("max_in_flight", -1),
        ("max_batch_size", 1.5),
        ("shutdown_timeout", -1),
        ("rate_limit_per_minute", 0),
    ],
)
def test_bad_options_are_rejected_naming_the_argument(option: str, value: Any) -> None:
    with pytest.raises(ValueError, match=option):
        DeliveryEngine(Recorder().factory, **{option: value})


def test_on_error_must_be_callable() -> None:
    with pytest.raises(TypeError, match="on_error"):
        DeliveryEngine(Recorder().factory, on_error="print")  # type: ignore[arg-type]


# -- threads follow the load; durations; the exit hook; logging (issues 11 and 13) ------------------


def test_a_burst_after_idle_starts_the_workers_it_needs(make: Callable[..., DeliveryEngine]) -> None:
    release = threading.Event()

    class Held(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            if payloads != ["warm-up"]:
                release.wait(10)
            return super().send(payloads)

    recorder = Held()
    engine = make(recorder, max_in_flight=8)
    engine.submit("warm-up", "warm")
    assert engine.flush(timeout=5).delivered == 1
    # One idle worker now: a burst for 50 users must not wait for it to wake before more start.
    for n in range(50):
        engine.submit(f"m{n}", f"user-{n}")
    assert len(engine._workers) == 8
    release.set()
    assert engine.flush(timeout=10).delivered == 50


def test_one_busy_user_keeps_one_thread(make: Callable[..., DeliveryEngine]) -> None:
    recorder = Recorder()
    engine = make(recorder, max_in_flight=8)
    for n in range(200):
        engine.submit(n, "one user")
    assert engine.flush(timeout=10).delivered == 200
    assert len(engine._workers) <= 4  # not one per message (at most a few in the hand-over windows)
    assert recorder.delivered == list(range(200))


@pytest.mark.parametrize("timeout", [float("inf"), 1e10, 10**12])
def test_huge_and_infinite_timeouts_mean_no_limit(
    make: Callable[..., DeliveryEngine], timeout: float
) -> None:
    engine = make(Recorder(), shutdown_timeout=timeout)
    engine.submit("a", "k")
    assert engine.flush(timeout=timeout).delivered == 1
    engine.submit("b", "k")
    assert engine.shutdown(timeout=timeout).delivered == 1
    assert engine.shutdown().pending == 0


@pytest.mark.parametrize(
    ("timeout", "error"), [("5", TypeError), (True, TypeError), (-1, ValueError), (float("nan"), ValueError)]
)
def test_bad_flush_timeouts_name_the_argument(
    make: Callable[..., DeliveryEngine], timeout: Any, error: type[Exception]
) -> None:
    engine = make(Recorder())
    with pytest.raises(error, match="timeout"):
        engine.flush(timeout=timeout)
    with pytest.raises(error, match="timeout"):
        engine.shutdown(timeout=timeout)


def test_the_exit_hook_keeps_going_when_one_engine_fails(make: Callable[..., DeliveryEngine]) -> None:
    from trackapis.delivery import _engine

    broken, healthy = Recorder(), Recorder()
    first, second = make(broken), make(healthy)

    def explode(timeout: float | None = None) -> Any:
        raise OverflowError("boom")

    first.shutdown = explode  # type: ignore[method-assign]
    second.submit("x", "k")
    _engine._shutdown_all_at_exit()  # must not raise
    assert second.closed
    assert healthy.delivered == ["x"]
    del first.shutdown


def test_a_raising_sender_is_logged_once_per_attempt_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Raising(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    engine = DeliveryEngine(Raising().factory, retry_policy=RetryPolicy(max_retries=1, backoff_initial=0.001))
    with caplog.at_level(logging.WARNING, logger="trackapis.delivery"):
        engine.submit("x", "k")
        engine.flush(timeout=5)
    engine.shutdown(timeout=1)
    attempts = [r for r in caplog.records if "an attempt failed" in r.getMessage()]
    assert len(attempts) == 2
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in attempts)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_with_on_error_a_raising_sender_logs_at_debug(
    make: Callable[..., DeliveryEngine], caplog: pytest.LogCaptureFixture
) -> None:
    class Raising(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            raise ValueError("no")

    engine = make(Raising(), retry_policy=RetryPolicy(max_retries=0))
    with caplog.at_level(logging.WARNING, logger="trackapis.delivery"):
        engine.submit("x", "k")
        assert engine.flush(timeout=5).failed == 1
    assert not [r for r in caplog.records if "an attempt failed" in r.getMessage()]


def test_drain_reports_what_is_left_and_keeps_accepting(
    make: Callable[..., DeliveryEngine], errors: list[tuple[Exception, Any]]
) -> None:
    release = threading.Event()

    class Held(Recorder):
        def send(self, payloads: Sequence[Any]) -> list[SendResult]:
            release.wait(10)
            return super().send(payloads)

    recorder = Held()
    engine = make(recorder, max_in_flight=1)
    for n in range(5):
        engine.submit(n, "k")
    result = engine.drain(timeout=0.01)
    assert (result.dropped, result.unknown, result.pending) == (4, 1, 0)  # 0 was in flight
    assert "may or may not have arrived" in str(errors[0][0])
    engine.submit("after", "k")  # behind the one still in flight, never beside it
    release.set()
    assert engine.flush(timeout=10).delivered == 1
    assert recorder.delivered[-1] == "after"


def test_a_fork_waits_while_a_worker_makes_its_sender() -> None:
    # Making a sender imports what it sends with; a fork in the middle of an import would leave
    # the child a half-initialized module. In a subprocess: forking a threaded pytest warns.
    import subprocess
    import sys
    import textwrap

    script = """
        import os, threading, time
        from trackapis.delivery import DeliveryEngine, SendResult

        entered, release = threading.Event(), threading.Event()

        class Sender:
            def send(self, payloads):
                return [SendResult.delivered()] * len(payloads)
            def close(self):
                pass

        def factory():
            entered.set()
            release.wait(10)
            return Sender()

        engine = DeliveryEngine(factory)
        engine.submit("m", "k")
        assert entered.wait(10)
        forked_at = []

        def fork():
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            forked_at.append(time.monotonic())
            os.waitpid(pid, 0)

        forking = threading.Thread(target=fork)
        forking.start()
        time.sleep(0.3)
        waited = not forked_at
        released = time.monotonic()
        release.set()
        forking.join(10)
        print(waited, bool(forked_at) and forked_at[0] >= released, engine.shutdown(5).delivered)
    """
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.split() == ["True", "True", "1"], done.stderr[-3000:]
