"""`trackapis.testing.contract` and `python -m trackapis.testing fuzz`: the contract suite for users."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from trackapis.testing import InteraktFake, Reply, load_spec, serve
from trackapis.testing.contract import ContractReport, contract_schema

if TYPE_CHECKING:
    from trackapis.testing.contract import ContractCase

NEW_OPERATION = "/v1/public/track/ping/"


def spec_with_a_new_operation(folder: Path) -> Path:
    """The Interakt spec plus an operation the stock fake does not implement (a vendor's new endpoint)."""
    document = load_spec("interakt")
    document["paths"][NEW_OPERATION] = {
        "get": {
            "operationId": "ping",
            "summary": "Check the API answers",
            "description": "A new operation, added by the vendor after this package was released.",
            "security": [{"basicAuth": []}],
            "responses": {
                "200": {
                    "description": "The API is up",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["result"],
                                "properties": {"result": {"type": "boolean"}},
                            },
                            "example": {"result": True},
                        }
                    },
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        }
    }
    path = folder / "interakt-next.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


class _Teapot(InteraktFake):
    """A broken implementation: answers an undocumented status to every tracked user."""

    def op_trackUser(self, call: Any) -> Reply:
        return Reply(418, {"result": False, "message": "teapot"})


def _fuzz(url: str, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trackapis.testing", "fuzz", "--api", "interakt", "--url", url, *extra],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


@pytest.fixture
def teapot() -> Iterator[_Teapot]:
    with serve(_Teapot()) as fake:
        yield fake


def test_fuzz_passes_against_the_fake(interakt_fake: InteraktFake) -> None:
    result = _fuzz(interakt_fake.url, "--max-examples", "5", "--", "-q")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout
    assert "contract: per operation" in result.stdout
    assert re.search(r"^ok +POST /v1/public/track/users/ \(trackUser\) +\d+ +.*202x\d+", result.stdout, re.M)
    assert {r.operation_id for r in interakt_fake.requests if r.status in (201, 202)} == {
        "trackUser",
        "trackEvent",
    }


def test_fuzz_fails_against_a_server_that_breaks_the_contract(teapot: _Teapot) -> None:
    result = _fuzz(teapot.url, "--max-examples", "5", "--", "-q")

    assert result.returncode == 1
    assert "418" in result.stdout
    # trackUser fails its checks and never gets a 2xx; trackEvent passes.
    assert "2 failed, 1 passed" in result.stdout
    assert re.search(
        r"^NO 2XX +POST /v1/public/track/users/ .*418x\d+ .*status_code_conformance", result.stdout, re.M
    )


def test_fuzz_fails_with_a_wrong_key(interakt_fake: InteraktFake) -> None:
    # Every request is refused with a documented 401: no check fails, yet nothing was tested.
    env = {**os.environ, "INTERAKT_API_KEY": "wrong-key"}
    result = _fuzz(interakt_fake.url, "--max-examples", "3", "--", "-q", env=env)

    assert result.returncode == 1, result.stdout[-3000:]
    assert "2 operation(s) never got a 2xx answer" in result.stdout
    assert re.search(r"^NO 2XX +POST /v1/public/track/events/ \(trackEvent\) .*401x\d+", result.stdout, re.M)
    assert not [r for r in interakt_fake.requests if r.status is not None and 200 <= r.status < 300]


def test_fuzz_with_a_spec_that_adds_an_operation(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    # The stock fake lacks the new operation: the run must say so, not pass.
    spec = spec_with_a_new_operation(tmp_path)
    result = _fuzz(interakt_fake.url, "--spec", str(spec), "--max-examples", "3", "--", "-q")

    assert result.returncode == 1, result.stdout[-3000:]
    assert re.search(rf"^NO 2XX +GET {NEW_OPERATION} \(ping\) +\d+ +404x\d+", result.stdout, re.M)
    assert re.search(r"^ok +POST /v1/public/track/events/ \(trackEvent\)", result.stdout, re.M)
    assert "ping" in {r.path.rstrip("/").rsplit("/", 1)[-1] for r in interakt_fake.requests}


def test_fuzz_with_a_missing_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = _fuzz("http://127.0.0.1:9", "--spec", str(tmp_path / "nope.yaml"))

    assert result.returncode == 2
    assert "--spec: no such file" in result.stderr


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


def test_contract_schema_takes_a_spec_of_ones_own(tmp_path: Path) -> None:
    schema = contract_schema("interakt", spec=spec_with_a_new_operation(tmp_path), max_examples=3)
    report = ContractReport(schema)

    assert {result.operation_id for result in report.operations.values()} == {
        "trackUser",
        "trackEvent",
        "ping",
    }
    assert {result.label for result in report.without_success()} == set(report.operations)
    with pytest.raises(AssertionError, match=r"3 operation\(s\) never got a 2xx answer"):
        report.assert_every_operation_succeeded()
    with pytest.raises(FileNotFoundError, match="spec: no such file"):
        contract_schema("interakt", spec=tmp_path / "missing.yaml")


@pytest.mark.parametrize("api", ["interakt", "seven_segments", "attributionio"])
def test_contract_schema_loads_every_packaged_spec(api: Any) -> None:
    schema = contract_schema(api, max_examples=3)
    assert len(list(schema.get_all_operations())) >= 2


def test_fuzz_passes_against_a_fake_serving_the_same_new_spec(tmp_path: Path) -> None:
    # The fake validates against the user's spec and answers the new operation with its example.
    spec = spec_with_a_new_operation(tmp_path)
    with serve(InteraktFake(spec=spec)) as fake:
        result = _fuzz(fake.url, "--spec", str(spec), "--max-examples", "3", "--", "-q")
        pings = [r.status for r in fake.requests_to("ping")]

    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(rf"^ok +GET {NEW_OPERATION} \(ping\) +\d+ +.*200x\d+", result.stdout, re.M)
    assert 200 in pings
    assert 401 in pings  # the security requirement still applies


session_schema = contract_schema("interakt", max_examples=2)
session_report = ContractReport(session_schema)


@session_schema.parametrize()
def test_contract_schema_with_the_session_fake_passes_the_health_checks(
    case: ContractCase, interakt_fake_session: InteraktFake
) -> None:
    # The function-scoped `interakt_fake` fails Hypothesis' function_scoped_fixture health check.
    session_report.call_and_validate(case, base_url=interakt_fake_session.url)


def test_the_session_fake_run_got_a_2xx_for_every_operation() -> None:
    session_report.assert_every_operation_succeeded()


def _their_tests(project: Path) -> subprocess.CompletedProcess[str]:
    """pytest on a user's project (its `test_theirs.py`), in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_theirs.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_plugin_fails_a_session_whose_fuzzing_never_got_a_2xx(tmp_path: Path) -> None:
    # A user's own contract test with a wrong key, and no explicit assertion: still a failure.
    (tmp_path / "test_theirs.py").write_text(
        textwrap.dedent(
            """
            from trackapis.testing.contract import ContractReport, contract_schema

            pytest_plugins = ["trackapis.testing.pytest_plugin"]
            report = ContractReport(
                contract_schema("interakt", credentials={"api_key": "wrong"}, max_examples=2)
            )

            @report.parametrize()
            def test_contract(case, interakt_fake_session):
                report.call_and_validate(case, base_url=interakt_fake_session.url)
            """
        ),
        encoding="utf-8",
    )
    result = _their_tests(tmp_path)

    assert result.returncode == 1, result.stdout[-3000:]
    assert "2 passed" in result.stdout
    assert "contract: 2 operation(s) fuzzed without a single 2xx answer" in result.stdout


def test_a_users_broken_client_fails_saying_why_and_the_client_fixture_follows_the_fakes_tokens(
    tmp_path: Path,
) -> None:
    # A user's project: company tokens of their own; one test with a client that sends the wrong
    # path, one with the plugin's client fixture. The first fails naming the fake's refusal.
    (tmp_path / "test_theirs.py").write_text(
        textwrap.dedent(
            """
            import httpx
            import pytest
            from trackapis.testing import received

            pytest_plugins = ["trackapis.testing.pytest_plugin"]

            @pytest.fixture(scope="session")
            def seven_segments_fake_options():
                return {"company_tokens": {"their-token"}}

            def test_broken(seven_segments_fake):
                body = {"customer_ids": {"registered": "john"}, "company_id": "their-token", "type": "x"}
                httpx.post(seven_segments_fake.url + "/crm/event", json=body)
                received(seven_segments_fake).customer("john")

            def test_fixture(seven_segments_fake, seven_segments_fake_client):
                seven_segments_fake_client.track("john", "signed_up")
                seven_segments_fake_client.flush(10)
                received(seven_segments_fake).customer("john")
            """
        ),
        encoding="utf-8",
    )
    result = _their_tests(tmp_path)
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-3000:]
    assert "it refused 1 requests" in result.stdout
    assert "POST /crm/event -> 404" in result.stdout
    assert "no operation at /crm/event" in result.stdout
