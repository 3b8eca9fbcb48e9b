"""The demo: it runs end to end, prints the table and checks; a failing check exits non-zero."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys

import pytest
from pty_helpers import run_in_pty

from trackapis.demo import DemoOptions, DemoSection, SectionReport, format_table, run
from trackapis.demo._attributionio import AttributionSection
from trackapis.demo._seven_segments import SevenSegmentsSection
from trackapis.testing import AttributionFake, SevenSegmentsFake


def test_the_demo_delivers_everything_and_says_so() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trackapis.demo", "--scale", "0.3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    row = re.search(
        r"^Interakt\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d,]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+$",
        result.stdout,
        re.M,
    )
    assert row is not None, result.stdout
    sent, delivered, retried, failed, dropped = (int(row.group(i)) for i in range(1, 6))
    assert sent == delivered == 990  # 90 users and 900 events
    assert retried > 0  # the faults were injected and ridden out
    assert failed == dropped == 0
    assert "CHECK OK" in result.stdout
    assert "a burst of 40 HTTP 500" in result.stdout
    assert "100%" in result.stderr  # the progress bar
    # 7SEGMENTS: 150 customers and 750 events through /bulk; Attribution.io: 30 identities,
    # 150 + 30 events with their identities (the 30 without a client id get a generated one).
    for api, expected in (("7SEGMENTS", 900), ("Attribution.io", 390)):
        row = re.search(rf"^{re.escape(api)}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s", result.stdout, re.M)
        assert row is not None, result.stdout
        sent, delivered, retried, failed, dropped = (int(row.group(i)) for i in range(1, 6))
        assert sent == delivered == expected, api
        assert retried > 0, api
        assert failed == dropped == 0, api
    assert "10 /bulk commands answered 'retry'" in result.stdout
    assert "7SEGMENTS export: funnel 'Checkout funnel'" in result.stdout
    assert "6 HTTP 429 with Retry-After: 1" in result.stdout


class _Broken:
    api = "Broken"

    def planned(self) -> int:
        return 1

    def settled(self) -> int:
        return 1

    def run(self, stack: contextlib.ExitStack) -> SectionReport:
        return SectionReport("Broken", 2, 1, 0, 0, 1, 1.0, [0.01])

    def verify(self) -> list[str]:
        return ["Broken: event 7 arrived twice"]


def test_a_section_whose_check_fails_makes_the_demo_fail() -> None:
    out = io.StringIO()

    def factory(options: DemoOptions) -> DemoSection:
        return _Broken()

    status = run(DemoOptions(progress=False), sections=[factory], out=out)

    assert status == 1
    assert "CHECK FAILED (2 problems)" in out.getvalue()
    assert "Broken: event 7 arrived twice" in out.getvalue()
    assert "Broken: 0 failed and 1 dropped (expected none)" in out.getvalue()


def test_the_table_has_percentiles_by_nearest_rank() -> None:
    report = SectionReport("X", 4, 4, 1, 0, 0, 2.0, [0.004, 0.001, 0.002, 0.003])

    table = format_table([report]).splitlines()

    assert table[0].split() == [
        "API",
        "sent",
        "delivered",
        "retried",
        "failed",
        "dropped",
        "msg/s",
        "p50",
        "ms",
        "p95",
        "ms",
        "p99",
        "ms",
    ]
    assert table[2].split() == ["X", "4", "4", "1", "0", "0", "2", "2.0", "4.0", "4.0"]


def _ran(section: SevenSegmentsSection | AttributionSection) -> None:
    with contextlib.ExitStack() as stack:
        report = section.run(stack)
        assert report.delivered == report.sent == section.planned()
        assert section.verify() == []
        _tamper(section)
        problems = section.verify()
    assert problems, "the check must find the tampering"
    section.problems = problems  # type: ignore[union-attr]


def _tamper(section: SevenSegmentsSection | AttributionSection) -> None:
    fake = section._fake
    assert fake is not None
    with fake.lock:
        if isinstance(fake, SevenSegmentsFake):
            customer = next(c for c in fake._customers if len(c.events) >= 2)
            customer.events.append(customer.events[0])  # a duplicate, out of order
            fake._customers[-1].events.clear()
        else:
            assert isinstance(fake, AttributionFake)
            fake._events.append(fake._events[0])
            fake._events.pop(1)


def test_the_seven_segments_section_checks_the_fakes_records() -> None:
    section = SevenSegmentsSection(customers=20, events=100, faults=False)
    _ran(section)
    problems = " ".join(section.problems)  # type: ignore[attr-defined]
    assert "arrived more than once" in problems
    assert "out of order" in problems


def test_the_attributionio_section_checks_the_fakes_records() -> None:
    section = AttributionSection(customers=5, anonymous=5, events=30, faults=False)
    _ran(section)
    problems = " ".join(section.problems)  # type: ignore[attr-defined]
    assert "arrived more than once" in problems
    assert "is missing events" in problems


@pytest.mark.skipif(sys.platform == "win32", reason="pty")
def test_in_a_terminal_the_demo_draws_rich_bars_and_a_table() -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)

    status, output = run_in_pty(
        [sys.executable, "-m", "trackapis.demo", "--scale", "0.05", "--no-faults"], env
    )

    assert status == 0, output
    assert "\x1b[" in output  # colours and redraws
    assert "eta" in output  # rich's progress columns
    assert re.search(r"Interakt\s+165\s+165\s", output), output  # the table's row
    assert "CHECK OK" in output
