"""The delivery engine: a bounded queue, concurrent workers, per-key order, retries, outcomes.

Messages are grouped into lanes by key (for example a user id). A lane sends one message at a
time, in the order they were submitted, so one user's messages arrive in order while many users'
messages are in flight at once. A lane is in exactly one place: the ready queue, the timer heap
(waiting out a backoff), in flight with a worker, or gone (empty).
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import os
import random
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any, Final

import attrs

from .._retry import RetryPolicy
from ._rate import RateLimiter
from ._types import (
    DeliveredCallback,
    DeliveryStats,
    ErrorCallback,
    FlushResult,
    MessageDropped,
    MessageFailed,
    MessageUnknown,
    Sender,
    SenderFactory,
    SendResult,
    Verdict,
)

logger = logging.getLogger("trackapis.delivery")

# The original SDKs' queue size; a full queue reports the message as dropped instead of blocking.
DEFAULT_MAX_QUEUE_SIZE: Final = 10_000
# Requests in flight at once, each over its own keep-alive connection. 48 keeps a 20 ms round trip
# busy on a 2-core machine; at low latency fewer would do (see the benchmark in the README).
DEFAULT_MAX_IN_FLIGHT: Final = 48
# How long an exiting process keeps delivering what is queued before it gives up and exits.
DEFAULT_SHUTDOWN_TIMEOUT: Final = 5.0
# How long shutdown() waits, in all, for idle workers to notice and exit.
_JOIN_GRACE: Final = 0.1


@attrs.define(eq=False)
class _Message:
    payload: Any
    key: str
    retries: int = 0
    settled: bool = False


@attrs.define
class _Counters:
    queued: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    unknown: int = 0  # in flight when a bounded shutdown gave up: may or may not have arrived


class DeliveryEngine:
    """Delivers payloads in the background through senders, with retries, exactly one outcome each.

    Args:
        sender_factory: Makes one sender per worker thread (called in that thread).
        name: Used in thread names and log messages.
        max_queue_size: Most messages accepted and not yet settled; more are dropped and reported.
        max_in_flight: Worker threads, each with its own sender: requests in flight at once.
        max_batch_size: Messages per request, for senders that batch (one per key per batch).
        max_batch_wait: Seconds a worker waits for a batch to fill up to `max_batch_size` before
            it sends what it has (0: send at once). Batching senders trade this latency for
            fewer requests. Once the engine is shut down, batches go out without waiting.
        retry_policy: When to retry and how long to wait.
        rate_limit_per_minute: Optional ceiling on requests per minute; it delays, never drops.
        on_error: Called as `on_error(error, payload)` for every message that fails or is dropped.
        on_delivered: Called as `on_delivered(payload)` for every message delivered (optional; the
            message stays pending until it has run, so a `flush()` that counts it returns after it).
        shutdown_timeout: Seconds an exiting process keeps delivering before it gives up.
    """

    def __init__(
        self,
        sender_factory: SenderFactory,
        *,
        name: str = "trackapis",
        max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_batch_size: int = 1,
        max_batch_wait: float = 0.0,
        retry_policy: RetryPolicy | None = None,
        rate_limit_per_minute: float | None = None,
        on_error: ErrorCallback | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
        on_delivered: DeliveredCallback | None = None,
    ) -> None:
        _positive_int("max_queue_size", max_queue_size)
        _positive_int("max_in_flight", max_in_flight)
        _positive_int("max_batch_size", max_batch_size)
        if (
            isinstance(shutdown_timeout, bool)
            or not isinstance(shutdown_timeout, (int, float))
            or shutdown_timeout < 0
        ):
            raise ValueError(
                f"shutdown_timeout must be a non-negative number of seconds, not {shutdown_timeout!r}"
            )
        if (
            isinstance(max_batch_wait, bool)
            or not isinstance(max_batch_wait, (int, float))
            or not 0 <= max_batch_wait < float("inf")
        ):
            raise ValueError(
                f"max_batch_wait must be a finite non-negative number of seconds, not {max_batch_wait!r}"
            )
        if on_error is not None and not callable(on_error):
            raise TypeError(f"on_error must be callable, not {type(on_error).__name__}")
        if on_delivered is not None and not callable(on_delivered):
            raise TypeError(f"on_delivered must be callable, not {type(on_delivered).__name__}")
        self._max_batch_wait = float(max_batch_wait)
        self._sender_factory = sender_factory
        self._name = name
        self._max_queue_size = max_queue_size
        self._max_in_flight = max_in_flight
        self._max_batch_size = max_batch_size
        self._policy = retry_policy or RetryPolicy()
        self._rate_limit_per_minute = rate_limit_per_minute
        if rate_limit_per_minute is not None:
            RateLimiter(rate_limit_per_minute)  # validates the argument at the call site
        self.on_error = on_error
        self.on_delivered = on_delivered
        self.shutdown_timeout = float(shutdown_timeout)
        self._reset_state()
        _register_exit_and_fork(self)

    def _reset_state(self) -> None:
        # Everything holding a lock or a thread: rebuilt in a forked child, where they are unusable.
        self._pid = os.getpid()
        # Two conditions over one lock: `_has_work` wakes one worker per lane made ready (waking them
        # all for every settled message costs more than the sends at high rates); `_idle` wakes
        # the threads waiting in flush().
        self._cond = threading.Lock()
        self._has_work = threading.Condition(self._cond)
        self._idle = threading.Condition(self._cond)
        rate = self._rate_limit_per_minute
        self._limiter = RateLimiter(rate) if rate is not None else None
        self._lanes: dict[str, deque[_Message]] = {}
        self._ready: deque[str] = deque()
        self._timers: list[tuple[float, int, str]] = []
        self._timer_ids = itertools.count()
        self._in_flight: dict[str, _Message] = {}
        self._pending = 0
        self._counters = _Counters()
        self._reported = _Counters()  # what the last flush() returned, to report the difference
        self._workers: list[threading.Thread] = []
        self._idle_workers = 0
        self._closed = False
        self._stopping = False
        self._rng = random.Random()

    # -- the caller's side -----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, payload: Any, key: str) -> bool:
        """Queue `payload` for delivery in order with the other payloads of `key`. Never blocks.

        Returns False when the queue is full: the payload is then reported to `on_error` as
        dropped. Raises `EngineClosed` after `shutdown()`.
        """
        with self._cond:
            if self._closed:
                raise EngineClosed
            self._counters.queued += 1
            if self._pending >= self._max_queue_size:
                self._counters.dropped += 1
                full = True
            else:
                full = False
                self._pending += 1
                message = _Message(payload, key)
                lane = self._lanes.get(key)
                if lane is None:
                    self._lanes[key] = deque([message])
                    self._ready.append(key)
                    self._has_work.notify()
                else:
                    lane.append(message)
                # Another thread only when none is idle: a light load keeps few threads, and
                # the enqueue path does not pay for starting them.
                if not self._idle_workers and len(self._workers) < self._max_in_flight:
                    self._start_worker()
        if full:
            self._report(
                MessageDropped(f"the queue is full ({self._max_queue_size} messages pending)"), payload
            )
            return False
        return True

    def stats(self) -> DeliveryStats:
        with self._cond:
            c = self._counters
            return DeliveryStats(
                c.queued, c.delivered, c.retried, c.failed, c.dropped, self._pending, c.unknown
            )

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until nothing is pending, or `timeout` seconds.

        Returns the outcomes settled since the previous flush (or since the start), and what is
        still pending. With several threads flushing at once, each outcome is counted by one.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._idle.wait(remaining)
            after, before = self._counters, self._reported
            self._reported = attrs.evolve(after)
            return FlushResult(
                delivered=after.delivered - before.delivered,
                failed=after.failed - before.failed,
                dropped=after.dropped - before.dropped,
                pending=self._pending,
                unknown=after.unknown - before.unknown,
            )

    def shutdown(self, timeout: float | None = None) -> FlushResult:
        """Stop accepting, deliver what is pending for up to `timeout` seconds, then stop.

        What is still pending then is reported to `on_error` as dropped. Idempotent.
        """
        with self._cond:
            self._closed = True
            self._has_work.notify_all()  # workers waiting for a batch to fill send it now
        result = self.flush(self.shutdown_timeout if timeout is None else timeout)
        abandoned: list[tuple[Exception, Any]] = []
        unknown = 0
        with self._cond:
            self._stopping = True
            for key, lane in list(self._lanes.items()):
                for message in lane:
                    if self._in_flight.get(key) is message:  # its fate is unknown, not dropped
                        reason = "it was in flight when the shutdown timeout expired; it may or may not have arrived"  # noqa: E501
                        abandoned.append((MessageUnknown(reason), message.payload))
                        self._settle(message, "unknown")
                        unknown += 1
                        continue
                    reason = "the shutdown timeout expired before it could be sent"
                    abandoned.append((MessageDropped(reason), message.payload))
                    self._settle(message, "dropped")
            self._lanes.clear()
            self._ready.clear()
            self._timers.clear()
            self._reported = attrs.evolve(self._counters)  # the drops are in this call's result
            self._has_work.notify_all()
            self._idle.notify_all()
            workers = list(self._workers)
        for error, payload in abandoned:
            self._report(error, payload)
        # One short grace period for all of them, not one each: a worker stuck on a hung server
        # must not stretch shutdown past its timeout (it is a daemon thread; exit does not wait).
        current, grace = threading.current_thread(), time.monotonic() + _JOIN_GRACE
        for worker in workers:
            if worker is not current:
                worker.join(max(0.0, grace - time.monotonic()))
        return attrs.evolve(
            result,
            dropped=result.dropped + len(abandoned) - unknown,
            unknown=result.unknown + unknown,
            pending=0,
        )

    # -- the workers' side ----------------------------------------------------------------------------

    def _start_worker(self) -> None:
        worker = threading.Thread(
            target=self._work, name=f"{self._name}-delivery-{len(self._workers)}", daemon=True
        )
        self._workers.append(worker)
        worker.start()

    def _work(self) -> None:
        sender: Sender | None = None
        try:
            while True:
                batch = self._take()
                if batch is None:
                    return
                if sender is None:
                    sender = self._sender_factory()
                self._wait_for_rate_limit()
                results = self._send(sender, batch)
                self._settle_batch(batch, results)
        finally:
            if sender is not None:
                try:
                    sender.close()
                except Exception:
                    logger.exception("%s: closing a sender failed", self._name)

    def _take(self) -> list[_Message] | None:
        """The next batch of lane heads, or None when the engine stops."""
        fill_deadline: float | None = None
        with self._cond:
            while True:
                if self._stopping or os.getpid() != self._pid:
                    return None
                self._release_due_timers()
                if self._ready and self._max_batch_wait and len(self._ready) < self._max_batch_size:
                    # Wait (once per batch) for more lanes to become ready, unless closing.
                    now = time.monotonic()
                    if fill_deadline is None:
                        fill_deadline = now + self._max_batch_wait
                    if now < fill_deadline and not self._closed:
                        # shutdown() notifies when it closes the engine: a closed engine sends at once.
                        wait = fill_deadline - now
                        timer = self._time_to_next_timer()
                        wait = wait if timer is None else min(timer, wait)
                        self._idle_workers += 1
                        try:
                            self._has_work.wait(wait)
                        finally:
                            self._idle_workers -= 1
                        continue
                if self._ready:
                    batch: list[_Message] = []
                    while self._ready and len(batch) < self._max_batch_size:
                        key = self._ready.popleft()
                        message = self._lanes[key][0]
                        self._in_flight[key] = message
                        batch.append(message)
                    return batch
                fill_deadline = None  # others took what was ready: a new batch waits afresh
                self._idle_workers += 1
                try:
                    self._has_work.wait(self._time_to_next_timer())
                finally:
                    self._idle_workers -= 1

    def _release_due_timers(self) -> None:
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _, _, key = heapq.heappop(self._timers)
            if key in self._lanes:
                self._ready.append(key)

    def _time_to_next_timer(self) -> float | None:
        if not self._timers:
            return None
        return max(0.0, self._timers[0][0] - time.monotonic())

    def _wait_for_rate_limit(self) -> None:
        if self._limiter is not None:
            wait = self._limiter.reserve()
            if wait > 0:
                time.sleep(wait)

    def _send(self, sender: Sender, batch: list[_Message]) -> Sequence[SendResult]:
        try:
            results = sender.send([message.payload for message in batch])
        except Exception as error:
            logger.exception("%s: a sender raised instead of answering", self._name)
            failure = MessageFailed(f"the sender raised {type(error).__name__}: {error}")
            return [SendResult.retry(failure)] * len(batch)
        if len(results) != len(batch):
            failure = MessageFailed(f"the sender answered {len(results)} results for {len(batch)} messages")
            return [SendResult.fail(failure)] * len(batch)
        return results

    def _settle_batch(self, batch: list[_Message], results: Sequence[SendResult]) -> None:
        failures: list[tuple[_Message, Exception]] = []
        delivered: list[_Message] = []
        on_delivered = self.on_delivered
        with self._cond:
            for message, result in zip(batch, results, strict=True):
                key = message.key
                if self._in_flight.get(key) is message:
                    del self._in_flight[key]
                if message.settled:  # reported as dropped by a shutdown that timed out
                    continue
                if result.verdict is Verdict.DELIVERED:
                    if on_delivered is None:
                        self._pop(message, "delivered")
                    else:
                        self._pop(message, None)  # settled once on_delivered has run: see below
                        delivered.append(message)
                elif result.verdict is Verdict.RETRY and self._policy.can_retry(message.retries):
                    message.retries += 1
                    self._counters.retried += 1
                    delay = self._policy.delay(message.retries - 1, result.retry_after, rng=self._rng)
                    heapq.heappush(self._timers, (time.monotonic() + delay, next(self._timer_ids), key))
                    self._has_work.notify()  # a waiting worker re-reads the time to the next timer
                    continue
                else:
                    self._pop(message, None)  # settled once reported: see below
                    failures.append((message, result.error or MessageFailed("failed")))
                if key in self._lanes:
                    self._ready.append(key)
                    self._has_work.notify()
            self._idle.notify_all()
        if failures or delivered:
            self._callbacks_then_settle(delivered, failures)

    def _callbacks_then_settle(
        self, delivered: list[_Message], failures: list[tuple[_Message, Exception]]
    ) -> None:
        # A failure (and, with on_delivered, a delivery) stays pending until its callback has run,
        # so that a flush() that counts it returns after the caller's callback has seen it.
        for message in delivered:
            self._report_delivered(message.payload)
        for message, error in failures:
            self._report(error, message.payload)
        with self._cond:
            for message in delivered:
                self._settle(message, "delivered")
            for message, _ in failures:
                self._settle(message, "failed")
            self._idle.notify_all()

    def _pop(self, message: _Message, outcome: str | None) -> None:
        """Take the lane's head off; settle it now unless `outcome` is None."""
        lane = self._lanes[message.key]
        lane.popleft()
        if not lane:
            del self._lanes[message.key]
        if outcome is not None:
            self._settle(message, outcome)

    def _settle(self, message: _Message, outcome: str) -> None:
        message.settled = True
        self._pending -= 1
        setattr(self._counters, outcome, getattr(self._counters, outcome) + 1)

    def _report_delivered(self, payload: Any) -> None:
        callback = self.on_delivered
        if callback is None:
            return
        try:
            callback(payload)
        except Exception:
            logger.exception("%s: on_delivered raised; delivery continues", self._name)

    def _report(self, error: Exception, payload: Any) -> None:
        callback = self.on_error
        if callback is None:
            logger.warning("%s: a message was not delivered: %s", self._name, error)
            return
        try:
            callback(error, payload)
        except Exception:
            # A broken callback must not stop delivery: log it and carry on.
            logger.exception("%s: on_error raised; delivery continues", self._name)

    # -- process lifecycle ------------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        # The parent's queue stays the parent's: the child starts empty, with fresh locks and no
        # worker threads (they did not survive the fork); senders are made anew on first use.
        closed = self._closed
        self._reset_state()
        self._closed = closed


class EngineClosed(RuntimeError):
    """Raised by `submit` after `shutdown`."""


def _positive_int(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")


_engines: weakref.WeakSet[DeliveryEngine] = weakref.WeakSet()


def _shutdown_all_at_exit() -> None:
    for engine in list(_engines):
        if not engine.closed or engine.stats().pending:
            engine.shutdown()


def _after_fork() -> None:
    for engine in list(_engines):
        engine._after_fork_in_child()


def _register_exit_and_fork(engine: DeliveryEngine) -> None:
    _engines.add(engine)


# One hook each for all engines: at exit, deliver what is pending within each engine's
# shutdown_timeout (the workers are daemon threads, so nothing else keeps the process alive);
# after fork, give the child empty engines with working locks.
atexit.register(_shutdown_all_at_exit)
os.register_at_fork(after_in_child=_after_fork)
