"""The demo's Attribution.io section: identities and events, with and without client ids."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from ..attributionio import AttributionClient, RetryPolicy, TriggerMessage
from ..testing import AttributionFake, serve
from ._section import FaultSchedule, SectionReport, WorkloadSection

PUBLIC_KEY: Final = "demo-public-key"
SECRET: Final = "demo-secret"
_EVENT_KEYS: Final = ("signup", "trial_started", "checkout", "upgrade")
# More retries than the faults below inject in all (12 + 6), so that even a request that meets
# every one of them is delivered: the demo shows recovery, not loss.
_POLICY: Final = RetryPolicy(max_retries=20, backoff_initial=0.02, backoff_max=0.3, retry_after_cap=1.0)


class AttributionSection(WorkloadSection):
    """Visitors: known customers (your client ids) and anonymous ones (a generated client id each).

    Each event goes out with the identity that links its visitor, as two requests; each
    identity alone is one. The check finds every event once, in per-customer order, and the
    identity of every client id an event used (generated ones included).

    Args:
        customers: Known customers (identified by an email address).
        anonymous: Visitors who trigger one event without a client id (the fallback identity).
        events: Events of the known customers.
        rate: Calls per second; 0 as fast as possible.
        faults: Inject 5xx bursts, 429 with Retry-After and slow responses while it runs.
        seed: For the workload's random choices.
    """

    api = "Attribution.io"

    def __init__(
        self,
        *,
        customers: int = 100,
        anonymous: int = 100,
        events: int = 500,
        rate: float = 1500.0,
        faults: bool = True,
        seed: int = 7,
    ) -> None:
        super().__init__(rate=rate, faults=faults, seed=seed)
        self._customers = customers
        self._anonymous = anonymous
        self._events = events
        self._fake: AttributionFake | None = None
        self._queued_at: dict[str, float] = {}
        self._sent_events: dict[str, list[int]] = defaultdict(list)
        self._generated: set[str] = set()
        self.notes: list[str] = []

    def planned(self) -> int:
        # an identity per known customer; an event is two requests (the event and its identity)
        return self._customers + 2 * (self._events + self._anonymous)

    def run(self, stack: contextlib.ExitStack) -> SectionReport:
        fake = stack.enter_context(serve(AttributionFake(PUBLIC_KEY, SECRET)))
        fake.validate = False  # the table should measure the client, not the fake's validation
        self._fake = fake
        client = AttributionClient(
            PUBLIC_KEY,
            SECRET,
            base_url=fake.url,
            private_base_url=fake.url,
            retry_policy=_POLICY,
            background=True,
            max_in_flight=16,
            on_delivered=self._delivered,
        )
        # Faults at fixed fractions of the workload's planned duration, so every size meets them all.
        duration = (self._customers + self._events + self._anonymous) / self._rate if self._rate > 0 else 1.0
        schedule = FaultSchedule(self._fault_steps(fake, duration) if self._faults else [])
        report = self._drive(client, schedule, lambda started: self._push(client, started))
        self.notes.append(
            f"{self._customers} customers by your client id, {self._anonymous} anonymous visitors "
            f"with a generated one"
        )
        return report

    def verify(self) -> list[str]:
        fake = self._fake
        assert fake is not None, "run() first"
        problems: list[str] = []
        arrived: dict[str, list[int]] = defaultdict(list)
        for event in fake.events:
            arrived[event.client_id].append(_seq_of(event.url))
        problems += self._duplicate_problems(arrived)
        problems += self._order_problems("", self._sent_events, arrived)
        identified = {identity.client_id for identity in fake.identities}
        unlinked = sorted(set(self._sent_events) - identified)
        if unlinked:
            problems.append(f"Attribution.io: no identity arrived for client ids {unlinked[:10]}")
        stray = sorted(set(arrived) - set(self._sent_events))
        if stray:
            problems.append(f"Attribution.io: events arrived under client ids never used: {stray[:10]}")
        return problems

    # -- internals -------------------------------------------------------------------------------

    def _push(self, client: AttributionClient, started: float) -> None:
        emails = [f"customer{number:04d}@example.com" for number in range(self._customers)]
        plan: list[tuple[str, str | None]] = [("identity", email) for email in emails]
        plan += [("event", self._rng.choice(emails)) for _ in range(self._events)]
        plan += [("event", None) for _ in range(self._anonymous)]
        # Identities first for each customer, the rest mixed as visitors come and go.
        head, tail = plan[: self._customers], plan[self._customers :]
        self._rng.shuffle(tail)
        for seq, (kind, client_id) in enumerate(head + tail):
            cookie = f"attrio-{client_id or 'anon'}-{seq}"
            agent = "Mozilla/5.0 (demo)"
            if kind == "identity":
                self._queued_at[f"identity:{client_id}"] = time.monotonic()
                client.trigger_identity(cookie, client_id=client_id, user_agent=agent)
            else:
                url = f"https://shop.example/step?seq={seq}"
                self._queued_at[f"event:{seq}"] = time.monotonic()
                result = client.trigger_event(
                    cookie, self._rng.choice(_EVENT_KEYS), client_id=client_id, user_agent=agent, last_url=url
                )
                if result.client_id_generated:
                    self._generated.add(result.client_id)
                self._sent_events[result.client_id].append(seq)
            self._pace(started, seq + 1)

    def _delivered(self, message: TriggerMessage) -> None:
        event = message.body.get("event")
        if isinstance(event, dict):  # the identities sent with events are not timed separately
            queued = self._queued_at.get(f"event:{_seq_of(str(event.get('url', '')))}")
        else:
            identity = message.body.get("identity", {})
            queued = self._queued_at.pop(f"identity:{identity.get('client_id')}", None)
        self._record_latency(queued)

    @staticmethod
    def _fault_steps(fake: AttributionFake, duration: float) -> list[tuple[float, str, Any]]:
        faults = fake.faults
        return [
            (0.1 * duration, "a burst of 12 HTTP 502", lambda: faults.fail_next(12, status=502)),
            (
                0.3 * duration,
                "6 HTTP 429 with Retry-After: 1",
                lambda: faults.fail_next(6, status=429, retry_after=1),
            ),
            (0.5 * duration, "slow responses (+30 ms each) for a while", lambda: faults.add_latency(0.03)),
            (0.8 * duration, "responses fast again", lambda: faults.add_latency(0)),
        ]


def _seq_of(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("seq", ["-1"])
    try:
        return int(values[0])
    except ValueError:
        return -1
