"""`trackapis import` on bad files and bad keys: nothing merged, nothing silently dropped, a stop
before sending when it should, and a corrected rerun that completes without sending a row twice."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import API_KEY, arrived, cli_env, read_jsonl, run_cli, write_events

from trackapis.cli import main
from trackapis.testing import InteraktFake


def _users(fake: InteraktFake) -> dict[str, dict[str, object]]:
    return {user.user_id: dict(user.traits) for user in fake.users if user.user_id is not None}


def _failed_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))[1:]


def _import(path: Path, *extra: str) -> int:
    return main(["import", "interakt", "users", str(path), "--no-progress", *extra])


# -- CSV that cannot merge rows -------------------------------------------------------------------------


def test_an_unclosed_quote_costs_its_own_line_only(in_env: InteraktFake, tmp_path: Path) -> None:
    # The file of the report: one stray quote used to merge rows 3 to 6 into one user id.
    source = tmp_path / "users.csv"
    source.write_text(
        'user_id,traits.age,traits.plan\n42,30,gold\n43,"99\n44,abc,free\n45,,free\n,,\n', encoding="utf-8"
    )

    assert _import(source) == 1

    assert _users(in_env) == {
        "42": {"age": "30", "plan": "gold"},
        "44": {"age": "abc", "plan": "free"},
        "45": {"plan": "free"},
    }
    failed = _failed_csv(tmp_path / "users.csv.failed.csv")
    assert [row[0] for row in failed] == ["3", "6"]
    assert failed[0][1] == (
        "line 3: a quote opened on this line is not closed before the next row (line 4); "
        "quote the cell or remove the stray quote"
    )
    assert failed[0][2:] == ["43", "99"]  # its cells, to fix
    assert failed[1][1].startswith("line 6: user_id or phone_number is required")


def test_a_stray_quote_closed_by_another_further_down_merges_nothing(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    # Line 2 opens a quote that the one on line 4 would close, taking line 3 (a row) into a cell.
    source = tmp_path / "users.csv"
    source.write_text('user_id,traits.note\n1,"a\n2,b\n3,c"\n4,d\n', encoding="utf-8")

    assert _import(source) == 1

    # Line 4's quote, in the middle of an unquoted cell, is a character (as spreadsheets read it).
    assert _users(in_env) == {"2": {"note": "b"}, "3": {"note": 'c"'}, "4": {"note": "d"}}
    [failed] = _failed_csv(tmp_path / "users.csv.failed.csv")
    assert failed == [
        "2",
        "line 2: a quote opened on this line is not closed before the next row (line 3); quote the cell "
        "or remove the stray quote",
        "1",
        "a",
    ]


def test_a_quoted_cell_spanning_lines_is_one_row(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        'user_id,traits.address,traits.plan\n1,"12 Main St\nFlat 4",gold\n2,x,free\n', encoding="utf-8"
    )

    assert _import(source) == 0

    assert _users(in_env) == {
        "1": {"address": "12 Main St\nFlat 4", "plan": "gold"},
        "2": {"address": "x", "plan": "free"},
    }


def test_a_quote_inside_an_unquoted_cell_is_a_character(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text('user_id,traits.tv\n1,32" screen\n2,"55"" screen"\n', encoding="utf-8")

    assert _import(source) == 0

    assert _users(in_env) == {"1": {"tv": '32" screen'}, "2": {"tv": '55" screen'}}


def test_ragged_rows_keep_their_cells_and_import_once_fixed(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text("user_id,traits.plan\n1,gold\n2,free,oops\n3\n4,free\n", encoding="utf-8")

    assert _import(source) == 1

    failed_file = tmp_path / "users.csv.failed.csv"
    failed = _failed_csv(failed_file)
    assert failed == [
        ["3", "line 3: 3 cells, the header has 2", "2", "free", "oops"],
        ["4", "line 4: 1 cells, the header has 2", "3"],
    ]
    # Fix them in the failed-rows file, and import it as it is.
    failed_file.write_text("_row,_error,user_id,traits.plan\n3,,2,free\n4,,3,silver\n", encoding="utf-8")
    assert _import(failed_file) == 0
    assert _import(source) == 1  # the original's rerun sends nothing again
    assert _users(in_env) == {
        "1": {"plan": "gold"},
        "2": {"plan": "free"},
        "3": {"plan": "silver"},
        "4": {"plan": "free"},
    }
    assert len(in_env.requests) == 4


def test_an_undecodable_byte_costs_its_line_and_another_encoding_fixes_it(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_bytes("user_id,traits.name\n1,Ann\n2,Ren\xe9e\n3,Bob\n".encode("cp1252"))

    assert _import(source) == 1

    assert _users(in_env) == {"1": {"name": "Ann"}, "3": {"name": "Bob"}}
    [failed] = _failed_csv(tmp_path / "users.csv.failed.csv")
    assert failed[:2] == [
        "3",
        "line 3 is not utf-8 text (byte 0xe9 at column 6; if the whole file is in another encoding, "
        "pass --encoding (e.g. cp1252))",
    ]
    assert failed[2:] == ["2", "Ren\ufffde"]
    # The row never left, so a rerun in the right encoding sends it (and only it).
    assert _import(source, "--encoding", "cp1252") == 0
    assert _users(in_env)["2"] == {"name": "Renée"}
    assert len(in_env.requests) == 3


def test_jsonl_one_error_per_bad_line_with_its_number(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    good = json.dumps({"user_id": "1", "event": "A"}).encode()
    source.write_bytes(
        b"\n".join([good, b'{"user_id": "1", "event": "B\xff"}', b'{"user_id": "1", "event": ', good, b""])
    )

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 1

    failed = {row["_row"]: row for row in read_jsonl(tmp_path / "events.jsonl.failed.jsonl")}
    assert sorted(failed) == [2, 3]
    assert failed[2]["_error"].startswith("line 2 is not utf-8 text (byte 0xff at column 29")
    assert failed[3]["_error"].startswith("line 3: not valid JSON")
    assert failed[3]["_line"] == '{"user_id": "1", "event":'
    assert [e.event for _, e in in_env.events] == ["A", "A"]


# -- the header, before anything is sent ----------------------------------------------------------------


def test_a_wrong_header_stops_before_sending_and_the_fixed_file_imports(
    in_env: InteraktFake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "users.csv"
    source.write_text("userid,phone,plan\n1,9999999999,gold\n2,8888888888,free\n", encoding="utf-8")

    assert _import(source) == 2

    err = capsys.readouterr().err
    assert "unknown columns: 'userid' (did you mean 'user_id'?), 'phone', 'plan'" in err
    assert "no 'user_id' or 'userId' or 'phone_number' or 'phoneNumber' column: every row needs one" in err
    assert "traits.<name>" in err
    assert "--traits-from-extra-columns" in err
    assert "nothing was sent" in err
    assert in_env.requests == []
    assert not (tmp_path / "users.csv.import-state").exists()
    assert not (tmp_path / "users.csv.failed.csv").exists()
    # The header fixed: the rerun is allowed, and sends each row once.
    source.write_text("user_id,phone_number,plan\n1,9999999999,gold\n2,8888888888,free\n", encoding="utf-8")
    assert _import(source, "--traits-from-extra-columns") == 0
    assert _import(source, "--traits-from-extra-columns") == 0
    assert _users(in_env) == {"1": {"plan": "gold"}, "2": {"plan": "free"}}
    assert len(in_env.requests) == 2


def test_unknown_jsonl_keys_stop_before_sending(
    in_env: InteraktFake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "events.jsonl"
    source.write_text(json.dumps({"user_id": "1", "event": "A", "colour": "red"}) + "\n", encoding="utf-8")

    assert main(["import", "interakt", "events", str(source), "--no-progress"]) == 2

    assert "unknown keys: 'colour'" in capsys.readouterr().err
    assert in_env.requests == []


def test_a_header_fixed_after_rows_were_sent_resumes_without_resending(
    in_env: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text("user_id,traits.plna\n1,gold\n2,free\n", encoding="utf-8")
    assert _import(source) == 0
    source.write_text("user_id,traits.plan\n1,gold\n2,free\n3,silver\n", encoding="utf-8")

    assert _import(source) == 0

    assert len(in_env.requests) == 3  # rows 2 and 3 were not sent again; row 4 went with the new header
    assert _users(in_env)["3"] == {"plan": "silver"}


def test_an_invalid_row_fixed_in_place_is_sent_by_the_rerun(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text("user_id,traits.plan\n1,gold\n,free\n", encoding="utf-8")
    assert _import(source) == 1

    source.write_text("user_id,traits.plan\n1,gold\n2,free\n", encoding="utf-8")

    assert _import(source) == 0
    assert _users(in_env) == {"1": {"plan": "gold"}, "2": {"plan": "free"}}
    assert len(in_env.requests) == 2


# -- the preflight: a wrong key costs one request, and no row -------------------------------------------


def test_a_wrong_key_stops_after_one_request_and_the_rerun_sends_everything_once(
    interakt_fake: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 1000)
    args = ["import", "interakt", "events", str(source), "--no-progress", "--json"]

    wrong = run_cli(args, cli_env(interakt_fake, INTERAKT_API_KEY="wrong-key-456"))

    assert wrong.returncode == 2, wrong.stderr
    assert len(interakt_fake.requests) == 1
    assert (
        "trackapis: error: the import stopped: POST /v1/public/track/events/ -> 401: unknown API key"
        in wrong.stderr
    )
    assert "check INTERAKT_API_KEY" in wrong.stderr
    assert "none was recorded as failed" in wrong.stderr
    assert "wrong-key-456" not in wrong.stderr + wrong.stdout
    summary = json.loads(wrong.stdout)
    assert (summary["failed"], summary["run_failed"], summary["not_sent"]) == (0, 1, 999)
    state = [
        json.loads(line) for line in (tmp_path / "events.jsonl.import-state").read_text().splitlines()[1:]
    ]
    assert [line["state"] for line in state] == ["submitted", "run_failed"]
    assert not (tmp_path / "events.jsonl.failed.jsonl").exists()

    right = run_cli(args, cli_env(interakt_fake))

    assert right.returncode == 0, right.stderr
    assert sorted(arrived(interakt_fake)) == rows  # each once
    assert len(interakt_fake.requests) == 1001


def test_a_key_revoked_mid_import_stops_it_and_the_rerun_completes(
    interakt_fake: InteraktFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = write_events(source, 200)
    interakt_fake.faults.add_latency(0.01)
    args = [
        "import",
        "interakt",
        "events",
        str(source),
        "--no-progress",
        "--max-in-flight",
        "2",
        "--window",
        "4",
    ]

    def revoke_after_some() -> None:
        while len(interakt_fake.requests) < 20:
            time.sleep(0.002)
        interakt_fake.faults.fail_next(1000, status=401)

    threading.Thread(target=revoke_after_some, daemon=True).start()
    first = run_cli(args, cli_env(interakt_fake))

    assert first.returncode == 2, first.stderr
    assert "401" in first.stderr
    assert len(interakt_fake.requests) < 40  # stopped, not 200 refusals
    interakt_fake.faults.clear()
    interakt_fake.faults.add_latency(0)

    second = run_cli(args, cli_env(interakt_fake))

    assert second.returncode == 0, second.stderr
    assert sorted(arrived(interakt_fake)) == rows


def test_a_wrong_url_stops_after_one_request(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 50)

    result = run_cli(
        [
            "import",
            "interakt",
            "events",
            str(source),
            "--no-progress",
            "--base-url",
            interakt_fake.url + "/nope",
        ],
        cli_env(interakt_fake),
    )

    assert result.returncode == 2
    assert "-> 404" in result.stderr
    assert len(interakt_fake.requests) == 1
    assert API_KEY not in result.stderr


def test_an_unreachable_server_stops_after_the_first_row(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    write_events(source, 20)
    args = ["import", "interakt", "events", str(source), "--no-progress", "--max-retries", "0", "--json"]

    result = run_cli([*args, "--base-url", "http://127.0.0.1:9"], cli_env(None, INTERAKT_API_KEY=API_KEY))

    assert result.returncode == 2, result.stderr
    assert "Connection refused" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["run_failed"], summary["failed"], summary["not_sent"]) == (1, 0, 19)


def test_a_refused_import_still_answers_json(in_env: InteraktFake, tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    source.write_text("userid\n1\n", encoding="utf-8")

    assert _import(source, "--json") == 2
    # (printed on stdout; the message itself is checked in the wrong-header test)
