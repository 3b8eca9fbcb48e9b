"""The demo's Interakt section: thousands of users and events through `InteraktClient`, under faults."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from typing import Any, Final

from ..interakt import InteraktClient, InteraktMessage, RetryPolicy
from ..testing import InteraktFake, serve
from ._section import FaultSchedule, SectionReport, WorkloadSection

API_KEY: Final = "demo-interakt-key"
_PLANS: Final = ("free", "gold", "platinum")
_EVENTS: Final = ("Product Viewed", "Added To Cart", "Order Placed", "Order Delivered", "Review Written")
# Faults come in bursts consumed by 16 concurrent senders, so one message meets a few of them at
# most; 20 retries (as the other sections allow) make a lost message a bug, not bad luck.
_POLICY: Final = RetryPolicy(max_retries=20, backoff_initial=0.05, backoff_max=0.5, retry_after_cap=1.0)


class InteraktSection(WorkloadSection):
    """Users and their events, spread over many users, in per-user order.

    Args:
        users: How many users.
        events: How many events, over those users.
        rate: Messages queued per second (the app's pace); 0 queues as fast as possible.
        faults: Inject 5xx bursts, 429 with Retry-After, and slow responses while it runs.
        seed: For the workload's random choices.
    """

    api = "Interakt"

    def __init__(
        self,
        *,
        users: int = 300,
        events: int = 3000,
        rate: float = 1000.0,
        faults: bool = True,
        seed: int = 7,
    ) -> None:
        super().__init__(rate=rate, faults=faults, seed=seed)
        self._users = users
        self._events = events
        self._fake: InteraktFake | None = None
        self._queued_at: dict[int, float] = {}
        # What was sent, to check against the fake: each user's event sequence numbers in order,
        # and each user's last traits.
        self._sent_events: dict[str, list[int]] = defaultdict(list)
        self._sent_traits: dict[str, dict[str, Any]] = {}

    def planned(self) -> int:
        return self._users + self._events

    def run(self, stack: contextlib.ExitStack) -> SectionReport:
        fake = stack.enter_context(serve(InteraktFake(api_key=API_KEY)))
        # Spec validation costs the fake milliseconds a request, which would make the table
        # measure the fake; the contract suite checks the requests' shape instead.
        fake.validate = False
        self._fake = fake
        client = InteraktClient(
            API_KEY, base_url=fake.url, retry_policy=_POLICY, max_in_flight=16, on_delivered=self._delivered
        )
        schedule = FaultSchedule(self._fault_steps(fake) if self._faults else [])
        return self._drive(client, schedule, lambda started: self._push(client, started))

    def verify(self) -> list[str]:
        fake = self._fake
        assert fake is not None, "run() first"
        arrived = {
            user_id: [int(str(event.traits["seq"])) for event in user.events]
            if (user := fake.user(user_id))
            else []
            for user_id in self._sent_events
        }
        problems = self._order_problems("user ", self._sent_events, arrived)
        problems += self._duplicate_problems(arrived)
        for user_id, traits in self._sent_traits.items():
            stored = fake.user(user_id)
            if stored is None or any(stored.traits.get(key) != value for key, value in traits.items()):
                problems.append(f"Interakt: user {user_id}'s traits are not the ones last sent")
        return problems

    # -- internals -------------------------------------------------------------------------------

    def _push(self, client: InteraktClient, started: float) -> None:
        user_ids = [f"user-{number:04d}" for number in range(self._users)]
        plan = self._signup_plan(user_ids, self._events, "user")
        for seq, (kind, user_id) in enumerate(plan):
            if kind == "user":
                traits: dict[str, Any] = {
                    "name": f"Customer {user_id[5:]}",
                    "plan": self._rng.choice(_PLANS),
                    "seq": seq,
                }
                self._sent_traits[user_id] = traits
                self._queued_at[seq] = time.monotonic()
                client.user(user_id=user_id, traits=traits)
            else:
                traits = {"seq": seq, "value": round(self._rng.uniform(5, 500), 2)}
                self._sent_events[user_id].append(seq)
                self._queued_at[seq] = time.monotonic()
                client.event(self._rng.choice(_EVENTS), user_id=user_id, traits=traits)
            self._pace(started, seq + 1)

    def _delivered(self, message: InteraktMessage) -> None:
        seq = message.body.get("traits", {}).get("seq")
        self._record_latency(self._queued_at.get(seq) if isinstance(seq, int) else None)

    @staticmethod
    def _fault_steps(fake: InteraktFake) -> list[tuple[float, str, Any]]:
        faults = fake.faults
        return [
            (0.5, "a burst of 40 HTTP 500", lambda: faults.fail_next(40, status=500)),
            (1.2, "20 HTTP 429 with Retry-After: 1", lambda: faults.fail_next(20, status=429, retry_after=1)),
            (1.8, "slow responses (+50 ms each) for 1 s", lambda: faults.add_latency(0.05)),
            (2.8, "responses fast again", lambda: faults.add_latency(0)),
            (3.0, "a burst of 30 HTTP 503 with Retry-After: 1", lambda: faults.fail_next(30, status=503)),
        ]
