"""The originals, each in its own venv under .bench/ (made once, reused across sessions)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_installed: dict[str, tuple[str | None, str]] = {}


@pytest.fixture(scope="session")
def original_python() -> Callable[[str], str]:
    """`original_python("interakt" | "pyttributionio")`: that original's python, or a skip saying why."""

    def get(name: str) -> str:
        if name not in _installed:
            try:
                done = subprocess.run(
                    ["bash", str(ROOT / "scripts" / "originals"), name],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PYTHON": sys.executable},
                    timeout=600,
                    check=False,
                )
                _installed[name] = (
                    (done.stdout.strip() or None, done.stderr)
                    if done.returncode == 0
                    else (
                        None,
                        done.stderr,
                    )
                )
            except subprocess.TimeoutExpired:
                _installed[name] = (None, "pip took more than 10 minutes")
        path, error = _installed[name]
        if path is None:
            pytest.skip(
                f"the original {name} SDK could not be installed (package index unreachable?): {error[-300:]}"
            )
        return path

    return get
