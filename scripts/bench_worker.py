"""One benchmark measurement in a fresh process; prints one JSON line. Run by scripts/benchmark.py.

It runs with either this project's `track` or the original `interakt-track-python` (both are
imported as `track`), or with a bare httpx loop, so it uses only what all of them offer.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time


def _events(n: int) -> list[dict[str, object]]:
    return [
        {
            "user_id": f"user-{i % 100}",
            "event": "Order Placed",
            "traits": {"orderNumber": f"CUS{i}", "orderValue": "50.00"},
        }
        for i in range(n)
    ]


def _configure(track: object, url: str) -> None:
    track.api_key = "bench-key"  # type: ignore[attr-defined]
    track.host = url  # type: ignore[attr-defined]
    if hasattr(track, "shutdown_timeout"):  # ours: do not linger at exit
        track.shutdown_timeout = 0  # type: ignore[attr-defined]
    if os.environ.get("BENCH_STORE"):  # ours only: the durable spool (store=) instead of memory
        track.store = os.environ["BENCH_STORE"]  # type: ignore[attr-defined]


def _send_and_flush(track: object, events: list[dict[str, object]]) -> dict[str, float]:
    started = time.perf_counter()
    for event in events:
        track.event(**event)  # type: ignore[attr-defined]
    track.flush()  # type: ignore[attr-defined]
    return {"seconds": time.perf_counter() - started, "events": len(events)}


def throughput(url: str, n: int) -> dict[str, float]:
    import track

    _configure(track, url)
    return _send_and_flush(track, _events(n))


def burst(url: str, n: int, warm: bool) -> dict[str, float]:
    """n events for n users, cold (the first calls) or warm (one event sent and flushed, then idle)."""
    import track

    _configure(track, url)
    if warm:
        track.event(user_id="warm-up", event="Warm Up")
        track.flush()
        time.sleep(0.6)  # idle: the workers are parked waiting for work
    # One event for each of n users: every event a lane of its own, as after a quiet spell.
    events: list[dict[str, object]] = [
        {"user_id": f"burst-user-{i}", "event": "Order Placed", "traits": {"orderNumber": f"B{i}"}}
        for i in range(n)
    ]
    return _send_and_flush(track, events)


def httpx_loop(url: str, n: int) -> dict[str, float]:
    import httpx

    started = time.perf_counter()
    with httpx.Client(base_url=url, auth=("bench-key", "")) as client:
        for event in _events(n):
            body = {"userId": event["user_id"], "event": event["event"], "traits": event["traits"]}
            client.post("/v1/public/track/events/", json=body).raise_for_status()
    return {"seconds": time.perf_counter() - started, "events": n}


def caller_cost(url: str, n: int) -> dict[str, float]:
    # The fake is slow to answer here, so the delivery threads mostly wait: this times the call.
    import track

    _configure(track, url)
    samples = []
    for event in _events(n):
        started = time.perf_counter_ns()
        track.event(**event)
        samples.append(time.perf_counter_ns() - started)
    return {
        "median_us": statistics.median(samples) / 1000,
        "p90_us": statistics.quantiles(samples, n=10)[-1] / 1000,
    }


def memory(url: str, n: int) -> dict[str, float]:
    import track

    _configure(track, url)
    for event in _events(n):
        track.event(**event)
    return {"peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    # This process's own peak: on Linux `ru_maxrss` also counts what the parent (the benchmark,
    # with its server) held when it forked this process, so read the kernel's high-water mark.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_time() -> dict[str, float]:
    started = time.perf_counter()
    import track  # noqa: F401

    return {"seconds": time.perf_counter() - started}


def main() -> None:
    measure, *args = sys.argv[1:]
    if measure == "import":
        result = import_time()
    else:
        url, n = args[0], int(args[1])
        result = {
            "throughput": throughput,
            "httpx": httpx_loop,
            "caller": caller_cost,
            "memory": memory,
            "cold": lambda url, n: burst(url, n, warm=False),
            "warm": lambda url, n: burst(url, n, warm=True),
        }[measure](url, n)
    print(json.dumps(result), flush=True)
    # The original's worker thread keeps a process alive forever; leave without waiting for it.
    os._exit(0)


if __name__ == "__main__":
    main()
