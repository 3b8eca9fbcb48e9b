"""What one API contributes to the demo, and what it reports.

A section starts its fake, pushes its workload through the API's public facade while faults are
injected, and then checks the fake's records. The runner knows nothing of any API: it starts the
sections one after another, drives the progress bar from `progress()`, and prints the table.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import attrs


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
