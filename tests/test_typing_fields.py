"""mypy --strict refuses a misspelt or mistyped spec-derived field (tests/typing has the good calls)."""

from __future__ import annotations

import os
import re
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


# Every variant that `trackapis._verbs.verb` derives from one call signature (InteraktClient's
# user/event, queue_*, send_*, AsyncInteraktClient's): names, kinds and types still checked.
BAD_VARIANT_CALLS = """
from typing import assert_type

from trackapis.interakt import AsyncInteraktClient, InteraktClient


async def calls(interakt: InteraktClient, asynchronous: AsyncInteraktClient) -> None:
    interakt.user(user_id="42", tags=["vip"])
    interakt.user("42")  # refused
    interakt.event(user_id="42")  # refused
    interakt.queue_user(user_id="42", full_phone_numbr="1")  # refused
    interakt.queue_event("Signed Up", user_id=4.2)  # refused
    interakt.send_user(user_id="42", traits=["not", "a", "dict"])  # refused
    interakt.send_event(42, user_id="42")  # refused
    await asynchronous.user(user_id="42", tagz=["vip"])  # refused
    await asynchronous.event("Signed Up", phone_number=9999999999)  # refused
    assert_type(interakt.event("Signed Up", user_id="42", country_code="+1", created_at=None), bool)
    assert_type(interakt.queue_event("Signed Up", user_id="42"), tuple[bool, str])  # refused
"""


def _reported(checker: str, path: Path, *also: Path) -> tuple[set[int], str]:
    """The lines of `path` that mypy or pyright (strict, as tests/test_static.py runs it) reports."""
    options = ["-p", "tests/typing/pyrightconfig.json", "--pythonpath", sys.executable]
    result = subprocess.run(
        [str(Path(sys.executable).parent / checker), *(options if checker == "pyright" else []), str(path)]
        + [str(other) for other in also],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},  # no "newer version?" lookup
    )
    pattern = rf"{re.escape(path.name)}:(\d+)(?::\d+ -|:) error"
    return {int(found.group(1)) for found in re.finditer(pattern, result.stdout)}, result.stdout


def _refused(path: Path) -> set[int]:
    return {number for number, line in enumerate(path.read_text().splitlines(), 1) if "# refused" in line}


@pytest.mark.slow
def test_mypy_checks_every_derived_variant(tmp_path: Path) -> None:
    bad = tmp_path / "bad_variants.py"
    bad.write_text(BAD_VARIANT_CALLS.lstrip("\n"))
    reported, output = _reported("mypy", bad)
    assert len(_refused(bad)) == 9
    assert reported == _refused(bad), output


@pytest.mark.slow
@pytest.mark.parametrize("calls", [BAD_CALLS, BAD_VARIANT_CALLS], ids=["fields", "variants"])
def test_pyright_agrees(tmp_path: Path, calls: str) -> None:
    bad = tmp_path / "bad_calls.py"
    bad.write_text(calls.lstrip("\n"))
    reported, output = _reported("pyright", bad, ROOT / "tests" / "typing" / "fields_usage.py")
    assert reported == _refused(bad), output
    assert "fields_usage.py:" not in output, output  # the good calls pass
