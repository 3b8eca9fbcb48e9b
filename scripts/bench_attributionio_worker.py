"""One Attribution.io benchmark measurement in a fresh process; prints one JSON line.

Run by scripts/bench_attributionio.py with either this project's `pyttributionio` or the
original `pyttributionio` 0.5 (both are imported under that name), so it uses only what both
offer. Both are pointed at the loopback fake by the class attributes holding their hosts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def trigger_event_latency(url: str, n: int) -> dict[str, float]:
    from pyttributionio import PyttributionIo

    PyttributionIo.PRIVATE_API_URL = url + "/api/v1"
    PyttributionIo.PUBLIC_API_URL = url + "/"
    client = PyttributionIo("bench-key", "bench-secret")
    client.trigger_event("warm-up", "signup", "bench-client")  # imports, first connection
    samples = []
    failures = 0
    for i in range(n):
        started = time.perf_counter_ns()
        result = client.trigger_event(f"cookie-{i}", "signup", f"client-{i % 10}")
        samples.append(time.perf_counter_ns() - started)
        if result != (200, 200):
            failures += 1
    return {
        "median_ms": statistics.median(samples) / 1e6,
        "p90_ms": statistics.quantiles(samples, n=10)[-1] / 1e6,
        "failures": failures,
        "calls": n + 1,
    }


def main() -> None:
    url, n = sys.argv[1], int(sys.argv[2])
    print(json.dumps(trigger_event_latency(url, n)), flush=True)


if __name__ == "__main__":
    main()
