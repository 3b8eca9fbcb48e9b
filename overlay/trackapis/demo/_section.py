"""What one API contributes to the demo, and what it reports.

A section starts its fake, pushes its workload through the API's public facade while faults are
injected, and then checks the fake's records. The runner knows nothing of any API: it starts the
sections one after another, drives the progress bar from `progress()`, and prints the table.
"""

from __future__ import annotations

import contextlib
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import attrs

from ..delivery import DeliveryStats, FlushResult


@attrs.frozen
class SectionReport:
    """One API's row of the final table.

    `latencies` are seconds from queueing a message to its delivery, one per delivered message.
    """

    api: str
    sent: int
    delivered: int
    retried: int
    failed: int
    dropped: int
    seconds: float
    latencies: Sequence[float] = attrs.field(repr=False)

    @property
    def throughput(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, fraction: float) -> float | None:
        """The latency below which `fraction` of the deliveries fall (nearest rank), in seconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(fraction * len(ordered)))
        return ordered[rank - 1]


class DemoSection(Protocol):
    """One API's part of the demo."""

    api: str
    """The name shown in the table."""

    def planned(self) -> int:
        """How many messages the workload will send (for the progress bar)."""

    def settled(self) -> int:
        """How many messages have an outcome so far (delivered, failed or dropped)."""

    def run(self, stack: contextlib.ExitStack) -> SectionReport:
        """Serve the fake (entered on `stack`), push the workload with faults, wait for delivery."""

    def verify(self) -> list[str]:
        """What the fake's records show to be wrong: lost, duplicated or reordered messages."""


class FaultSchedule:
    """Fault steps fired at set times after `start()`, in a background thread, while the workload runs.

    Args:
        steps: `(seconds after start, description, action)`, in any order.
    """

    def __init__(self, steps: Sequence[tuple[float, str, Callable[[], None]]]) -> None:
        self._steps = sorted(steps, key=lambda step: step[0])
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[str] = []

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="demo-faults", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        started = time.monotonic()
        for at, description, action in self._steps:
            if self._stop.wait(max(0.0, started + at - time.monotonic())):
                return
            action()
            self.fired.append(description)


class DeliveringClient(Protocol):
    """What a section needs of an API's client in background mode."""

    def stats(self) -> DeliveryStats: ...

    def flush(self, timeout: float | None = None) -> FlushResult: ...

    def close(self, timeout: float | None = None) -> FlushResult: ...


class WorkloadSection:
    """The part of a section every API shares: pacing, timing the run, latencies, the report.

    A subclass builds its fake, client and fault schedule in `run()` and hands them to `_drive()`.

    Args:
        rate: Messages queued per second (the app's pace); 0 queues as fast as possible.
        faults: Whether the subclass injects its faults.
        seed: For the workload's random choices.
    """

    api: str

    def __init__(self, *, rate: float, faults: bool, seed: int) -> None:
        self._rate = rate
        self._faults = faults
        self._rng = random.Random(seed)
        self._client: DeliveringClient | None = None
        # Appended from the engine's worker threads, read once the run is over.
        self._latencies: list[float] = []
        self._lock = threading.Lock()
        self.fired: list[str] = []

    def settled(self) -> int:
        if self._client is None:
            return 0
        stats = self._client.stats()
        return stats.delivered + stats.failed + stats.dropped

    def _drive(
        self, client: DeliveringClient, schedule: FaultSchedule, push: Callable[[float], None]
    ) -> SectionReport:
        """Run `push(started)` with the faults firing, wait for delivery, close `client`; the report."""
        self._client = client
        started = time.monotonic()
        schedule.start()
        try:
            push(started)
            client.flush(timeout=60)
        finally:
            schedule.stop()
            client.close(timeout=5)
        seconds = time.monotonic() - started
        self.fired = schedule.fired
        stats = client.stats()
        with self._lock:
            latencies = list(self._latencies)
        return SectionReport(
            self.api,
            stats.queued,
            stats.delivered,
            stats.retried,
            stats.failed,
            stats.dropped,
            seconds,
            latencies,
        )

    def _pace(self, started: float, sent: int) -> None:
        """Sleep until `sent` messages are due at `rate` since `started`."""
        if self._rate > 0:
            ahead = started + sent / self._rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)

    def _record_latency(self, queued: float | None) -> None:
        """A delivery of a message queued at `queued` (monotonic); None when it was not timed."""
        if queued is not None:
            latency = time.monotonic() - queued
            with self._lock:
                self._latencies.append(latency)

    def _signup_plan(self, ids: Sequence[str], events: int, signup: str) -> list[tuple[str, str]]:
        """`events` events of owners drawn from `ids`, each owner's `signup` just before its first
        event (as an app signs people up as they come); owners without events sign up at the end."""
        owners = [self._rng.choice(ids) for _ in range(events)]
        created: set[str] = set()
        plan: list[tuple[str, str]] = []
        for owner in owners:
            if owner not in created:
                created.add(owner)
                plan.append((signup, owner))
            plan.append(("event", owner))
        return plan + [(signup, owner) for owner in ids if owner not in created]

    def _order_problems(
        self, noun: str, sent: Mapping[str, list[int]], arrived: Mapping[str, list[int]]
    ) -> list[str]:
        """Each owner's events (by sequence number) arrived in order, and none is missing."""
        problems = []
        for owner, seqs in sent.items():
            got = arrived.get(owner, [])
            if got != sorted(got):
                problems.append(f"{self.api}: {noun}{owner}'s events arrived out of order: {got[:10]}")
            lost = sorted(set(seqs) - set(got))
            if lost:
                problems.append(f"{self.api}: {noun}{owner} is missing events {lost[:10]}")
        return problems

    def _duplicate_problems(self, arrived: Mapping[str, list[int]]) -> list[str]:
        """No event (by sequence number) arrived twice."""
        seen = Counter(seq for seqs in arrived.values() for seq in seqs)
        duplicated = sorted(seq for seq, count in seen.items() if count > 1)
        if not duplicated:
            return []
        return [f"{self.api}: {len(duplicated)} events arrived more than once, e.g. {duplicated[:10]}"]
