"""Benchmark the Redis fleet store against the memory store in one run: `scripts/bench fleet [--write]`.

The Interakt workload (events for 1,000 users, 20 ms added latency at a loopback fake with spec
validation off) through 1, 2 and 4 producer processes, each with its own `InteraktClient`, first
with `store="memory"` (each process delivers its own share) and then with one `store="redis://..."`
(the processes share one queue). Reports delivered events/s (all events, from the first accepted to
the last arrived at the fake), the median caller-side cost of `client.event()`, and what Redis
holds per queued message. A real redis-server is started on 127.0.0.1 in a temp dir.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fleet"))

from fleet_redis import RedisServer, find_redis_server  # noqa: E402

from trackapis.testing import InteraktFake, serve  # noqa: E402

LATENCY = 0.02
START, END = "<!-- bench:fleet:start -->", "<!-- bench:fleet:end -->"
USERS = 1000

WORKER = """
import inspect, json, os, statistics, sys, time
from trackapis.interakt import InteraktClient

where = "base_url" if "base_url" in inspect.signature(InteraktClient).parameters else "host"
client = InteraktClient(
    "bench-key", store=os.environ["STORE"], shutdown_timeout=60, **{where: os.environ["URL"]}
)
first, count, users = int(os.environ["FIRST"]), int(os.environ["COUNT"]), int(os.environ["USERS"])
sys.stdin.readline()  # start together
started = time.time()
costs = []
for n in range(first, first + count):
    t = time.perf_counter_ns()
    traits = {"orderNumber": f"CUS{n}", "orderValue": "50.00"}
    client.event("Order Placed", user_id=f"user-{n % users}", traits=traits)
    costs.append(time.perf_counter_ns() - t)
print(json.dumps({"started": started, "median_us": statistics.median(costs) / 1000}), flush=True)
sys.stdin.readline()  # until every event arrived
client.shutdown(5)
"""


def run(fake: InteraktFake, store: str, processes: int, events: int) -> dict[str, float]:
    fake.reset()  # `requests` is a list: counting it costs nothing beside the fake (`events` is built)
    fake.faults.add_latency(LATENCY)
    share = events // processes
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WORKER)],
            env={
                **os.environ,
                "STORE": store,
                "URL": fake.url,
                "FIRST": str(i * share),
                "COUNT": str(share),
                "USERS": str(USERS),
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    try:
        time.sleep(1.5)  # imports and connections, not measured
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            assert worker.stdout is not None
            reports.append(json.loads(worker.stdout.readline()))
        deadline = time.monotonic() + 600
        while len(fake.requests) < share * processes:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{store}: {len(fake.requests)} of {share * processes} arrived")
            time.sleep(0.02)
        finished = time.time()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.communicate("stop\n", timeout=120)
    started = min(report["started"] for report in reports)
    return {
        "events_per_s": share * processes / (finished - started),
        "median_us": statistics.median(report["median_us"] for report in reports),
    }


def bytes_per_message(server: RedisServer, messages: int = 10_000) -> tuple[float, float]:
    """What Redis holds per queued message: the realistic payload, written and not yet delivered."""
    import redis

    from trackapis.delivery._redis import RedisStore
    from trackapis.interakt._codec import InteraktCodec
    from trackapis.interakt._payload import InteraktMessage

    client = redis.Redis(port=server.port)
    store = RedisStore(server.store_url("memory-probe"))
    store.open("probe", 10.0)
    codec = InteraktCodec()
    added = [
        (
            f"user-{n % USERS}",
            codec.encode(
                InteraktMessage(
                    "/v1/public/track/events/",
                    {
                        "userId": f"user-{n % USERS}",
                        "event": "Order Placed",
                        "traits": {"orderNumber": f"CUS{n}", "orderValue": "50.00"},
                    },
                )
            ),
        )
        for n in range(messages)
    ]
    before = int(client.info("memory")["used_memory"])
    for start in range(0, messages, 500):
        store.write("probe", added[start : start + 500], [])
    after = int(client.info("memory")["used_memory"])
    payload = statistics.mean(len(data) for _, data in added)
    store.release("probe")
    store.close()
    client.close()
    return (after - before) / messages, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", type=int, default=4000, help="events in each run, shared by its processes"
    )
    parser.add_argument("--write", action="store_true", help="write the table into docs/fleet.md")
    args = parser.parse_args()
    binary = find_redis_server()
    if binary is None:
        raise SystemExit("no redis-server: see scripts/_env.sh (ensure_redis_server)")
    fake = InteraktFake(api_key="bench-key")
    fake.validate = False
    rows = []
    with (
        tempfile.TemporaryDirectory() as directory,
        RedisServer(Path(directory), binary) as server,
        serve(fake),
    ):
        fake.faults.add_latency(LATENCY)
        for processes in (1, 2, 4):
            memory = run(fake, "memory", processes, args.events)
            fleet = run(fake, server.store_url(f"bench{processes}"), processes, args.events)
            rows.append((processes, memory, fleet))
        per_message, payload = bytes_per_message(server)
    lines = [
        "| processes | memory: events/s | Redis: events/s | memory: `event()` us | Redis: `event()` us |",
        "|---|---|---|---|---|",
    ]
    for processes, memory, fleet in rows:
        lines.append(
            f"| {processes} | {memory['events_per_s']:,.0f} | {fleet['events_per_s']:,.0f} "
            f"| {memory['median_us']:.1f} | {fleet['median_us']:.1f} |"
        )
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    lines += [
        "",
        f"Measured by `scripts/bench fleet` ({machine}, {os.cpu_count()} cores; {args.events} events over "
        f"{USERS} users per run, {LATENCY * 1000:.0f} ms added latency, one run each).",
        f"Redis memory per queued message: {per_message:,.0f} bytes "
        f"(Interakt event of {payload:.0f} bytes encoded; 10,000 messages, `used_memory` before and after).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        docs = ROOT / "docs" / "fleet.md"
        head, rest = docs.read_text().split(START, 1)
        _, tail = rest.split(END, 1)
        docs.write_text(f"{head}{START}\n{text}\n{END}{tail}")
        print("\nwritten into docs/fleet.md")


if __name__ == "__main__":
    main()
