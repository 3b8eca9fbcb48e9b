"""Benchmark `trigger_event` of the drop-in `pyttributionio` against the original 0.5, side by side.

Each measurement runs in a fresh process (scripts/bench_attributionio_worker.py): this project's
shim with `.venv`'s Python, the original with a virtual environment holding `pyttributionio==0.5`
(both are imported as `pyttributionio`). One loopback fake serves both, with spec validation off
and a fixed added latency per request. Prints a Markdown table of figures and ratios; `--write`
also puts it into docs/attributionio.md between the bench markers.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from trackapis.testing import AttributionFake, serve

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "scripts" / "bench_attributionio_worker.py"
DOC = ROOT / "docs" / "attributionio.md"
START, END = "<!-- bench:attributionio:start -->", "<!-- bench:attributionio:end -->"
# The target: at 20 ms added latency, ours takes at most 0.6x the original's time.
TARGETS = {0.02: 0.6}


def run(python: str, fake: AttributionFake, n: int) -> dict[str, Any]:
    before = len(fake.requests)
    done = subprocess.run(
        [python, str(WORKER), fake.url, str(n)], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{python} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    arrived = len(fake.requests) - before
    if result["failures"] or arrived != 2 * result["calls"]:
        raise RuntimeError(f"{python}: {result['failures']} failures, {arrived} requests arrived")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-python", required=True, help="python of a venv with pyttributionio==0.5")
    parser.add_argument("--write", action="store_true", help="write the table into docs/attributionio.md")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--calls", type=int, default=100, help="trigger_event calls per run")
    args = parser.parse_args()
    ours, original = sys.executable, args.original_python

    fake = AttributionFake("bench-key", "bench-secret")
    fake.validate = False
    rows = []
    with serve(fake):
        for latency in (0.02, 0.0):
            fake.faults.add_latency(latency)
            figures: dict[str, list[float]] = {"ours": [], "original": [], "ours_p90": [], "original_p90": []}
            for _ in range(args.repeat):  # interleaved, so that a noisy moment hits both
                for name, python in (("ours", ours), ("original", original)):
                    result = run(python, fake, args.calls)
                    figures[name].append(result["median_ms"])
                    figures[f"{name}_p90"].append(result["p90_ms"])
            mine, theirs = statistics.median(figures["ours"]), statistics.median(figures["original"])
            target = TARGETS.get(latency)
            rows.append(
                (
                    f"`trigger_event` latency, {latency * 1000:.0f} ms added latency, median (p90) ms",
                    f"<= {target:g}x the original" if target else "-",
                    f"{mine:.2f} ({statistics.median(figures['ours_p90']):.2f})",
                    f"{theirs:.2f} ({statistics.median(figures['original_p90']):.2f})",
                    mine / theirs,
                    "-" if target is None else ("yes" if mine / theirs <= target else "NO"),
                )
            )
        fake.faults.clear()

    table = [
        "| measure | target | trackapis `pyttributionio` | original 0.5 | ratio | met |",
        "|---|---|---|---|---|---|",
        *(
            f"| {label} | {target} | {a} | {b} | {ratio:.2f}x | {met} |"
            for label, target, a, b, ratio, met in rows
        ),
    ]
    machine = f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    text = "\n".join(
        [
            *table,
            "",
            f"Measured by `scripts/bench attributionio` ({machine}; {args.calls} calls per run, median of",
            f"{args.repeat} runs, ours and the original interleaved; the fake on loopback, validation off).",
            "Ratios: trackapis / original.",
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
