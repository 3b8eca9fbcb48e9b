"""`trackapis import`: delivery, failed rows, validation, resume without duplicates or losses."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import API_KEY, arrived, cli_env, per_user_in_order, read_jsonl, run_cli, write_events

from trackapis.cli import main
from trackapis.cli._importer import ImportSummary, Stop, run_import
from trackapis.cli._interakt import INTERAKT_IMPORT
from trackapis.cli._targets import ImportSettings
from trackapis.testing import InteraktFake


def test_a_jsonl_file_of_events_arrives_exactly_once_in_per_user_order(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    rows = write_events(tmp_path / "events.jsonl", 300)

    status = main(["import", "interakt", "events", str(tmp_path / "events.jsonl"), "--no-progress"])

    assert status == 0
    assert sorted(arrived(in_env)) == rows
    assert per_user_in_order(in_env)
    assert not (tmp_path / "events.jsonl.failed.jsonl").exists()


def test_a_second_run_sends_nothing(
    in_env: InteraktFake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(tmp_path / "events.jsonl", 20)
    assert main(["import", "interakt", "events", str(tmp_path / "events.jsonl"), "--no-progress"]) == 0
    before = len(in_env.requests)

    assert main(["import", "interakt", "events", str(tmp_path / "events.jsonl"), "--no-progress"]) == 0

    assert len(in_env.requests) == before
    assert "0 sent in this run" in capsys.readouterr().err


def test_csv_users_take_other_columns_as_traits_and_list_invalid_rows(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "user_id,phone_number,country_code,name,plan\n"
        "42,9999999999,+91,John Doe,gold\n"
        ",,,Nobody,free\n"
        "43,,,Jane,\n"
        "44,,,Bad,x,extra-cell\n",
        encoding="utf-8",
    )

    status = main(
        ["import", "interakt", "users", str(source), "--no-progress", "--traits-from-extra-columns"]
    )

    assert status == 1
    assert in_env.user("42") is not None
    assert in_env.user("42").traits == {"name": "John Doe", "plan": "gold"}  # type: ignore[union-attr]
    assert in_env.user("43").traits == {"name": "Jane"}  # type: ignore[union-attr]
    with (tmp_path / "users.csv.failed.csv").open(encoding="utf-8", newline="") as stream:
        header, *failed = list(csv.reader(stream))
    assert header == ["_row", "_error", "user_id", "phone_number", "country_code", "name", "plan"]
    assert [row[0] for row in failed] == ["3", "5"]
    assert failed[0][1].startswith("line 3: user_id or phone_number is required")
    assert failed[0][2:] == ["", "", "", "Nobody", "free"]
    assert failed[1][1] == "line 5: 6 cells, the header has 5"
    assert failed[1][2:] == ["44", "", "", "Bad", "x", "extra-cell"]  # its cells, to fix and re-import


def test_jsonl_validation_names_the_line_and_the_field(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    lines = [
        {"user_id": "1", "event": "A"},
        "not json",
        {"user_id": "1"},
        {"user_id": "1", "event": "B", "traits": "red"},
        {"user_id": "1", "event": "C", "created_at": "yesterday"},
        {"user_id": ["x"], "event": "D"},
        [1, 2],
    ]
    source.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 1

    failed = {row["_row"]: row["_error"] for row in read_jsonl(tmp_path / "events.jsonl.failed.jsonl")}
    assert sorted(failed) == [2, 3, 4, 5, 6, 7]
    assert failed[2].startswith("line 2: not valid JSON")
    assert failed[3].startswith("line 3: event is missing")
    assert failed[4].startswith("line 4: traits must be a JSON object")
    assert failed[5].startswith("line 5: created_at must be an ISO-8601")
    assert failed[6].startswith("line 6: user_id must be a string or an int")
    assert failed[7] == "line 7: expected a JSON object, found list"
    assert [e.event for _, e in in_env.events] == ["A"]


def test_rows_the_api_refuses_are_listed_with_the_reason_and_not_resent(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 10, users=1)
    in_env.faults.fail_next(2, status=400)

    assert main(["import", "interakt", "events", str(source), "--no-progress", "--max-retries", "0"]) == 1

    failed = read_jsonl(tmp_path / "events.jsonl.failed.jsonl")
    assert [row["_row"] for row in failed] == [1, 2]
    assert all("-> 400" in row["_error"] for row in failed)
    assert failed[0]["traits"] == {"n": 1}  # the original record, ready to fix and re-import
    requests = len(in_env.requests)
    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 1
    assert len(in_env.requests) == requests


def test_a_corrected_failed_rows_file_imports_as_it_is(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    rows = [{"user_id": "1", "event": "A", "traits": {"n": 0}}, {"user_id": "1", "traits": {"n": 1}}]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    main(["import", "interakt", "events", str(source), "--no-progress"])
    failed_file = tmp_path / "events.jsonl.failed.jsonl"
    fixed = [{**row, "event": "Fixed"} for row in read_jsonl(failed_file)]
    failed_file.write_text("".join(json.dumps(row) + "\n" for row in fixed), encoding="utf-8")

    assert main(["import", "interakt", "events", str(failed_file), "--no-progress"]) == 0

    assert [(e.event, e.traits) for _, e in in_env.events] == [("A", {"n": 0}), ("Fixed", {"n": 1})]


def _run(fake: InteraktFake, source: Path, stop: Stop, *, window: int = 100) -> ImportSummary:
    settings = ImportSettings(max_in_flight=4, rate_limit_per_minute=None, max_retries=3)

    options = {"base_url": fake.url}

    return run_import(
        lambda sink: INTERAKT_IMPORT.create(options, "events", sink, settings),
        path=source,
        fmt="jsonl",
        target_identity=INTERAKT_IMPORT.identity(options, "events"),
        state_path=source.with_name("state"),
        failed_path=source.with_name("failed.jsonl"),
        stop=stop,
        progress=False,
        window=window,
    )


def test_resume_after_an_interruption_sends_nothing_twice_and_loses_nothing(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 400)
    in_env.faults.add_latency(0.005)
    stop = Stop()

    def interrupt_after_some() -> None:
        while len(in_env.requests) < 60:
            time.sleep(0.005)
        stop.soon.set()

    threading.Thread(target=interrupt_after_some, daemon=True).start()
    first = _run(in_env, source, stop, window=20)

    assert first.interrupted
    assert first.remaining > 0
    assert first.uncertain == 0  # Ctrl-C waits for the rows in flight
    partial = arrived(in_env)
    assert 60 <= len(partial) < 400
    in_env.faults.add_latency(0)

    second = _run(in_env, source, Stop())

    assert second.complete
    assert sorted(arrived(in_env)) == rows  # all of them, each once
    assert per_user_in_order(in_env)


def test_a_stop_now_leaves_rows_in_flight_uncertain_and_they_are_not_resent(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 200)
    in_env.faults.add_latency(0.2)
    stop = Stop()

    def stop_now_after_some() -> None:
        while len(in_env.requests) < 8:
            time.sleep(0.005)
        stop.soon.set()
        stop.now.set()

    threading.Thread(target=stop_now_after_some, daemon=True).start()
    _run(in_env, source, stop, window=10)
    time.sleep(0.5)  # let the abandoned requests land (or not)
    in_env.faults.add_latency(0)

    second = _run(in_env, source, Stop())

    uncertain = {row["_row"] for row in read_jsonl(source.with_name("failed.jsonl"))}
    assert second.uncertain == len(uncertain)
    assert 0 < len(uncertain) <= 10
    got = arrived(in_env)
    assert len(got) == len(set(got))  # nothing twice
    assert set(got) | uncertain == set(rows)  # nothing lost: arrived, or listed as uncertain


def test_a_killed_import_resumes_without_duplicates(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 300)
    interakt_fake.faults.add_latency(0.02)
    command = [
        sys.executable,
        "-m",
        "trackapis",
        "import",
        "interakt",
        "events",
        str(source),
        "--no-progress",
    ]
    process = subprocess.Popen(command, env=cli_env(interakt_fake), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(interakt_fake.requests) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()  # SIGKILL: no cleanup at all
    process.communicate(timeout=10)
    time.sleep(0.2)
    interakt_fake.faults.add_latency(0)

    result = run_cli(["import", "interakt", "events", str(source), "--no-progress"], cli_env(interakt_fake))

    got = arrived(interakt_fake)
    uncertain = {row["_row"] for row in read_jsonl(tmp_path / "events.jsonl.failed.jsonl")}
    assert result.returncode == 1, result.stderr  # the uncertain rows are listed, so not all delivered
    assert "uncertain" in result.stderr
    assert len(got) == len(set(got))
    assert set(got) | uncertain == set(rows)
    assert len(uncertain) <= 100  # the window


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_finishes_the_rows_in_flight_and_the_rerun_completes(
    interakt_fake: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 300)
    interakt_fake.faults.add_latency(0.02)
    command = [
        sys.executable,
        "-m",
        "trackapis",
        "import",
        "interakt",
        "events",
        str(source),
        "--no-progress",
    ]
    process = subprocess.Popen(command, env=cli_env(interakt_fake), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(interakt_fake.requests) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    interakt_fake.faults.add_latency(0)

    assert process.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    assert not (tmp_path / "events.jsonl.failed.jsonl").exists()

    result = run_cli(["import", "interakt", "events", str(source), "--no-progress"], cli_env(interakt_fake))

    assert result.returncode == 0, result.stderr
    assert sorted(arrived(interakt_fake)) == rows


def test_a_torn_last_state_line_is_ignored(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 5)
    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0
    state = tmp_path / "events.jsonl.import-state"
    state.write_text(state.read_text(encoding="utf-8") + '{"row": 3, "sta', encoding="utf-8")

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0
    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0

    assert sorted(arrived(in_env)) == rows


# -- refusals: nothing is sent ----------------------------------------------------------------------------


def test_missing_credentials_are_a_clear_error(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    write_events(tmp_path / "events.jsonl", 3)

    result = run_cli(["import", "interakt", "events", str(tmp_path / "events.jsonl")], cli_env(None))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "trackapis: error: INTERAKT_API_KEY is not set: export INTERAKT_API_KEY=<the Secret Key from the "
        "Interakt dashboard> (it is read from the environment only)"
    )
    assert not (tmp_path / "events.jsonl.import-state").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.txt", "{}\n", "cannot tell the format of events.txt"),
        ("events.csv", "", "events.csv is empty: a CSV import needs a header row"),
        ("events.csv", "user_id,,event\n1,2,3\n", "header column 2 has no name"),
        ("events.csv", "user_id,event,user_id\n1,2,3\n", "names column 'user_id' twice"),
        ("events.csv", b"user_id,\xffevent\n1,2\n", "the header (line 1) is not utf-8 text (byte 0xff"),
        ("events.csv", 'user_id,"event\n1,2\n', "the header (line 1) has a quote that is never closed"),
    ],
)
def test_unusable_files_are_refused_before_sending(
    in_env: InteraktFake,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | bytes,
    message: str,
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    assert main(["import", "interakt", "events", str(path), "--no-progress"]) == 2

    assert message in capsys.readouterr().err
    assert in_env.requests == []


def test_a_missing_file_is_refused(
    in_env: InteraktFake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "interakt", "users", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv does not exist" in capsys.readouterr().err


def test_resuming_over_a_file_whose_sent_rows_changed_is_refused(
    in_env: InteraktFake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 3)
    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text(lines[0] + lines[2] + lines[1], encoding="utf-8")  # rows moved: 2 and 3 changed
    requests = len(in_env.requests)

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 2

    assert "line(s) 2, 3 are not what was sent" in capsys.readouterr().err
    assert len(in_env.requests) == requests


def test_rows_added_after_a_complete_import_are_sent_alone(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 3)
    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0
    rows = write_events(source, 5)  # the same three rows, and two more

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 0

    assert sorted(arrived(in_env)) == rows


def test_the_api_key_never_appears_in_the_output(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    write_events(tmp_path / "events.jsonl", 3)
    env = cli_env(interakt_fake, INTERAKT_API_KEY="sekrit-key-123")  # wrong key: refused with 401

    result = run_cli(["import", "interakt", "events", str(tmp_path / "events.jsonl")], env)

    assert result.returncode == 2
    assert not (tmp_path / "events.jsonl.failed.jsonl").exists()  # no row failed: the run did
    outputs = result.stdout + result.stderr
    assert "-> 401" in outputs
    assert "sekrit" not in outputs
    assert "sekrit" not in (tmp_path / "events.jsonl.import-state").read_text(encoding="utf-8")
    assert API_KEY not in outputs
