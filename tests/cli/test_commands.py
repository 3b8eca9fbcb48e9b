"""`trackapis interakt ...`, `fakes serve`, --help, the console script and the plug-in groups."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import cli_env, run_cli

from trackapis.cli import CommandGroup, main, passthrough_group
from trackapis.testing import InteraktFake


def test_interakt_user_sends_once_and_prints_the_answer(interakt_fake: InteraktFake) -> None:
    result = run_cli(
        ["interakt", "user", "--user-id", "42", "--trait", "name=John Doe", "--traits", '{"age": 24}'],
        cli_env(interakt_fake),
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"status": 202, "message": "User data queued successfully"}
    assert interakt_fake.user("42").traits == {"name": "John Doe", "age": 24}  # type: ignore[union-attr]
    assert len(interakt_fake.requests) == 1


def test_interakt_event_by_phone(interakt_fake: InteraktFake) -> None:
    result = run_cli(
        ["interakt", "event", "Order Placed", "--phone-number", "9999999999", "--trait", "orderValue=50.00"],
        cli_env(interakt_fake),
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == 201
    user = interakt_fake.user(phone="+919999999999")
    assert user is not None
    assert [(e.event, e.traits) for e in user.events] == [("Order Placed", {"orderValue": "50.00"})]


def test_a_refused_call_is_one_line_on_stderr_and_exit_1(interakt_fake: InteraktFake) -> None:
    result = run_cli(
        ["interakt", "user", "--user-id", "1"], cli_env(interakt_fake, INTERAKT_API_KEY="wrong-key-456")
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "trackapis: error: not delivered: POST /v1/public/track/users/ -> 401: unknown API key\n"
    )


def test_a_retried_5xx_is_delivered(interakt_fake: InteraktFake) -> None:
    interakt_fake.faults.fail_next(1, status=503, retry_after=0)

    result = run_cli(["interakt", "event", "Signed Up", "--user-id", "1"], cli_env(interakt_fake))

    assert result.returncode == 0, result.stderr
    assert len(interakt_fake.requests) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interakt", "user", "--trait", "a=b"], "user_id or phone_number is required"),
        (["interakt", "user", "--user-id", "1", "--trait", "novalue"], "--trait must look like NAME=VALUE"),
        (
            ["interakt", "user", "--user-id", "1", "--traits", "[1]"],
            "--traits must be a JSON object, not list",
        ),
        (["interakt", "event", " ", "--user-id", "1"], "event must not be empty"),
        (["interakt", "user", "--user-id", "1", "--host", "ftp://x"], "must be an http(s) URL"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    in_env: InteraktFake, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert in_env.requests == []


def test_missing_api_key_is_a_clear_error_and_nothing_is_sent(interakt_fake: InteraktFake) -> None:
    result = run_cli(["interakt", "user", "--user-id", "1"], cli_env(None))

    assert result.returncode == 2
    assert "INTERAKT_API_KEY is not set" in result.stderr
    assert interakt_fake.requests == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["interakt", "import", "fakes", "INTERAKT_API_KEY", "examples:"]),
        (["interakt", "user"], ["--user-id", "--trait NAME=VALUE", "INTERAKT_API_KEY", "examples:"]),
        (["import"], ["interakt users:", "Resuming:", "Failed rows:", "Exit status:", "users.csv"]),
        (["import", "interakt"], ["--resend-uncertain", "--window", "--rate-limit-per-minute", "--state"]),
        (["fakes", "serve"], ["--api", "--port", "test credentials"]),
    ],
)
def test_help_explains_with_examples(args: list[str], expected: list[str]) -> None:
    result = run_cli([*args, "--help"], cli_env(None))

    assert result.returncode == 0
    for text in expected:
        assert text in result.stdout


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("trackapis")

    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)

    assert result.returncode == 0
    assert result.stdout.startswith("trackapis ")


def test_fakes_serve_prints_a_loopback_url_that_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "trackapis", "fakes", "serve", "--api", "interakt", "--interakt-api-key", "k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        import httpx

        answer = httpx.post(f"{url}/v1/public/track/users/", json={"userId": "1"}, auth=("k", ""), timeout=5)
        assert answer.status_code == 202
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_passthrough_group_hands_its_arguments_to_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seed_tool.py").write_text(
        "CALLS = []\ndef main(argv):\n    CALLS.append(argv)\n    return 3\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    group = passthrough_group("seed", "the seed's commands", "seed_tool:main")

    status = main(["seed", "export", "--analysis", "a1"], groups=[group])

    import seed_tool  # type: ignore[import-not-found]

    assert status == 3
    assert seed_tool.CALLS == [["export", "--analysis", "a1"]]


def test_a_passthrough_group_whose_module_is_missing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    group = passthrough_group("later", "not there yet", "no_such_module_xyz:main")

    assert main(["later", "x"], groups=[group]) == 2

    assert "this command is not available: No module named 'no_such_module_xyz'" in capsys.readouterr().err


def test_groups_are_a_registry() -> None:
    def register(subparsers: object, group: CommandGroup) -> None:
        parser = subparsers.add_parser(group.name)  # type: ignore[attr-defined]
        parser.set_defaults(handler=lambda args: 7)

    assert main(["hello"], groups=[CommandGroup("hello", "says hello", register)]) == 7
