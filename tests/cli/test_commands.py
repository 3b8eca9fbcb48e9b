"""`trackapis interakt ...`, `fakes serve`, --help, completion, the console script, with and without a TTY."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import cli_env, run_cli, write_events
from pty_helpers import run_in_pty

from trackapis.cli import main
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
        (["interakt", "user", "--max-retries", "-1"], "Invalid value for '--max-retries'"),
        (["interakt", "usr"], "No such command 'usr'"),
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
        ([], ["interakt", "import", "fakes", "completion", "INTERAKT_API_KEY", "examples:"]),
        (["interakt", "user"], ["--user-id", "--trait NAME=VALUE", "INTERAKT_API_KEY", "examples:"]),
        (["import"], ["interakt users:", "Resuming:", "Failed rows:", "Exit status:", "users.csv"]),
        (
            ["import", "interakt"],
            ["--resend-uncertain", "--window", "--rate-limit-per-minute", "--state", "--json", "--encoding"],
        ),
        (["import", "seven-segments"], ["--traits-from-extra-columns", "--base-url", "customers"]),
        (["seven-segments", "track"], ["--property NAME=VALUE", "SEVEN_SEGMENTS_TOKEN", "examples:"]),
        (["attributionio", "customer"], ["--identities", "--base-url", "ATTRIBUTIONIO_API_SECRET"]),
        (["fakes", "serve"], ["--api", "--port", "test credentials", "TEST_CREDENTIALS"]),
        (["completion"], ["bash", "zsh", "fish"]),
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


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "_TRACKAPIS_COMPLETE=bash_complete"),
        ("zsh", "#compdef trackapis"),
        ("fish", "complete --no-files --command trackapis"),
    ],
)
def test_completion_scripts_are_the_libraries(shell: str, expected: str) -> None:
    result = run_cli(["completion", shell], cli_env(None))

    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_completion_completes_commands_and_options() -> None:
    env = cli_env(
        None, _TRACKAPIS_COMPLETE="bash_complete", COMP_WORDS="trackapis import interakt --re", COMP_CWORD="3"
    )

    result = subprocess.run(
        [sys.executable, "-m", "trackapis"], env=env, capture_output=True, text=True, check=False
    )

    assert "plain,--resend-uncertain" in result.stdout


def test_without_the_cli_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    # A `click` that cannot be imported stands in for an install without the extra.
    (tmp_path / "click.py").write_text("raise ImportError('no click', name='click')\n", encoding="utf-8")
    env = cli_env(None, PYTHONPATH=str(tmp_path))

    result = run_cli(["--help"], env)
    library = subprocess.run(
        [sys.executable, "-c", "import trackapis, trackapis.interakt, sys; print('click' in sys.modules)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "pip install 'trackapis[cli]'" in result.stderr
    assert library.stdout.strip() == "False"  # the library never needs the extra


def test_without_a_tty_the_output_is_plain_text(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 30)

    result = run_cli(["import", "interakt", "events", str(source)], cli_env(interakt_fake))

    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stderr  # no colours, no cursor movement
    assert "events.jsonl: 30 rows: 30 delivered (30 sent in this run, 0 retries)" in result.stderr
    assert "30/30 100%" in result.stderr  # the plain progress line


@pytest.mark.skipif(sys.platform == "win32", reason="pty")
def test_with_a_tty_the_output_has_colours_a_progress_bar_and_a_table(
    interakt_fake: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 30)
    env = cli_env(interakt_fake, TERM="xterm-256color", COLUMNS="120")
    env.pop("NO_COLOR", None)

    status, output = run_in_pty(
        [sys.executable, "-m", "trackapis", "import", "interakt", "events", str(source)], env
    )

    assert status == 0, output
    assert "\x1b[" in output  # colours
    assert "30/30" in output  # rich's progress bar
    assert "eta" in output
    assert "delivered" in output
    assert "sent in this run" in output
    assert "events.jsonl: 30 rows:" not in output  # not the plain line


def test_the_json_summary_is_machine_readable(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 5)

    result = run_cli(
        ["import", "interakt", "events", str(source), "--json", "--no-progress"], cli_env(interakt_fake)
    )

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["delivered"] == summary["rows"] == 5
    assert summary["complete"] is True
    assert summary["stopped_because"] is None


def test_a_command_loads_only_its_own_api() -> None:
    code = (
        "import sys\n"
        "from trackapis.cli import main\n"
        "main(['interakt', 'user', '--help'])\n"
        "others = ('trackapis.attributionio', 'trackapis.seven_segments')\n"
        "print(sorted(name for name in others if name in sys.modules))\n"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.stdout.splitlines()[-1] == "[]", result.stderr
