"""The demo runner: each section in turn with a progress bar, then the table and the checks.

On a terminal (with rich, from the `cli` extra that `.[dev]` installs) the bars and the table are
rich's, in colour; elsewhere plain text, which the tests and CI logs read.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import attrs

from ..cli._progress import progress_bar
from ._attributionio import AttributionSection
from ._interakt import InteraktSection
from ._section import DemoSection, SectionReport
from ._seven_segments import SevenSegmentsSection


@attrs.frozen
class DemoOptions:
    """The workload's size and whether faults are injected."""

    scale: float = 1.0
    faults: bool = True
    progress: bool = True


SectionFactory = Callable[[DemoOptions], DemoSection]


def _interakt(options: DemoOptions) -> DemoSection:
    return InteraktSection(
        users=max(1, round(300 * options.scale)),
        events=max(1, round(3000 * options.scale)),
        faults=options.faults,
    )


def _seven_segments(options: DemoOptions) -> DemoSection:
    return SevenSegmentsSection(
        customers=max(1, round(500 * options.scale)),
        events=max(1, round(2500 * options.scale)),
        faults=options.faults,
    )


def _attributionio(options: DemoOptions) -> DemoSection:
    return AttributionSection(
        customers=max(1, round(100 * options.scale)),
        anonymous=max(1, round(100 * options.scale)),
        events=max(1, round(500 * options.scale)),
        faults=options.faults,
    )


# One entry per API.
SECTIONS: list[SectionFactory] = [_interakt, _seven_segments, _attributionio]

_COLUMNS = ("API", "sent", "delivered", "retried", "failed", "dropped", "msg/s", "p50 ms", "p95 ms", "p99 ms")


def _cells(reports: Sequence[SectionReport]) -> list[list[str]]:
    def milliseconds(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:.1f}"

    rows = []
    for report in reports:
        rows.append(
            [
                report.api,
                str(report.sent),
                str(report.delivered),
                str(report.retried),
                str(report.failed),
                str(report.dropped),
                f"{report.throughput:,.0f}",
                milliseconds(report.percentile(0.50)),
                milliseconds(report.percentile(0.95)),
                milliseconds(report.percentile(0.99)),
            ]
        )
    return rows


def format_table(reports: Sequence[SectionReport]) -> str:
    """The final table, one row per API, as plain text."""
    rows = [list(_COLUMNS), *_cells(reports)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_COLUMNS))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _run_section(section: DemoSection, stack: contextlib.ExitStack, options: DemoOptions) -> SectionReport:
    bar = progress_bar(section.planned(), label=f"{section.api:<10}", enabled=options.progress)
    done = threading.Event()

    def follow() -> None:
        while not done.wait(0.1):
            bar.set(section.settled())

    follower = threading.Thread(target=follow, name="demo-progress", daemon=True)
    follower.start()
    try:
        return section.run(stack)
    finally:
        done.set()
        follower.join()
        bar.set(section.settled())
        bar.finish()


def run(
    options: DemoOptions, *, sections: Sequence[SectionFactory] | None = None, out: TextIO | None = None
) -> int:
    """Run every section; print the table and the checks. Returns the exit status (0: all good)."""
    out = out or sys.stdout
    say = out.write
    say("trackapis demo: the fakes serve on 127.0.0.1; workloads go through the public clients\n")
    say("while the fakes inject 5xx bursts, 429 with Retry-After and slow responses.\n\n")
    reports: list[SectionReport] = []
    problems: list[str] = []
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        for factory in sections if sections is not None else SECTIONS:
            section = factory(options)
            report = _run_section(section, stack, options)
            reports.append(report)
            fired = getattr(section, "fired", [])
            if fired:
                say(f"  faults injected into {section.api}: {'; '.join(fired)}\n")
            for note in getattr(section, "notes", []):
                say(f"  {section.api} {note}\n")
            problems += section.verify()
            if report.failed or report.dropped:
                problems.append(
                    f"{report.api}: {report.failed} failed and {report.dropped} dropped (expected none)"
                )
    console = _terminal(out)
    if console is not None:  # a rich table, in colour
        from ..cli._common import table

        say("\n")
        console.print(table(None, _COLUMNS, _cells(reports)))
        say("\n")
    else:
        say("\n" + format_table(reports) + "\n\n")
    say(f"latency: from queueing a message to its delivery; total time {time.monotonic() - started:.1f} s\n")
    if problems:
        say(f"\nCHECK FAILED ({len(problems)} problems):\n")
        for problem in problems:
            say(f"  {problem}\n")
        return 1
    ok = "CHECK OK: every message arrived exactly once, each user's in the order sent."
    if console is not None:
        console.print(ok, style="bold green", markup=False)
    else:
        say(ok + "\n")
    return 0


def _terminal(out: TextIO) -> Any:
    """A rich console on `out` when it is a terminal and rich is installed; else None (plain text)."""
    try:
        if not out.isatty():
            return None
        from rich.console import Console
    except (ImportError, AttributeError, ValueError):
        return None
    return Console(file=out, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Push a realistic workload through the clients into the fakes, with faults, "
        "and check that every message arrived exactly once and in order.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="workload size factor (default 1: 3,300 Interakt, 3,000 7SEGMENTS, 1,300 Attribution.io)",
    )
    parser.add_argument("--no-faults", action="store_true", help="do not inject faults")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--tour",
        action="store_true",
        help="instead, call every generated operation once and show the exchanges",
    )
    args = parser.parse_args(None if argv is None else list(argv))
    if args.tour:
        from .tour import main as tour

        return tour()
    if not args.scale > 0:
        parser.error("--scale must be positive")
    return run(DemoOptions(scale=args.scale, faults=not args.no_faults, progress=not args.no_progress))
