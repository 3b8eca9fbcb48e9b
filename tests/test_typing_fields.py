"""mypy --strict refuses a misspelt or mistyped spec-derived field (tests/typing has the good calls)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BAD_CALLS = """
import track
from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.seven_segments import SevenSegmentsClient


def calls(interakt: InteraktClient, seven: SevenSegmentsClient, attribution: AttributionClient) -> None:
    interakt.event("Order Placed", user_id="42", tagz=["vip"])  # refused
    interakt.user(user_id="42", tags="vip")  # refused
    track.event(user_id="42", event="x", full_phone_numbr="1")  # refused
    seven.track("john", "purchase", agee=5)  # refused
    attribution.trigger_event("cookie", "signup", is_informational="yes")  # refused
"""


@pytest.mark.slow
def test_mypy_reports_every_misspelt_or_mistyped_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad_fields.py"
    bad.write_text(BAD_CALLS.lstrip("\n"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    refused = {number for number, line in enumerate(bad.read_text().splitlines(), 1) if "# refused" in line}
    reported = {int(line.split(":")[1]) for line in result.stdout.splitlines() if ": error:" in line}
    assert len(refused) == 5
    assert reported == refused, result.stdout
    assert 'Unexpected keyword argument "tagz"' in result.stdout
