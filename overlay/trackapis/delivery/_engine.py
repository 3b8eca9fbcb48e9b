"""The delivery engine: a bounded queue, concurrent workers, per-key order, retries, outcomes.

Messages are grouped into lanes by key (for example a user id). A lane sends one message at a
time, in the order they were submitted, so one user's messages arrive in order while many users'
messages are in flight at once. A lane is in exactly one place: the ready queue, the timer heap
(waiting out a backoff), in flight with a worker, or gone (empty).

With a durable store (see `_store.py`), a writer thread also commits what was accepted to the
store every `store_sync_interval` seconds and removes what settled; the scheduling stays here.
"""

from __future__ import annotations

import atexit
import contextlib
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

from .._errors import EngineClosed, as_delivery_error
from .._retry import RetryPolicy
from ._rate import RateLimiter
from ._store import DEFAULT_STORE_LEASE, DEFAULT_STORE_SYNC_INTERVAL, LIVE_OWNERS, Codec, Store, StoredMessage
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
# Requests in flight at once, each over its own keep-alive connection. 64 delivers a burst at
# 20 ms round trips 50x faster than one request at a time, with room for the threads' own
# overhead on a 2-core machine (48 left no margin: 2,400/s at best). Threads start only as
# ready lanes need them, so a light load or a low latency uses fewer (see the README benchmark).
DEFAULT_MAX_IN_FLIGHT: Final = 64
# How long an exiting process keeps delivering what is queued before it gives up and exits.
DEFAULT_SHUTDOWN_TIMEOUT: Final = 5.0
# How long shutdown() waits, in all, for idle workers to notice and exit.
_JOIN_GRACE: Final = 0.1
# A timeout this long (or infinite) means "no limit": the thread primitives refuse longer waits.
_NO_LIMIT: Final = min(threading.TIMEOUT_MAX, 1e9)


def seconds_or_none(name: str, value: Any) -> float | None:
    """Validate a duration argument: None or a huge/infinite number mean no limit.

    Raises:
        TypeError: `value` is not a number (naming `name`).
        ValueError: `value` is negative or NaN (naming `name`).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds or None, not {type(value).__name__}")
    if not value >= 0:  # NaN too
        raise ValueError(f"{name} must be a non-negative number of seconds, not {value!r}")
    return None if value >= _NO_LIMIT else float(value)


@attrs.define(eq=False)
class _Message:
    payload: Any
    key: str
    retries: int = 0
    settled: bool = False
    # The durable store's id once the writer has committed it (None: not stored, or no store).
    stored: int | None = None


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
        shutdown_timeout: Seconds an exiting process keeps delivering before it gives up
            (None or infinite: no limit).
        store: A durable store (see `_store.py`), or None to keep the queue in memory only.
        codec: Turns payloads into bytes and back for the store (required with a store).
        store_sync_interval: Seconds between the writer's commits to the store: the most
            recent window of accepted messages that a kill -9 can lose.
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
        store: Store | None = None,
        codec: Codec[Any] | None = None,
        store_sync_interval: float = DEFAULT_STORE_SYNC_INTERVAL,
        store_lease: float = DEFAULT_STORE_LEASE,
    ) -> None:
        _positive_int("max_queue_size", max_queue_size)
        _positive_int("max_in_flight", max_in_flight)
        _positive_int("max_batch_size", max_batch_size)
        if isinstance(shutdown_timeout, bool) or not isinstance(shutdown_timeout, (int, float)):
            raise ValueError(f"shutdown_timeout must be a number of seconds, not {shutdown_timeout!r}")
        shutdown_limit = seconds_or_none("shutdown_timeout", shutdown_timeout)
        sync_interval = seconds_or_none("store_sync_interval", store_sync_interval)
        if sync_interval is None or sync_interval <= 0:
            raise ValueError(
                "store_sync_interval must be a positive finite number of seconds, "
                f"not {store_sync_interval!r}"
            )
        if store is not None and codec is None:
            raise TypeError("a store needs a codec to turn payloads into bytes")
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
        # None: no limit (an infinite or huge shutdown_timeout).
        self.shutdown_timeout: float | None = shutdown_limit
        self._store = store
        # A fleet store's extra methods (`FleetStore` in _store.py) are looked up by name.
        bind = getattr(store, "bind", None)
        if bind is not None:  # a shared store keeps each API's queue apart (see _redis.py)
            bind(name)
        self._codec = codec
        self._sync_interval = sync_interval
        self._lease = float(store_lease)
        self._reset_state()
        if store is not None:
            self._open_store()
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
        self._refusing: str | None = None  # why new messages are refused (the process is ending)
        self._rng = random.Random()
        # The durable store's side (unused without a store): accepted and not yet written, and
        # the store ids of settled messages not yet removed; the writer thread takes both.
        self._unwritten: list[_Message] = []
        self._removed: list[int] = []
        self._writer: threading.Thread | None = None
        self._writer_wake = threading.Event()
        # Who holds this engine's messages in a store: unique per engine and per process.
        self._owner = f"{os.uname().nodename}:{os.getpid()}:{os.urandom(6).hex()}"
        self._store_open = False
        self._synced = 0  # writer rounds done, for _sync_now()
        # One store call at a time per engine (the writer's, and the workers' removals).
        self._store_lock = threading.Lock()
        # A store that decides which process delivers what (see _store.py): accepted messages
        # are pending here only until written; claimed ones until settled.
        self._fleet = self._store is not None and not self._store.delivers_locally
        self._handed_over = 0  # written to a fleet store this round, counted off after the claim
        self._recorded = _Counters()  # what record_outcomes() was told
        self._fleet_limiter: Any = None
        make_limiter = getattr(self._store, "rate_limiter", None)
        if make_limiter is not None and rate is not None:
            self._fleet_limiter = make_limiter(rate, self._owner)

    # -- the caller's side -----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, payload: Any, key: str) -> bool:
        """Queue `payload` for delivery in order with the other payloads of `key`. Never blocks.

        Returns False when the queue is full: the payload is then reported to `on_error` as
        dropped. Raises `EngineClosed` after `shutdown()`.
        """
        starting: threading.Thread | None = None
        with self._cond:
            if self._closed:
                raise EngineClosed
            self._counters.queued += 1
            if self._pending >= self._max_queue_size or self._refusing is not None:
                self._counters.dropped += 1
                full = True
            elif self._fleet:
                # A fleet store (Redis): the writer hands it to the store, and whichever process
                # holds its key's partition delivers it (this one, if it claims it back).
                full = False
                self._pending += 1
                self._unwritten.append(_Message(payload, key))
                if self._writer is None:
                    self._start_writer()
            else:
                full = False
                self._pending += 1
                message = _Message(payload, key)
                lane = self._lanes.get(key)
                if lane is None:
                    self._lanes[key] = deque([message])
                    self._ready.append(key)
                    self._has_work.notify()
                    # Another thread when the ready lanes outnumber what the idle workers can
                    # take. A worker that was notified but has not woken yet still counts as
                    # idle, and takes one ready lane: so a burst after an idle spell starts
                    # the threads it needs as fast as a cold start does, while a light load
                    # (or one busy user) keeps few threads.
                    if (
                        len(self._ready) > self._idle_workers * self._max_batch_size
                        and len(self._workers) < self._max_in_flight
                    ):
                        starting = self._new_worker()
                else:
                    lane.append(message)
                if self._store is not None:
                    self._unwritten.append(message)
                    if self._writer is None:
                        self._start_writer()
        if starting is not None:
            starting.start()  # outside the lock: start() waits for the thread to run
        if full:
            why = self._refusing or f"the queue is full ({self._max_queue_size} messages pending)"
            self._report(MessageDropped(why), payload)
            return False
        return True

    def stats(self, *, fleet: bool = False) -> DeliveryStats:
        """This engine's counters; with `fleet=True`, those of every process on its fleet store
        (pending: what the store holds), read from the store (raises `StoreError` when unreachable)."""
        if fleet:
            read = getattr(self._store, "fleet_counters", None)
            if read is None:
                raise ValueError("stats(fleet=True) needs a fleet store, such as store='redis://...'")
            with self._cond:
                self._record_outcomes()  # this process's latest, too
            c = read()
            outcomes = (c["delivered"], c["retried"], c["failed"], c["dropped"])
            return DeliveryStats(c["queued"], *outcomes, c["stored"])
        with self._cond:
            c = self._counters
            return DeliveryStats(
                c.queued, c.delivered, c.retried, c.failed, c.dropped, self._pending, c.unknown
            )

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until nothing is pending, or `timeout` seconds (None or infinite: no limit).

        Returns the outcomes settled since the previous flush (or since the start), and what is
        still pending. With several threads flushing at once, each outcome is counted by one.

        Raises:
            TypeError, ValueError: `timeout` is not a non-negative number of seconds.
        """
        limit = seconds_or_none("timeout", timeout)
        deadline = None if limit is None else time.monotonic() + limit
        with self._cond:
            # A fleet store's `backlog`: what waits, unread, in the partitions this process holds.
            while self._pending or (self._fleet and getattr(self._store, "backlog", 0)):
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

        `timeout` defaults to `shutdown_timeout`; None or infinite there means no limit. What is
        still pending then is reported to `on_error` as dropped; with a durable store it stays
        in the store instead (for the next process) and is counted as pending. Idempotent.
        """
        limit = self.shutdown_timeout if timeout is None else seconds_or_none("timeout", timeout)
        with self._cond:
            self._closed = True
            self._has_work.notify_all()  # workers waiting for a batch to fill send it now
        result = self.flush(limit)
        with self._cond:
            self._stopping = True
            self._has_work.notify_all()
            workers = list(self._workers)
        if self._store is not None:
            left, in_flight = self._close_store()
            result = attrs.evolve(result, pending=left - in_flight, unknown=result.unknown + in_flight)
        else:
            dropped, unknown = self._abandon_pending("the shutdown timeout expired")
            result = attrs.evolve(
                result, dropped=result.dropped + dropped, unknown=result.unknown + unknown, pending=0
            )
        # One short grace period for all of them, not one each: a worker stuck on a hung server
        # must not stretch shutdown past its timeout (it is a daemon thread; exit does not wait).
        current, grace = threading.current_thread(), time.monotonic() + _JOIN_GRACE
        for worker in workers:
            if worker is not current and worker.is_alive():  # (one counted but not yet started
                worker.join(max(0.0, grace - time.monotonic()))  # finds the engine stopping)
        return result

    def drain(self, timeout: float | None = None) -> FlushResult:
        """Deliver what is pending for up to `timeout` (default `shutdown_timeout`), keep accepting.

        For a process about to be stopped (SIGTERM): what is still pending then is reported as
        dropped, or, with a durable store, committed to it for the next process. The engine
        stays open: a message submitted meanwhile is delivered or reported like any other.
        """
        limit = self.shutdown_timeout if timeout is None else seconds_or_none("timeout", timeout)
        result = self.flush(limit)
        if self._closed and self._stopping:
            return result
        if self._store is not None:
            self._sync_now()
            return result
        dropped, unknown = self._abandon_pending("the process was stopped (SIGTERM)")
        return attrs.evolve(
            result, dropped=result.dropped + dropped, unknown=result.unknown + unknown, pending=0
        )

    def terminate(self, why: str) -> None:
        """The process ends now (SIGTERM's default action, after `drain()`): from here on a new
        message is refused and reported as dropped (`why`), and what was accepted since the drain
        is reported now, or committed to a durable store, so nothing accepted is lost unreported."""
        if self._closed and self._stopping:
            return
        with self._cond:
            self._refusing = why
            if self._store is not None:
                # What is stored waits for the next start: a send now would arrive, and then
                # again from the store, since the process ends before its removal is committed.
                self._stopping = True
                self._has_work.notify_all()
            in_flight = [message for message in self._in_flight.values() if not message.settled]
            if self._store is not None:
                for message in in_flight:  # settled here, so that its worker's return reports nothing
                    message.settled = True
                    self._pending -= 1
                    self._counters.unknown += 1
        if self._store is None:
            self._abandon_pending(why)
            return
        self._sync_now()
        for message in in_flight:  # it stays in the store: the next start sends it again
            reason = f"it was in flight when {why}; it stays in the store and may arrive twice"
            self._report(MessageUnknown(reason), message.payload)

    def _abandon_pending(self, why: str) -> tuple[int, int]:
        """Report everything pending as dropped, except a message in flight: its fate is unknown
        (it may have arrived), and it is reported and counted as such. Returns both counts.

        A message in flight stays its lane's head until its worker returns.
        """
        abandoned: list[tuple[Exception, Any]] = []
        unknown = 0
        with self._cond:
            for key, lane in list(self._lanes.items()):
                head_in_flight = self._in_flight.get(key) is lane[0]
                for message in lane:
                    if message.settled:
                        continue
                    if head_in_flight and message is lane[0]:  # its fate is unknown, not dropped
                        reason = f"it was in flight when {why}; it may or may not have arrived"
                        abandoned.append((MessageUnknown(reason), message.payload))
                        self._settle(message, "unknown")
                        unknown += 1
                        continue
                    abandoned.append((MessageDropped(f"{why} before it could be sent"), message.payload))
                    self._settle(message, "dropped")
                if head_in_flight:
                    # Popped when its worker returns (see _settle_batch); later messages of this
                    # key queue behind it, so one lane never has two messages in flight.
                    while len(lane) > 1:
                        lane.pop()
                else:
                    del self._lanes[key]
            self._ready.clear()
            self._timers.clear()
            self._reported = attrs.evolve(self._counters)  # the drops are in this call's result
            self._idle.notify_all()
        for error, payload in abandoned:
            self._report(error, payload)
        return len(abandoned) - unknown, unknown

    # -- the workers' side ----------------------------------------------------------------------------

    def _new_worker(self) -> threading.Thread:
        """A worker thread, counted (under `_cond`); the caller starts it once it has let go of the
        lock: `start()` waits until the thread runs, and every other worker would wait with it."""
        worker = threading.Thread(
            target=self._work, name=f"{self._name}-delivery-{len(self._workers)}", daemon=True
        )
        self._workers.append(worker)
        return worker

    def _work(self) -> None:
        sender: Sender | None = None
        try:
            while True:
                batch = self._take()
                if batch is None:
                    return
                if sender is None:
                    with _making_sender:  # a fork waits: making a sender imports (see below)
                        sender = self._sender_factory()
                if self._fleet_limiter is not None:  # one limit for the fleet (see _redis_rate.py)
                    token = self._fleet_limiter.acquire()
                    try:
                        results = self._send(sender, batch)
                    finally:
                        self._fleet_limiter.finish(token)
                    self._settle_batch(batch, results)
                    continue
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
                # (No fork check here: a forked child's engines are reset, see _after_fork.)
                if self._stopping:
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
            # Once per attempt, without a traceback (DEBUG has it): on_error hears the outcome.
            level = logging.DEBUG if self.on_error is not None else logging.WARNING
            logger.log(
                level,
                "%s: an attempt failed: the sender raised %s: %s",
                self._name,
                type(error).__name__,
                error,
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
            failure = MessageFailed(f"the sender raised {type(error).__name__}: {error}")
            failure.__cause__ = error  # on_error sees what the sender raised
            return [SendResult.retry(failure)] * len(batch)
        if len(results) != len(batch):
            failure = MessageFailed(f"the sender answered {len(results)} results for {len(batch)} messages")
            return [SendResult.fail(failure)] * len(batch)
        return results

    def _settle_batch(self, batch: list[_Message], results: Sequence[SendResult]) -> None:
        if self._store is not None:
            self._remove_delivered(batch, results)
        failures: list[tuple[_Message, Exception]] = []
        delivered: list[_Message] = []
        on_delivered = self.on_delivered
        with self._cond:
            for message, result in zip(batch, results, strict=True):
                key = message.key
                if self._in_flight.get(key) is message:
                    del self._in_flight[key]
                if message.settled:  # reported as dropped by a shutdown or drain that timed out
                    self._pop_abandoned(message)
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
                    logger.debug(
                        "%s: attempt %d failed (%s); retrying in %.2f s",
                        self._name,
                        message.retries,
                        result.error,
                        delay,
                    )
                    continue
                else:
                    self._pop(message, None)  # settled once reported: see below
                    failures.append((message, result.error or MessageFailed("failed")))
                if key in self._lanes:
                    self._ready.append(key)
                    self._has_work.notify()
            self._wake_flushers()
        if failures or delivered:
            self._callbacks_then_settle(delivered, failures)

    def _pop_abandoned(self, message: _Message) -> None:
        """A message reported dropped while in flight has returned: let its lane go on."""
        key = message.key
        lane = self._lanes.get(key)
        if lane and lane[0] is message:
            lane.popleft()
            if not lane:
                del self._lanes[key]
            elif not self._stopping:
                self._ready.append(key)
                self._has_work.notify()

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
            self._wake_flushers()

    def _pop(self, message: _Message, outcome: str | None) -> None:
        """Take the lane's head off; settle it now unless `outcome` is None."""
        lane = self._lanes[message.key]
        lane.popleft()
        if not lane:
            del self._lanes[message.key]
        if outcome is not None:
            self._settle(message, outcome)

    def _wake_flushers(self) -> None:
        # flush() waits for nothing pending (and, with a fleet store, for the partitions' backlog,
        # which any settled message may have changed). Waking it for every settled message would
        # cost a thread switch per message at high rates.
        if not self._pending or self._fleet:
            self._idle.notify_all()

    def _settle(self, message: _Message, outcome: str) -> None:
        message.settled = True
        self._pending -= 1
        setattr(self._counters, outcome, getattr(self._counters, outcome) + 1)
        if message.stored is not None:
            self._removed.append(message.stored)

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
            callback(as_delivery_error(error), payload)
        except Exception:
            # A broken callback must not stop delivery: log it and carry on.
            logger.exception("%s: on_error raised; delivery continues", self._name)

    # -- the durable store's side (only with a store) ------------------------------------------

    def _open_store(self) -> None:
        """Open the store (raising `StoreError` at construction) and take over what dead owners left."""
        store = self._store
        assert store is not None
        LIVE_OWNERS.add(self._owner)
        try:
            store.open(self._owner, self._lease)
        except BaseException:
            LIVE_OWNERS.discard(self._owner)
            raise
        self._store_open = True
        self._claim()
        self._start_writer()

    def _claim(self) -> None:
        store = self._store
        assert store is not None
        with self._cond:
            room = self._max_queue_size - self._pending
        if room <= 0:
            return
        with self._store_lock:
            claimed = store.claim(self._owner, self._lease, room)
        self._adopt(claimed)

    def _adopt(self, records: list[StoredMessage]) -> None:
        """Queue messages taken over from the store in front of this engine's own, per key, by id."""
        if not records:
            return
        codec = self._codec
        assert codec is not None
        decoded: list[tuple[StoredMessage, Any]] = []
        unreadable: list[int] = []
        for record in records:
            try:
                decoded.append((record, codec.decode(record.data)))
            except Exception as error:
                logger.warning(
                    "%s: a stored message (id %s) cannot be read and is removed: %s",
                    self._name,
                    record.id,
                    error,
                )
                unreadable.append(record.id)
        logger.log(
            logging.DEBUG if self._fleet else logging.INFO,  # a fleet store hands messages out every round
            "%s: took over %d stored messages from %s",
            self._name,
            len(decoded),
            self._store_name(),
        )
        inserted: dict[str, int] = {}
        starting: list[threading.Thread] = []
        with self._cond:
            self._removed.extend(unreadable)
            for record, payload in decoded:
                key = record.key
                message = _Message(payload, key, stored=record.id)
                if not self._fleet:  # a fleet's messages are counted by the process that accepted them
                    self._counters.queued += 1
                self._pending += 1
                lane = self._lanes.get(key)
                if lane is None:
                    self._lanes[key] = deque([message])
                    self._ready.append(key)
                    self._has_work.notify()
                    inserted[key] = 1
                    continue
                if self._fleet:  # a fleet's lanes hold claimed messages only, claimed in id order
                    lane.append(message)
                    continue
                if key not in inserted:
                    # Older than this engine's own messages of the key: in front of them, behind
                    # the one in flight (it cannot be called back).
                    inserted[key] = 1 if self._in_flight.get(key) is lane[0] else 0
                lane.insert(inserted[key], message)
                inserted[key] += 1
            while (
                len(self._ready) > self._idle_workers * self._max_batch_size
                and len(self._workers) < self._max_in_flight
            ):
                starting.append(self._new_worker())
        for worker in starting:
            worker.start()

    def _store_name(self) -> str:
        return getattr(self._store, "description", type(self._store).__name__)

    def _start_writer(self) -> None:
        self._writer = threading.Thread(
            target=self._write_loop, name=f"{self._name}-store-writer", daemon=True
        )
        self._writer.start()

    def _write_loop(self) -> None:
        store = self._store
        assert store is not None
        next_claim = time.monotonic() + self._lease / 3
        while True:
            self._writer_wake.wait(self._sync_interval)
            self._writer_wake.clear()
            if os.getpid() != self._pid:
                return
            stopping = self._stopping
            try:
                if not self._store_open:  # a forked child: a new owner on a new connection
                    LIVE_OWNERS.add(self._owner)
                    store.open(self._owner, self._lease)
                    self._store_open = True
                self._write_once()
                if not stopping and time.monotonic() >= next_claim:
                    with self._store_lock:
                        store.renew(self._owner, self._lease)
                    self._claim()
                    next_claim = time.monotonic() + self._lease / 3
                elif self._fleet and not stopping:
                    self._claim()  # a fleet store hands out its partitions' messages every round
                self._count_off_handed_over()
            except Exception as error:
                logger.warning(
                    "%s: writing to %s failed (retrying): %s", self._name, self._store_name(), error
                )
            finally:
                with self._cond:
                    self._synced += 1
                    self._idle.notify_all()
            if stopping:
                return

    def _write_once(self, *, final: bool = False) -> None:
        """Commit what was accepted since the last write, and remove what settled, in one transaction.

        `final`: at shutdown, `_unwritten` holds exactly what must stay in the store.
        """
        store, codec = self._store, self._codec
        assert store is not None
        assert codec is not None
        with self._cond:
            batch = self._unwritten if final else [m for m in self._unwritten if not m.settled]
            removed = self._removed
            self._unwritten, self._removed = [], []
            self._record_outcomes()
        if not batch and not removed:
            return
        added: list[tuple[str, bytes]] = []
        kept: list[_Message] = []
        for message in batch:
            try:
                added.append((message.key, codec.encode(message.payload)))
            except Exception as error:
                logger.warning("%s: a message cannot be stored (kept in memory only): %s", self._name, error)
                continue
            kept.append(message)
        try:
            with self._store_lock:
                ids = store.write(self._owner, added, removed)
        except BaseException:
            with self._cond:  # written by the next round
                self._unwritten[:0] = kept
                self._removed[:0] = removed
            raise
        if self._fleet:
            self._handed_over_to_fleet(batch, kept, ids)
            return
        late: list[int] = []
        with self._cond:
            for message, stored in zip(kept, ids, strict=True):
                message.stored = stored
                if message.settled and not final:  # settled while it was being written
                    late.append(stored)
        if late:
            try:
                with self._store_lock:
                    store.write(self._owner, (), late)
            except BaseException:
                with self._cond:
                    self._removed.extend(late)
                raise

    def _remove_delivered(self, batch: list[_Message], results: Sequence[SendResult]) -> None:
        """Take delivered messages out of the store before they count as settled.

        At once, not in the writer's next round: a message is sent again after a crash only if
        it was in flight (sent, its removal not yet committed), never because it waited for a round.
        """
        store = self._store
        assert store is not None
        done = [
            message
            for message, result in zip(batch, results, strict=True)
            if result.verdict is Verdict.DELIVERED and message.stored is not None
        ]
        if not done or os.getpid() != self._pid or not self._store_open:
            return
        try:
            with self._store_lock:
                store.write(
                    self._owner, (), [message.stored for message in done if message.stored is not None]
                )
        except Exception as error:
            logger.warning(
                "%s: removing delivered messages from %s failed: %s", self._name, self._store_name(), error
            )
            return
        with self._cond:
            for message in done:
                message.stored = None

    def _handed_over_to_fleet(
        self, batch: list[_Message], kept: list[_Message], ids: Sequence[int | None]
    ) -> None:
        """Written to a fleet store: the store's now, pending here until this round's claim is queued.

        An id of None: the store could not take it and says to drop it (Redis down, `on_outage=drop`).
        """
        refused = [message for message, stored in zip(kept, ids, strict=True) if stored is None]
        with self._cond:
            for message in kept:
                message.settled = True
            self._handed_over += len(kept) - len(refused)
            unstored = [message for message in batch if not message.settled]
            for message in (*unstored, *refused):
                message.settled = False
                self._settle(message, "dropped")
        for message in unstored:
            self._report(MessageDropped("it cannot be encoded for the store"), message.payload)
        for message in refused:
            self._report(MessageDropped(f"{self._store_name()} was unreachable"), message.payload)

    def _record_outcomes(self) -> None:
        """Tell a fleet store the outcomes since the last call (it counts the fleet's). Under _cond."""
        record = getattr(self._store, "record_outcomes", None)
        if record is not None:
            counters = attrs.asdict(self._counters)
            record({name: n - getattr(self._recorded, name) for name, n in counters.items()})
            self._recorded = _Counters(**counters)

    def _count_off_handed_over(self) -> None:
        with self._cond:
            if self._handed_over:
                self._pending -= self._handed_over
                self._handed_over = 0
                self._idle.notify_all()

    def _sync_now(self, timeout: float = 5.0) -> None:
        """Wake the writer and wait for one full round (what was accepted until now is stored)."""
        writer = self._writer
        if writer is None or not writer.is_alive():
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self._synced + 2  # the round under way may have started before this call
            while self._synced < target and writer.is_alive():
                self._writer_wake.set()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._idle.wait(min(remaining, self._sync_interval))

    def _close_store(self) -> tuple[int, int]:
        """At shutdown: leave what is still pending in the store for the next process; close it.

        Returns how many are left, and how many of those were in flight: those may have arrived
        and are sent again at the next start, so each is reported as `MessageUnknown`.
        """
        store = self._store
        assert store is not None
        writer = self._writer
        if writer is not None and writer is not threading.current_thread():
            self._writer_wake.set()
            writer.join(5.0)
        with self._cond:
            left = [message for lane in self._lanes.values() for message in lane if not message.settled]
            in_flight = [message for message in left if self._in_flight.get(message.key) is message]
            self._counters.unknown += len(in_flight)
            self._unwritten = [message for message in self._unwritten if not message.settled]
            for message in left:
                message.settled = True  # neither delivered nor dropped: left in the store
                self._pending -= 1
            self._lanes.clear()
            self._ready.clear()
            self._timers.clear()
            self._idle.notify_all()
        try:
            if os.getpid() == self._pid and self._store_open:
                self._write_once(final=True)  # the left ones not written yet, and what settled
                self._count_off_handed_over()
                with self._store_lock:
                    store.release(self._owner)
                if left:
                    logger.info(
                        "%s: %d undelivered messages stay in %s for the next start",
                        self._name,
                        len(left),
                        self._store_name(),
                    )
        except Exception as error:
            logger.warning("%s: closing %s failed: %s", self._name, self._store_name(), error)
            # Not stored, so not sent again: dropped; one in flight is reported below, as unknown.
            flying = {id(message) for message in in_flight}
            lost = [message for message in left if message.stored is None and id(message) not in flying]
            for message in lost:
                self._report(
                    MessageDropped(f"it could not be written to the store: {error}"), message.payload
                )
        finally:
            self._store_open = False  # a send that returns later must not touch what is released
            LIVE_OWNERS.discard(self._owner)
            try:
                store.close()
            except Exception:
                logger.debug("%s: closing the store failed", self._name, exc_info=True)
        why = (
            "it was in flight when the shutdown timeout expired; it stays in the store and is sent "
            "again at the next start, so it may arrive twice"
        )
        for message in in_flight:
            self._report(MessageUnknown(why), message.payload)
        return len(left), len(in_flight)

    # -- process lifecycle ------------------------------------------------------------------------------

    def _after_fork_in_child(self) -> None:
        # The parent's queue stays the parent's: the child starts empty, with fresh locks and no
        # worker threads (they did not survive the fork); senders are made anew on first use.
        closed = self._closed
        self._reset_state()
        self._closed = closed


def _positive_int(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")


_engines: weakref.WeakSet[DeliveryEngine] = weakref.WeakSet()
# Held while a worker makes its sender, which imports what it sends with (the lean connection,
# `ssl`) on first use; a fork waits for it, since a fork in the middle of an import leaves the
# child a half-initialized module, and the child's workers fail with ImportError.
_making_sender = threading.Lock()


def _shutdown_all_at_exit() -> None:
    # Never raises, and one engine failing never keeps the others from delivering. The engines
    # deliver at once, each within its shutdown_timeout: an exit takes the longest, not the sum.
    engines = [engine for engine in list(_engines) if not engine.closed or engine.stats().pending]
    threads, here = [], engines[:1]
    for engine in engines[1:]:
        thread = threading.Thread(
            target=_shutdown_at_exit, args=(engine,), name="trackapis-exit", daemon=True
        )
        try:
            thread.start()
        except RuntimeError:  # Python 3.12.0-3.12.1 refuse new threads at exit (cpython#113964)
            here.append(engine)
        else:
            threads.append(thread)
    for engine in here:
        _shutdown_at_exit(engine)
    for thread in threads:
        thread.join()


def _shutdown_at_exit(engine: DeliveryEngine) -> None:
    try:
        engine.shutdown()
    except BaseException:
        with contextlib.suppress(Exception):
            logger.exception("%s: delivering at exit failed", engine._name)


def live_engines() -> list[DeliveryEngine]:
    """The engines of this process that are not shut down (for the SIGTERM handler)."""
    return [engine for engine in list(_engines) if not engine.closed or engine.stats().pending]


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
os.register_at_fork(
    before=_making_sender.acquire,
    after_in_parent=_making_sender.release,
    after_in_child=_making_sender.release,
)
