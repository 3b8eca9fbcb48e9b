"""Benchmark 7SEGMENTS tracking: buffered /bulk mode vs per-call mode, side by side, in one run.

One loopback `SevenSegmentsFake` (spec validation off, so that the fake is not what is measured)
with a fixed added latency per request. Each measurement runs in a fresh process: it sends N
`track()` calls over many customers and stops the clock when every one is delivered; the figure
counts the events the fake stored. Prints a Markdown table; `--write` also puts it into
docs/seven_segments.md between the bench markers. Run with `scripts/bench seven_segments`.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from trackapis.testing import SevenSegmentsFake, serve

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "seven_segments.md"
START, END = "<!-- bench:seven_segments:start -->", "<!-- bench:seven_segments:end -->"
TOKEN = "bench-company-token"
CUSTOMERS = 100
TARGET_RATIO = 20.0


def worker(mode: str, url: str, n: int) -> None:
    """Send `n` events in `mode` (buffered or per-call) and print the seconds until all arrived."""
    from trackapis.seven_segments import SevenSegmentsClient

    buffered = mode == "buffered"
    # The burst is queued whole: the queue bound is not what is measured.
    client = SevenSegmentsClient(TOKEN, base_url=url, background=buffered, max_queue_size=max(n, 1))
    started = time.perf_counter()
    for i in range(n):
        client.track(f"customer-{i % CUSTOMERS}", "purchase", properties={"n": i, "product": "bottle"})
    result = client.flush(600)
    seconds = time.perf_counter() - started
    client.shutdown()
    outcome = {"complete": result.complete, "failed": result.failed, "dropped": result.dropped}
    print(json.dumps({"seconds": seconds, **outcome}))


def measure(fake: SevenSegmentsFake, mode: str, n: int) -> float:
    before = len(fake.events)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, fake.url, str(n)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{mode} failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    arrived = len(fake.events) - before
    if arrived != n or not result["complete"] or result["failed"] or result["dropped"]:
        raise RuntimeError(f"{mode}: {arrived} of {n} events arrived ({result})")
    return n / float(result["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the table into docs/seven_segments.md")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to every answer")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "URL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, url, n = args.worker
        worker(mode, url, int(n))
        return

    fake = SevenSegmentsFake()
    fake.validate = False
    with serve(fake):
        fake.faults.add_latency(args.latency)
        per_call = statistics.median([measure(fake, "per-call", 150) for _ in range(args.repeat)])
        buffered = statistics.median([measure(fake, "buffered", 20_000) for _ in range(args.repeat)])
    ratio = buffered / per_call
    latency_ms = f"{args.latency * 1000:.0f} ms"
    text = "\n".join(
        [
            "| measure | per-call mode | buffered mode (/bulk) | ratio | target | met |",
            "|---|---|---|---|---|---|",
            f"| delivered events/s, {latency_ms} added latency | {per_call:,.0f} | {buffered:,.0f} "
            f"| {ratio:.1f}x | >= {TARGET_RATIO:g}x | {'yes' if ratio >= TARGET_RATIO else 'NO'} |",
            "",
            f"Measured by `scripts/bench seven_segments` ({platform.python_implementation()} "
            f"{platform.python_version()}, {platform.machine()}; median of {args.repeat} runs; one",
            f"loopback fake with validation off; {CUSTOMERS} customers; throughput counts the events",
            "the fake stored).",
        ]
    )
    print(text)
    if args.write:
        content = DOC.read_text()
        if START not in content or END not in content:
            raise SystemExit(f"{DOC} has no {START} ... {END} markers")
        head, rest = content.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}")
        print(f"\nwritten into {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
