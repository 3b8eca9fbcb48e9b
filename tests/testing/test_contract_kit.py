"""`trackapis.testing.contract` and `python -m trackapis.testing fuzz`: the contract suite for users."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from trackapis.testing import InteraktFake, Reply, serve
from trackapis.testing.contract import contract_schema


class _Teapot(InteraktFake):
    """A broken implementation: answers an undocumented status to every tracked user."""

    def op_trackUser(self, call: Any) -> Reply:
        return Reply(418, {"result": False, "message": "teapot"})


def _fuzz(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trackapis.testing", "fuzz", "--api", "interakt", "--url", url, *extra],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def teapot() -> Iterator[_Teapot]:
    with serve(_Teapot()) as fake:
        yield fake


def test_fuzz_passes_against_the_fake(interakt_fake: InteraktFake) -> None:
    result = _fuzz(interakt_fake.url, "--max-examples", "5", "--", "-q")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert {r.operation_id for r in interakt_fake.requests if r.status in (201, 202)} == {
        "trackUser",
        "trackEvent",
    }


def test_fuzz_fails_against_a_server_that_breaks_the_contract(teapot: _Teapot) -> None:
    result = _fuzz(teapot.url, "--max-examples", "5", "--", "-q")

    assert result.returncode == 1
    assert "418" in result.stdout
    assert "1 failed, 1 passed" in result.stdout


def test_fuzz_without_a_url_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trackapis.testing", "fuzz", "--api", "interakt"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--url" in result.stderr


def test_contract_schema_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="api must be one of"):
        contract_schema("nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="credentials for interakt take api_key, not password"):
        contract_schema("interakt", credentials={"password": "x"})
    with pytest.raises(ValueError, match="max_examples must be a positive integer"):
        contract_schema("seven_segments", max_examples=0)


@pytest.mark.parametrize("api", ["interakt", "seven_segments", "attributionio"])
def test_contract_schema_loads_every_packaged_spec(api: Any) -> None:
    schema = contract_schema(api, max_examples=3)
    assert len(list(schema.get_all_operations())) >= 2
