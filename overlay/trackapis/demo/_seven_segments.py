"""The demo's 7SEGMENTS section: many customers and their events through buffered /bulk, then an export."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from typing import Any, Final

from ..seven_segments import (
    AuthenticatedSevenSegmentsClient,
    FunnelResult,
    RetryPolicy,
    SevenSegmentsClient,
    SevenSegmentsCommand,
)
from ..testing import SevenSegmentsFake, serve
from ._section import FaultSchedule, SectionReport, WorkloadSection

TOKEN: Final = "demo-company-token"
USERNAME: Final = "demo-user"
PASSWORD: Final = "demo-password"
FUNNEL_ID: Final = "checkout-funnel"
_FUNNEL: Final = {
    "success": True,
    "name": "Checkout funnel",
    "steps": ["view", "cart", "purchase"],
    "total": {"counts": [1200, 430, 120], "times": [-1, 95, 310], "metric": 120},
    "drill_down": {"type": "none", "series": []},
    "metric": {"step": 2, "property": "amount"},
}
_EVENTS: Final = ("view", "cart", "purchase", "refund", "review")
_COUNTRIES: Final = ("SK", "CZ", "AT", "DE", "PL")
# More retries than the faults below inject in all (6 + 4 + 10), so that even a command that
# meets every one of them is delivered: the demo shows recovery, not loss.
_POLICY: Final = RetryPolicy(max_retries=22, backoff_initial=0.02, backoff_max=0.3, retry_after_cap=1.0)


class SevenSegmentsSection(WorkloadSection):
    """Customers (identified by registered id, some first by cookie) and events, buffered into /bulk.

    Args:
        customers: How many customers.
        events: How many events, over those customers.
        rate: Commands queued per second; 0 queues as fast as possible.
        faults: Inject 5xx bursts, 429 with Retry-After, per-command `retry` results and slow
            responses while it runs, and a 503 before the export.
        seed: For the workload's random choices.
    """

    api = "7SEGMENTS"

    def __init__(
        self,
        *,
        customers: int = 500,
        events: int = 2500,
        rate: float = 2000.0,
        faults: bool = True,
        seed: int = 7,
    ) -> None:
        super().__init__(rate=rate, faults=faults, seed=seed)
        self._customers = customers
        self._events = events
        self._fake: SevenSegmentsFake | None = None
        self._queued_at: dict[int, float] = {}
        self._sent_events: dict[str, list[int]] = defaultdict(list)
        self._sent_properties: dict[str, dict[str, Any]] = {}
        self._export: FunnelResult | None = None
        self._export_error: str | None = None
        self.notes: list[str] = []

    def planned(self) -> int:
        return self._customers + self._events

    def run(self, stack: contextlib.ExitStack) -> SectionReport:
        fake = stack.enter_context(serve(SevenSegmentsFake(USERNAME, PASSWORD, company_tokens={TOKEN})))
        fake.validate = False  # the table should measure the client, not the fake's validation
        fake.add_analysis("funnel", FUNNEL_ID, _FUNNEL)
        self._fake = fake
        client = SevenSegmentsClient(
            TOKEN,
            base_url=fake.url,
            background=True,
            retry_policy=_POLICY,
            max_in_flight=8,
            flush_interval=0.02,
            on_delivered=self._delivered,
        )
        # Faults at fixed fractions of the workload's planned duration, so every size meets them all.
        duration = self.planned() / self._rate if self._rate > 0 else 1.0
        schedule = FaultSchedule(self._fault_steps(fake, duration) if self._faults else [])
        report = self._drive(client, schedule, lambda started: self._push(client, started))
        self._run_export(fake)
        return report

    def verify(self) -> list[str]:
        fake = self._fake
        assert fake is not None, "run() first"
        arrived = {
            customer_id: [int(str(event.properties["seq"])) for event in stored.events]
            if (stored := fake.customer(TOKEN, registered=customer_id))
            else []
            for customer_id in self._sent_events
        }
        problems = self._order_problems("customer ", self._sent_events, arrived)
        problems += self._duplicate_problems(arrived)
        for customer_id, properties in self._sent_properties.items():
            stored = fake.customer(TOKEN, registered=customer_id)
            if stored is None or any(stored.properties.get(k) != v for k, v in properties.items()):
                problems.append(f"7SEGMENTS: customer {customer_id}'s properties are not the ones last sent")
        if self._export_error is not None:
            problems.append(f"7SEGMENTS: the analysis export failed: {self._export_error}")
        elif self._export is None or self._export.steps != _FUNNEL["steps"]:
            problems.append("7SEGMENTS: the analysis export did not return the funnel the fake holds")
        return problems

    # -- internals -------------------------------------------------------------------------------

    def _push(self, client: SevenSegmentsClient, started: float) -> None:
        ids = [f"customer-{number:04d}" for number in range(self._customers)]
        plan = self._signup_plan(ids, self._events, "customer")
        for seq, (kind, customer_id) in enumerate(plan):
            self._queued_at[seq] = time.monotonic()
            if kind == "customer":
                properties: dict[str, Any] = {
                    "first_name": f"Customer {customer_id[9:]}",
                    "country": self._rng.choice(_COUNTRIES),
                    "seq": seq,
                }
                self._sent_properties[customer_id] = properties
                client.update(customer_id, properties)
            else:
                self._sent_events[customer_id].append(seq)
                client.track(
                    customer_id,
                    self._rng.choice(_EVENTS),
                    properties={"seq": seq, "amount": round(self._rng.uniform(1, 200), 2)},
                    timestamp=time.time(),
                )
            self._pace(started, seq + 1)

    def _run_export(self, fake: SevenSegmentsFake) -> None:
        if self._faults:
            fake.faults.fail_next(1, status=503, retry_after=0)
            self.fired.append("a 503 before the export")
        started = time.monotonic()
        try:
            with AuthenticatedSevenSegmentsClient(
                USERNAME, PASSWORD, base_url=fake.url, retry_policy=_POLICY
            ) as exports:
                funnel = exports.export_analysis("funnel", FUNNEL_ID)
        except Exception as error:  # shown as a failed check, not a crash
            self._export_error = str(error)
            return
        assert isinstance(funnel, FunnelResult)
        self._export = funnel
        self.notes.append(
            f"export: funnel {funnel.name!r}, steps {' > '.join(funnel.steps)}, "
            f"counts {funnel.total.counts} ({(time.monotonic() - started) * 1000:.0f} ms)"
        )

    def _delivered(self, command: SevenSegmentsCommand) -> None:
        seq = command.data.get("properties", {}).get("seq")
        self._record_latency(self._queued_at.get(seq) if isinstance(seq, int) else None)

    @staticmethod
    def _fault_steps(fake: SevenSegmentsFake, duration: float) -> list[tuple[float, str, Any]]:
        faults = fake.faults
        return [
            (0.1 * duration, "a burst of 6 HTTP 500", lambda: faults.fail_next(6, status=500)),
            (
                0.25 * duration,
                "10 /bulk commands answered 'retry'",
                lambda: fake.script_bulk(*(("retry",) * 10)),
            ),
            (
                0.4 * duration,
                "4 HTTP 429 with Retry-After: 1",
                lambda: faults.fail_next(4, status=429, retry_after=1),
            ),
            (0.55 * duration, "slow responses (+40 ms each) for a while", lambda: faults.add_latency(0.04)),
            (0.75 * duration, "responses fast again", lambda: faults.add_latency(0)),
        ]
