"""mypy --strict and ruff, run as part of the suite so that CI holds the line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HAND_WRITTEN = ["overlay", "tests", "scripts"]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_mypy_strict_passes_on_overlay_generated_and_typed_usage() -> None:
    # Files and strictness come from [tool.mypy] in pyproject.toml.
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_passes_on_hand_written_code() -> None:
    result = _run(str(BIN / "ruff"), "check", *HAND_WRITTEN)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied_to_hand_written_code() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", *HAND_WRITTEN)
    assert result.returncode == 0, (
        "run `ruff format overlay tests scripts`:\n" + result.stdout + result.stderr
    )


@pytest.mark.slow
def test_pyright_strict_passes_on_the_contract_testing_usage() -> None:
    # tests/typing/pyrightconfig.json: strict mode, unnecessary `# type: ignore` is an error (so the
    # deliberate assertion typo there must stay an error).
    # The wheel bundles pyright (no npm download); skip its "newer version on PyPI?" network check.
    result = subprocess.run(
        [str(BIN / "pyright"), "-p", "tests/typing/pyrightconfig.json", "--pythonpath", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
