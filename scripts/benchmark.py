"""Benchmark the Interakt clients side by side, in one run, against one loopback server.

Compares this project's `track`, the original `interakt-track-python` 1.0.7 (in its own virtual
environment: both are imported as `track`) and a bare serial httpx loop. Each measurement runs in
a fresh process; the server runs in this one with a fixed added latency: `bench_server.py`, a
minimal one, so that the server's own CPU does not limit the client under test (see there). The
same bursts against the fake (uvicorn, validation off) are reported beside the table. Prints a
Markdown table of figures and ratios; `--write` also puts it into README.md between the bench
markers.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_server import BenchServer

from trackapis.testing import InteraktFake, serve

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "scripts" / "bench_worker.py"
START, END = "<!-- bench:interakt:start -->", "<!-- bench:interakt:end -->"


def run(python: str, *args: str, store: str | None = None) -> dict[str, Any]:
    env = {**os.environ, "BENCH_STORE": store} if store else None
    done = subprocess.run(
        [python, str(WORKER), *args], capture_output=True, text=True, timeout=600, check=False, env=env
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{python} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def delivered_rate(
    server: BenchServer | InteraktFake, python: str, measure: str, n: int, store: str | None = None
) -> float:
    def accepted() -> int:
        return server.events if isinstance(server, BenchServer) else len(server.events)

    before = accepted()
    result = run(python, measure, server.url, str(n), store=store)
    arrived = accepted() - before - (measure == "warm")  # the warm-up event
    if arrived != n:
        raise RuntimeError(f"{python} {measure}: {arrived} of {n} events arrived")
    return n / float(result["seconds"])


def runs_of(
    repeat: int,
    ours: Callable[[], float],
    theirs: Callable[[], float],
    *more: Callable[[], float],
    in_turns: bool = True,
) -> list[list[float]]:
    """`repeat` runs of each side (ours, the original's, then any more), also printed.

    In turns (ours, theirs, ours, ...) for the CPU-bound figures, so that a slow spell of the
    host (a shared VM's neighbours) weighs on both sides alike. The delivery rates are taken in
    blocks instead: the original's are bound by the server's latency, not by the CPU, and its runs
    take seconds of near-idle time, after which this host's CPUs are measurably slower to start
    (5-10% fewer of our events/s after 4 s idle), which would measure the VM's wake-up, not the
    client.

    The caller's cost and the import time take more runs: on this kind of VM either side's runs
    fall into two modes (a run's median caller cost 3.7-4.4 or 6.4-8.2 us, for ours and the
    original's alike, in turns, the fast one in 0-7 of 15 runs), so a median of five picked a
    mode, not a client, and so does the lowest run (one lucky run decides it); the table shows
    the median of 15, and its note the lowest runs.
    """
    sides = (ours, theirs, *more)
    runs: list[list[float]] = [[] for _ in sides]
    if in_turns:
        for _ in range(repeat):
            for side, measure in zip(runs, sides, strict=True):
                side.append(measure())
    else:
        runs = [[measure() for _ in range(repeat)] for measure in sides]
    names = ["ours", "original", *(f"more-{n}" for n in range(len(more)))]
    shown = ", ".join(f"{name} {[round(x, 1) for x in side]}" for name, side in zip(names, runs, strict=True))
    print(f"  runs: {shown}", file=sys.stderr, flush=True)
    return runs


def paired(
    repeat: int, ours: Callable[[], float], theirs: Callable[[], float], *, in_turns: bool = True
) -> tuple[float, float]:
    """The medians of `repeat` runs of each side (see `runs_of`)."""
    mine, their = runs_of(repeat, ours, theirs, in_turns=in_turns)
    return statistics.median(mine), statistics.median(their)


def main() -> None:  # noqa: PLR0915 - one table, measured in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--original-python", required=True, help="python of a venv with interakt-track-python==1.0.7"
    )
    parser.add_argument("--write", action="store_true", help="write the table into README.md")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per figure, the median reported (caller cost and import: at least 15 and 7)",
    )
    args = parser.parse_args()
    ours, original = sys.executable, args.original_python

    rows: list[tuple[str, str, float, float, float | None, bool]] = []
    burst: dict[str, float] = {}
    spool_rows: list[tuple[str, str, float, float, bool]] = []
    spool_dir = tempfile.mkdtemp(prefix="trackapis-bench-")

    def median(values: list[float]) -> float:
        return statistics.median(values)

    with BenchServer.running("bench-key") as server:
        for latency, n_ours, n_original, target in ((0.02, 3000, 150, 30.0), (0.0, 3000, 1000, 1.2)):
            server.latency = latency
            mine, theirs = paired(
                args.repeat,
                functools.partial(delivered_rate, server, ours, "throughput", n_ours),
                functools.partial(delivered_rate, server, original, "throughput", n_original),
                in_turns=False,
            )
            bare = median([delivered_rate(server, ours, "httpx", n_original) for _ in range(args.repeat)])
            label = f"delivered events/s, {latency * 1000:.0f} ms added latency"
            rows.append((label, f">= {target:g}x the original", mine, theirs, bare, mine / theirs >= target))
            if latency:
                # A burst of 1,000 events for 1,000 users: on a fresh client, and on one that sent
                # an event, flushed and sat idle (its workers parked) before the burst.
                for measure, when in (("cold", "cold client"), ("warm", "warm client, after 0.6 s idle")):
                    mine, theirs = paired(
                        args.repeat,
                        functools.partial(delivered_rate, server, ours, measure, 1000),
                        functools.partial(delivered_rate, server, original, measure, 150),
                        in_turns=False,
                    )
                    label = f"delivered events/s, 1,000 users, {latency * 1000:.0f} ms, {when}"
                    rows.append((label, ">= 50x the original", mine, theirs, None, mine / theirs >= 50))
                    burst[measure] = mine
                # The same cold burst through the durable spool (here, before the slow-server rows
                # below, whose unanswered requests may still land on the server afterwards).
                spool_rate = median(
                    [
                        delivered_rate(
                            server, ours, "cold", 1000, store=f"sqlite:///{spool_dir}/burst-{i}.db"
                        )
                        for i in range(args.repeat)
                    ]
                )
                label = "delivered events/s, 1,000 users, 20 ms, cold client"
                spool_rows.append((label, "-", burst["cold"], spool_rate, True))
            print(*rows[-1], sep=" | ", file=sys.stderr, flush=True)

        server.latency = 5  # nothing completes while the calls are timed or queued
        spool_runs = itertools.count()
        caller_runs = runs_of(
            max(args.repeat, 15),  # enough runs in either of the VM's modes (see runs_of)
            lambda: run(ours, "caller", server.url, "5000")["median_us"],
            lambda: run(original, "caller", server.url, "5000")["median_us"],
            lambda: run(
                ours,
                "caller",
                server.url,
                "5000",
                store=f"sqlite:///{spool_dir}/caller-{next(spool_runs)}.db",
            )["median_us"],
        )
        mine, theirs, spool_cost = (statistics.median(side) for side in caller_runs)
        caller_best = [min(side) for side in caller_runs]
        rows.append(
            (
                "caller-side cost of `track.event()`, us (median of 5,000 calls)",
                "<= the original's",
                mine,
                theirs,
                None,
                mine <= theirs,
            )
        )
        memory_cost = mine
        label = "caller-side cost of `track.event()`, us (median of 5,000 calls)"
        spool_rows.append((label, "<= 3x memory", memory_cost, spool_cost, spool_cost <= 3 * memory_cost))

        mine, theirs = paired(
            max(args.repeat, 7),
            lambda: run(ours, "import")["seconds"] * 1000,
            lambda: run(original, "import")["seconds"] * 1000,
        )
        rows.append(("`import track` time, ms", "<= the original's", mine, theirs, None, mine <= theirs))

        mine, theirs = paired(
            args.repeat,
            lambda: run(ours, "memory", server.url, "10000")["peak_rss_mb"],
            lambda: run(original, "memory", server.url, "10000")["peak_rss_mb"],
        )
        rows.append(
            (
                "peak memory with 10,000 queued events, MB (RSS)",
                "<= the original's",
                mine,
                theirs,
                None,
                mine <= theirs,
            )
        )
    # The same bursts against the fake (validation off): its CPU per request is the limit here.
    uvicorn_fake = InteraktFake(api_key="bench-key")
    uvicorn_fake.validate = False
    with serve(uvicorn_fake):
        uvicorn_fake.faults.add_latency(0.02)
        against_fake = {
            measure: median([delivered_rate(uvicorn_fake, ours, measure, 1000) for _ in range(args.repeat)])
            for measure in ("cold", "warm")
        }
        print(f"  against the fake: {against_fake}", file=sys.stderr, flush=True)

    table = [
        "| measure | target | trackapis | original 1.0.7 | bare httpx loop | ratio | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, target, mine, theirs, bare, met in rows:
        bare_text = f"{bare:,.0f}" if bare is not None else "-"
        cells = [label, target, f"{mine:,.1f}", f"{theirs:,.1f}", bare_text, f"{mine / theirs:.2f}x"]
        table.append("| " + " | ".join([*cells, "yes" if met else "NO"]) + " |")
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    text = "\n".join(
        [
            *table,
            "",
            f"Measured by `scripts/bench` ({machine}; median of {args.repeat} runs; caller cost and",
            f"import: median of {max(args.repeat, 15)} and {max(args.repeat, 7)} runs; caller cost, import",
            "and memory runs of ours and the original's in turns; the lowest caller-cost runs: ours",
            f"{caller_best[0]:.1f}, the original's {caller_best[1]:.1f}, with the spool",
            f"{caller_best[2]:.1f} us; the delivery-rate server on loopback is",
            "`scripts/bench_server.py`, which answers as the fake does at half its CPU per request;",
            "throughput counts the events the server accepted; load average at the end:",
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: above the CPU count, the server and both",
            "clients are starved and the throughput figures and ratios fall well below their quiet values).",
            "Ratios: trackapis / original. This client's 1,000-user bursts against the fake (uvicorn,",
            f"validation off) instead: cold {against_fake['cold']:,.0f}, warm {against_fake['warm']:,.0f}",
            "events/s; on a machine with few CPUs the fake's own CPU per request (0.19-0.23 ms at these",
            "rates, this server's 0.08-0.11), beside the client's, is what limits them.",
            "",
            'With the durable spool, `track.store = "sqlite:///..."` (same server; caller cost in turns):',
            "",
            "| measure | target | memory | sqlite | ratio |",
            "|---|---|---|---|---|",
            *(
                f"| {label} | {target} | {memory:,.1f} | {sqlite:,.1f} | {sqlite / memory:.2f}x |"
                for label, target, memory, sqlite, _ in spool_rows
            ),
        ]
    )
    print(text)
    if args.write:
        readme = ROOT / "README.md"
        content = readme.read_text()
        if START not in content or END not in content:
            raise SystemExit(f"README.md has no {START} ... {END} markers")
        head, rest = content.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{START}\n{text}\n{END}{tail}")
        print("\nwritten into README.md")


if __name__ == "__main__":
    main()
