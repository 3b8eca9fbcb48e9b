"""Helpers (not fixtures) for the command-line tests: files of rows, the CLI as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from trackapis.testing import TEST_CREDENTIALS, InteraktFake

API_KEY = TEST_CREDENTIALS["interakt"]["api_key"]


def write_events(path: Path, count: int, *, users: int = 7) -> list[int]:
    """`count` events over `users` users; each carries its row number as trait `n`."""
    with path.open("w", encoding="utf-8") as stream:
        for n in range(1, count + 1):
            stream.write(
                json.dumps({"user_id": f"u{n % users}", "event": "Order Placed", "traits": {"n": n}}) + "\n"
            )
    return list(range(1, count + 1))


def arrived(fake: InteraktFake) -> list[int]:
    """The `n` trait of every event the fake stored."""
    return [int(event.traits["n"]) for _, event in fake.events]


def per_user_in_order(fake: InteraktFake) -> bool:
    return all(
        [e.traits["n"] for e in user.events] == sorted(e.traits["n"] for e in user.events)
        for user in fake.users
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cli_env(fake: InteraktFake | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERAKT_")}
    if fake is not None:
        env.update(INTERAKT_API_KEY=API_KEY, INTERAKT_HOST=fake.url)
    env.update(extra)
    return env


def run_cli(
    args: Iterable[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trackapis", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
