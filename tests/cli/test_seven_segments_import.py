"""`trackapis import seven-segments`: /bulk delivery, failed rows, resume without duplicates or losses."""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

import pytest
from cli_helpers import read_jsonl

from trackapis.cli import main
from trackapis.cli._importer import ImportSummary, Stop, run_import
from trackapis.cli._seven_segments import SEVEN_SEGMENTS_IMPORT
from trackapis.cli._targets import ImportSettings
from trackapis.testing import SevenSegmentsFake

TOKEN = "company-token-1"


@pytest.fixture
def seven_env(seven_segments_fake: SevenSegmentsFake, monkeypatch: pytest.MonkeyPatch) -> SevenSegmentsFake:
    monkeypatch.setenv("SEVEN_SEGMENTS_TOKEN", TOKEN)
    monkeypatch.setenv("SEVEN_SEGMENTS_TARGET", seven_segments_fake.url)
    return seven_segments_fake


def _write_events(path: Path, count: int, *, customers: int = 7) -> list[int]:
    with path.open("w", encoding="utf-8") as stream:
        for n in range(1, count + 1):
            row = {"customer_id": f"c{n % customers}", "type": "purchase", "properties": {"n": n}}
            stream.write(json.dumps(row) + "\n")
    return list(range(1, count + 1))


def _arrived(fake: SevenSegmentsFake) -> list[int]:
    return [int(event.properties["n"]) for _, event in fake.events]


def _per_customer_in_order(fake: SevenSegmentsFake) -> bool:
    return all(
        [e.properties["n"] for e in customer.events] == sorted(e.properties["n"] for e in customer.events)
        for customer in fake.customers
    )


def test_events_arrive_through_bulk_exactly_once_in_per_customer_order(
    seven_env: SevenSegmentsFake, tmp_path: Path
) -> None:
    rows = _write_events(tmp_path / "events.jsonl", 300)

    status = main(["import", "seven-segments", "events", str(tmp_path / "events.jsonl"), "--no-progress"])

    assert status == 0
    assert sorted(_arrived(seven_env)) == rows
    assert _per_customer_in_order(seven_env)
    assert {request.path for request in seven_env.requests} == {"/bulk"}
    assert len(seven_env.requests) < 300  # batched
    assert all(customer.company_id == TOKEN for customer in seven_env.customers)
    assert not (tmp_path / "events.jsonl.failed.jsonl").exists()

    before = len(seven_env.requests)
    assert main(["import", "seven-segments", "events", str(tmp_path / "events.jsonl"), "--no-progress"]) == 0
    assert len(seven_env.requests) == before  # a second run sends nothing


def test_csv_customers_take_other_columns_as_properties_and_list_invalid_rows(
    seven_env: SevenSegmentsFake, tmp_path: Path
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(
        "customer_id,cookie,first_name,plan\njohn123,,John,gold\n,,Nobody,free\n,abc-cookie,Anon,\n",
        encoding="utf-8",
    )

    assert (
        main(
            [
                "import",
                "seven-segments",
                "customers",
                str(source),
                "--no-progress",
                "--traits-from-extra-columns",
            ]
        )
        == 1
    )

    john = seven_env.customer(TOKEN, registered="john123")
    assert john is not None
    assert john.properties == {"first_name": "John", "plan": "gold"}
    anon = seven_env.customer(TOKEN, cookie="abc-cookie")
    assert anon is not None
    assert anon.properties == {"first_name": "Anon"}
    with (tmp_path / "customers.csv.failed.csv").open(encoding="utf-8", newline="") as stream:
        failed = list(csv.DictReader(stream))
    assert [row["_row"] for row in failed] == ["3"]
    assert "customer_id, cookie or ids is required" in failed[0]["_error"]


def test_jsonl_validation_names_the_line_and_the_field(seven_env: SevenSegmentsFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    lines = [
        {"customer_id": "1", "type": "a", "timestamp": "2024-05-01T10:00:00Z"},
        {"customer_id": "1"},
        {"customer_id": "1", "type": "b", "properties": "red"},
        {"customer_id": "1", "type": "c", "timestamp": "yesterday"},
        {"customer_id": "1", "type": "d", "timestamp": "2024-05-01T10:00:00"},
        {"ids": {"cookie": 5}, "type": "e"},
        {"ids": {"registered": "2", "cookie": "k"}, "event_type": "f", "timestamp": 1700000000},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    assert main(["import", "seven-segments", "events", str(source), "--no-progress"]) == 1

    failed = {row["_row"]: row["_error"] for row in read_jsonl(tmp_path / "events.jsonl.failed.jsonl")}
    assert sorted(failed) == [2, 3, 4, 5, 6]
    assert failed[2].startswith("line 2: type is missing")
    assert failed[3].startswith("line 3: properties must be a JSON object")
    assert failed[4].startswith("line 4: timestamp must be UNIX seconds or an ISO-8601")
    assert failed[5].startswith("line 5: timestamp must have a time zone")
    assert failed[6].startswith("line 6: customer['cookie'] must be a non-empty string id")
    events = [(event.type, event.timestamp) for _, event in seven_env.events]
    assert sorted(events) == [("a", 1714557600.0), ("f", 1700000000)]


def test_commands_the_api_refuses_are_listed_with_the_reason_and_not_resent(
    seven_env: SevenSegmentsFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    _write_events(source, 10, customers=1)
    seven_env.script_bulk("error", "error")

    assert main(["import", "seven-segments", "events", str(source), "--no-progress"]) == 1

    failed = read_jsonl(tmp_path / "events.jsonl.failed.jsonl")
    assert [row["_row"] for row in failed] == [1, 2]
    assert all("injected error" in row["_error"] for row in failed)
    assert failed[0]["properties"] == {"n": 1}
    assert sorted(_arrived(seven_env)) == list(range(3, 11))
    requests = len(seven_env.requests)
    assert main(["import", "seven-segments", "events", str(source), "--no-progress"]) == 1
    assert len(seven_env.requests) == requests


def test_retried_commands_and_5xx_are_delivered_once(seven_env: SevenSegmentsFake, tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    rows = _write_events(source, 120)
    seven_env.script_bulk("ok", "retry", "retry", "ok", "retry")
    seven_env.faults.fail_next(2, status=503, retry_after=0)

    assert main(["import", "seven-segments", "events", str(source), "--no-progress"]) == 0

    assert sorted(_arrived(seven_env)) == rows
    assert _per_customer_in_order(seven_env)


def _run(fake: SevenSegmentsFake, source: Path, stop: Stop, *, window: int = 100) -> ImportSummary:
    settings = ImportSettings(max_in_flight=4, rate_limit_per_minute=None, max_retries=3)

    options = {"base_url": fake.url}

    return run_import(
        lambda sink: SEVEN_SEGMENTS_IMPORT.create(options, "events", sink, settings),
        path=source,
        fmt="jsonl",
        target_identity=SEVEN_SEGMENTS_IMPORT.identity(options, "events"),
        state_path=source.with_name("state"),
        failed_path=source.with_name("failed.jsonl"),
        stop=stop,
        progress=False,
        window=window,
    )


def test_resume_after_an_interruption_sends_nothing_twice_and_loses_nothing(
    seven_env: SevenSegmentsFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = _write_events(source, 400, customers=40)
    seven_env.faults.add_latency(0.01)
    stop = Stop()

    def interrupt_after_some() -> None:
        while len(_arrived(seven_env)) < 60:
            time.sleep(0.005)
        stop.soon.set()

    threading.Thread(target=interrupt_after_some, daemon=True).start()
    first = _run(seven_env, source, stop, window=20)

    assert first.interrupted
    assert first.remaining > 0
    assert first.uncertain == 0  # an interruption waits for the rows in flight
    assert 60 <= len(_arrived(seven_env)) < 400
    seven_env.faults.add_latency(0)

    second = _run(seven_env, source, Stop())

    assert second.complete
    assert sorted(_arrived(seven_env)) == rows
    assert _per_customer_in_order(seven_env)


def test_a_stop_now_leaves_rows_in_flight_uncertain_and_they_are_not_resent(
    seven_env: SevenSegmentsFake, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    rows = _write_events(source, 200, customers=50)
    seven_env.faults.add_latency(0.2)
    stop = Stop()

    def stop_now_after_some() -> None:
        while len(seven_env.requests) < 2:
            time.sleep(0.005)
        stop.soon.set()
        stop.now.set()

    threading.Thread(target=stop_now_after_some, daemon=True).start()
    _run(seven_env, source, stop, window=30)
    time.sleep(0.5)  # let the abandoned requests land (or not)
    seven_env.faults.add_latency(0)

    second = _run(seven_env, source, Stop())

    uncertain = {row["_row"] for row in read_jsonl(source.with_name("failed.jsonl"))}
    assert second.uncertain == len(uncertain)
    assert 0 < len(uncertain) <= 30
    got = _arrived(seven_env)
    assert len(got) == len(set(got))  # nothing twice
    assert set(got) | uncertain == set(rows)  # nothing lost: arrived, or listed as uncertain


def test_a_missing_token_is_a_clear_error(
    seven_segments_fake: SevenSegmentsFake,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("SEVEN_SEGMENTS_TOKEN", raising=False)
    _write_events(tmp_path / "events.jsonl", 3)

    status = main(["import", "seven-segments", "events", str(tmp_path / "events.jsonl"), "--no-progress"])

    assert status == 2
    assert "SEVEN_SEGMENTS_TOKEN is not set" in capsys.readouterr().err
    assert seven_segments_fake.requests == []
