"""Run one script against an original SDK and against its drop-in, and say how they differ.

A script calls `observe(label, lambda: ...)` for each thing to compare: what it returned
(described as JSON) or what it raised (which of the original's catchable classes it is, and the
fields the original's error had). The requests each run sent are read from the fake it talked to.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from trackapis.testing import FakeAPI, RecordedRequest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
MARK = "@@observations@@"


@attrs.frozen
class Case:
    """One script, run against the original and against the drop-in."""

    name: str
    script: str
    # label -> the README phrase that names the difference as deliberate
    deliberate: dict[str, str] = attrs.field(factory=dict)
    faults: Callable[[Any], None] | None = None  # set on the fake before each run
    ordered: bool = True  # compare the order of the requests too
    requests_differ: str | None = None  # the README phrase naming why the requests differ
    superset: tuple[str, ...] = ()  # labels of name lists: the drop-in has at least the original's


PRELUDE = (
    r'''
import json, os, sys
URL, KEY = os.environ["FAKE_URL"], os.environ["FAKE_KEY"]
_OUT = []

def describe(value):
    if isinstance(value, (tuple, list)):
        return [describe(item) for item in value]
    if isinstance(value, dict):
        # Keys as JSON writes them: the queue message's body is what goes on the wire.
        return {key if isinstance(key, str) else json.dumps(key): describe(item)
                for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "status_code") and hasattr(value, "json"):
        try:
            body = value.json()
        except ValueError:
            body = value.text
        if isinstance(body, dict) and isinstance(body.get("id"), str):
            body = dict(body, id="<the event id>")  # a fresh uuid each time
        return {"status_code": value.status_code, "ok": value.ok, "truthy": bool(value), "json": body,
                "text_is_json": value.text.strip().startswith("{"),
                "content_type": value.headers.get("Content-Type")}
    return "<%s>" % type(value).__name__

def describe_error(error):
    names = {kind.__name__ for kind in type(error).__mro__}
    track = sys.modules.get("track.request")
    described = {
        "AssertionError": isinstance(error, AssertionError),
        "OSError": isinstance(error, OSError),
        "ConnectionError": "ConnectionError" in names,
        "Timeout": "Timeout" in names or isinstance(error, TimeoutError),
        "AttributeError": isinstance(error, AttributeError),
    }
    if track is not None and isinstance(error, track.APIError):
        described.update(APIError=True, status=error.status, status_code=error.status_code,
                         message=error.message, str=str(error))
    return described

def observe(label, call):
    try:
        value = call()
    except BaseException as error:
        _OUT.append([label, {"raised": describe_error(error)}])
    else:
        _OUT.append([label, {"returned": describe(value)}])

import atexit
atexit.register(lambda: print("'''
    + MARK
    + r"""" + json.dumps(_OUT)))
"""
)


def run(python: str, script: str, url: str, key: str, timeout: float = 120) -> list[tuple[str, Any]]:
    """The observations of `script` run by `python` against the fake at `url`."""
    env = {**os.environ, "FAKE_URL": url, "FAKE_KEY": key, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [python, "-c", PRELUDE + script],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        cwd="/",  # neither side may import this checkout's overlay by accident
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert lines, f"{python} produced no observations:\n{done.stdout}\n{done.stderr}"
    return [(label, value) for label, value in json.loads(lines[-1][len(MARK) :])]


def side_by_side(case: Case, fakes: Sequence[FakeAPI], pythons: Sequence[str], key: str) -> list[Any]:
    """`case` run by each python against its own fake, at once: `[(observations, requests), ...]`."""

    def one(fake: FakeAPI, python: str) -> tuple[list[tuple[str, Any]], list[RecordedRequest]]:
        fake.reset()
        if case.faults is not None:
            case.faults(fake)
        observations = run(python, case.script, fake.url, key)
        requests = list(fake.requests)
        fake.reset()
        return observations, requests

    with concurrent.futures.ThreadPoolExecutor(len(pythons)) as pool:
        return list(pool.map(one, fakes, pythons))


def differences(original: list[tuple[str, Any]], shim: list[tuple[str, Any]]) -> dict[str, tuple[Any, Any]]:
    """Labels whose observation differs: `{label: (original's, shim's)}`."""
    theirs, ours = dict(original), dict(shim)
    assert list(theirs) == list(ours), (list(theirs), list(ours))
    return {label: (theirs[label], ours[label]) for label in theirs if theirs[label] != ours[label]}


def in_readme(phrase: str) -> bool:
    """Whether the README's migration sections name this difference."""
    section = README.split("## Migrating from the original SDKs", 1)[1].split("\n## ", 1)[0]
    configuration = README.split("## Configuration and delivery guarantees", 1)[1].split("\n### What", 1)[0]
    text = re.sub(r"\s+", " ", section + configuration)
    return re.sub(r"\s+", " ", phrase) in text


def shim_python() -> str:
    return sys.executable
