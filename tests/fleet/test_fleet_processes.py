"""Fleets of real processes on one real redis-server: a kill -9, a Redis restart, the shared rate limit.

Each producer is a subprocess with an `InteraktClient(store="redis://...")` sending to an Interakt fake
(20 ms a request) served by this test process. Events are named by (process, n), so the fake's
records show what was lost, what came twice, and in which order each user's events arrived.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

import pytest
import redis
from fleet_redis import RedisServer

from trackapis.delivery._redis_rate import window_capacity
from trackapis.testing import InteraktFake, serve

KEY = "test-interakt-key"
USERS = 200
LATENCY = 0.02
# Scaled: the limit is counted over 1 s windows (`rate_window=1`) instead of 60 s, so that a short
# run shows it; high enough that the fleet's own speed is not what holds it back... and low enough
# that it is the limit, not the machine, that caps a fleet on two cores.
RATE_PER_MINUTE = 12_000
MAX_IN_FLIGHT = 12

PRODUCER = """
import inspect, json, os, sys, time
from trackapis.interakt import InteraktClient

proc, events, pace = int(os.environ["PROC"]), int(os.environ["EVENTS"]), float(os.environ["PACE"])
where = "base_url" if "base_url" in inspect.signature(InteraktClient).parameters else "host"
client = InteraktClient(
    os.environ["FAKE_KEY"],
    store=os.environ["STORE"],
    rate_limit_per_minute=float(os.environ["RATE"]),
    max_in_flight=int(os.environ["MAX_IN_FLIGHT"]),
    shutdown_timeout=30,
    **{where: os.environ["FAKE_URL"]},
)
slowest = 0.0
for n in range(events):
    started = time.perf_counter()
    client.event("Step", user_id=f"user-{n % int(os.environ['USERS'])}", traits={"proc": proc, "n": n})
    slowest = max(slowest, time.perf_counter() - started)
    if pace:
        time.sleep(pace)
print(json.dumps({"accepted": events, "slowest_submit": slowest}), flush=True)
sys.stdin.read()  # until the test says stop (or kills this process)
result = client.shutdown()
failed_over = client._engine._store.failed_over  # the store's counter (a test may look inside)
print(json.dumps({"pending": result.pending, "failed_over": failed_over}), flush=True)
"""


def _producer(
    fake: InteraktFake, store: str, proc: int, events: int, pace: float = 0.0
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FAKE_URL": fake.url,
        "FAKE_KEY": KEY,
        "STORE": store,
        "PROC": str(proc),
        "EVENTS": str(events),
        "PACE": str(pace),
        "RATE": str(RATE_PER_MINUTE),
        "USERS": str(USERS),
        "MAX_IN_FLIGHT": str(MAX_IN_FLIGHT),
    }
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(PRODUCER)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Arrivals:
    """The events a fake received, read incrementally (the fake's record grows while producers run)."""

    def __init__(self, fake: InteraktFake) -> None:
        self.fake = fake
        self.read = 0
        self.events: list[tuple[float, str, int, int]] = []  # (arrival time, user, process, n)
        self.distinct: set[tuple[int, int]] = set()

    def update(self) -> Arrivals:
        requests = self.fake.requests[self.read :]
        self.read += len(requests)
        for request in requests:  # the fake records a request when it arrives, before it answers
            body = request.json()
            traits = body.get("traits") or {}
            if "proc" in traits:
                event = (request.received_at, str(body.get("userId")), int(traits["proc"]), int(traits["n"]))
                self.events.append(event)
                self.distinct.add(event[2:])
        return self

    def at_least(self, count: int) -> Callable[[], bool]:
        return lambda: len(self.update().distinct) >= count

    def sorted(self) -> list[tuple[float, str, int, int]]:
        return sorted(self.update().events)


def _wait_for(
    what: str, condition: Callable[[], bool], timeout: float, processes: list[subprocess.Popen[str]]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            errors = [p.stderr.read() if p.poll() is not None and p.stderr else "" for p in processes]
            raise AssertionError(f"timed out waiting for {what}; stderr of exited producers: {errors}")
        time.sleep(0.25)


def _stop(processes: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for process in processes:
        if process.poll() is None:
            out, err = process.communicate("", timeout=60)
            assert process.returncode == 0, err
            outputs.append(out)
    return outputs


def _reap(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()  # closes its pipes


def _check_order_and_count(
    arrivals: list[tuple[float, str, int, int]], expected: set[tuple[int, int]]
) -> Counter[tuple[int, int]]:
    seen = Counter((proc, n) for _, _, proc, n in arrivals)
    missing = expected - set(seen)
    assert not missing, f"{len(missing)} events never arrived, e.g. {sorted(missing)[:5]}"
    # Per user (and producer, whose order is the one it submitted in): first arrivals in order.
    firsts: dict[tuple[str, int], list[int]] = defaultdict(list)
    done: set[tuple[int, int]] = set()
    for _, user, proc, n in arrivals:
        if (proc, n) not in done:
            done.add((proc, n))
            firsts[user, proc].append(n)
    out_of_order = {who: ns for who, ns in firsts.items() if ns != sorted(ns)}
    assert not out_of_order, f"out of order: {list(out_of_order.items())[:3]}"
    return seen


def _busiest_window(times: list[float], window: float) -> int:
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - window:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.fixture
def fleet_fake() -> Iterator[InteraktFake]:
    """An Interakt fake of the test's own, 20 ms a request, without spec validation: validating
    (covered by the other tests) costs 8x the rest of a request and would set the pace here."""
    with serve(InteraktFake(KEY)) as fake:
        fake.validate = False
        fake.faults.add_latency(LATENCY)
        yield fake


def test_four_processes_one_killed_every_event_delivered_in_order_within_the_limit(
    fleet_fake: InteraktFake, own_redis_server: RedisServer
) -> None:
    events = 2000
    store = own_redis_server.store_url("fleet", lease=2, rate_window=1)
    processes = [_producer(fleet_fake, store, proc, events) for proc in range(4)]
    victim = processes[0]
    counters = redis.Redis(port=own_redis_server.port)
    arrivals = Arrivals(fleet_fake)
    try:
        # Once every event is in Redis (and a quarter delivered), kill -9 one producer mid-run.
        _wait_for(
            "every event written to Redis",
            lambda: int(counters.hget("{fleet:interakt}:stats", "queued") or 0) == 4 * events,
            60,
            processes,
        )
        _wait_for("a quarter delivered", arrivals.at_least(events), 120, processes)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        killed_at = time.time()
        _wait_for("every event delivered", arrivals.at_least(4 * events), 300, processes)
        outputs = _stop(processes[1:])
    finally:
        _reap(processes)
    seen = _check_order_and_count(arrivals.sorted(), {(proc, n) for proc in range(4) for n in range(events)})
    duplicates = sum(count - 1 for count in seen.values())
    # Only what the killed process had in flight may come twice.
    assert duplicates <= MAX_IN_FLIGHT, f"{duplicates} duplicates"
    # Its partitions' messages, its own among them, were delivered by the others after it died.
    after_kill = [a for a in arrivals.events if a[0] > killed_at + 0.5]
    assert any(proc == 0 for _, _, proc, _ in after_kill)
    # The fleet's limit, measured where it matters: at the server.
    capacity = window_capacity(RATE_PER_MINUTE, 1.0)
    busiest = _busiest_window([at for at, *_ in arrivals.sorted()], 1.0)
    assert busiest <= capacity, f"{busiest} requests in one second, the limit is {capacity}"
    assert all('"pending": 0' in out.splitlines()[-1] for out in outputs)
    print(f"duplicates={duplicates} busiest_second={busiest}/{capacity} requests={len(arrivals.events)}")


def test_a_redis_restart_mid_run_loses_nothing_and_never_blocks_the_callers(
    fleet_fake: InteraktFake, own_redis_server: RedisServer
) -> None:
    events = 1000
    store = own_redis_server.store_url("restart", lease=2, rate_window=1)
    # Paced producers (5 s or more each), so that Redis is down while they are still sending.
    processes = [_producer(fleet_fake, store, proc, events, pace=0.005) for proc in range(2)]
    arrivals = Arrivals(fleet_fake)
    counters = redis.Redis(port=own_redis_server.port)
    try:
        _wait_for(
            "a quarter written to Redis",
            lambda: int(counters.hget("{restart:interakt}:stats", "queued") or 0) >= events // 2,
            120,
            processes,
        )
        counters.close()
        own_redis_server.restart(downtime=1.0)
        _wait_for("every event delivered", arrivals.at_least(2 * events), 300, processes)
        outputs = _stop(processes)
    finally:
        _reap(processes)
    _check_order_and_count_without_order_across_failover(
        arrivals.sorted(), {(proc, n) for proc in range(2) for n in range(events)}
    )
    failed_over = 0
    for out in outputs:
        accepted, finished = (json.loads(line) for line in out.splitlines()[:2])
        assert accepted["accepted"] == events
        # Never blocked: no call waited for Redis (one that did would take the socket timeout, 2 s).
        assert accepted["slowest_submit"] < 1.5, accepted
        failed_over += finished["failed_over"]
    print(f"failed over to memory while Redis was down: {failed_over}")


def _check_order_and_count_without_order_across_failover(
    arrivals: list[tuple[float, str, int, int]], expected: set[tuple[int, int]]
) -> None:
    seen = {(proc, n) for _, _, proc, n in arrivals}
    missing = expected - seen
    assert not missing, f"{len(missing)} events never arrived, e.g. {sorted(missing)[:5]}"
