"""`trackapis seven-segments ...` and `trackapis attributionio ...` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_helpers import run_cli

from trackapis.cli import main
from trackapis.testing import TEST_CREDENTIALS, AttributionFake, SevenSegmentsFake

PUBLIC_KEY = TEST_CREDENTIALS["attributionio"]["public_key"]
SECRET = TEST_CREDENTIALS["attributionio"]["secret"]  # the session's fake is shared with other modules


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEVEN_SEGMENTS_", "ATTRIBUTIONIO_"))}
    env.update(extra)
    return env


def _attribution_env(fake: AttributionFake, **extra: str) -> dict[str, str]:
    return _env(
        ATTRIBUTIONIO_API_KEY=PUBLIC_KEY,
        ATTRIBUTIONIO_API_SECRET=SECRET,
        ATTRIBUTIONIO_BASE_URL=fake.url,
        ATTRIBUTIONIO_PRIVATE_BASE_URL=fake.url,
        **extra,
    )


def test_seven_segments_track_follows_the_style_of_the_other_commands(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    env = _env(SEVEN_SEGMENTS_TOKEN="tok", SEVEN_SEGMENTS_BASE_URL=seven_segments_fake.url)
    track = run_cli(
        [
            "seven-segments",
            "track",
            "john123",
            "purchase",
            "--property",
            "amount=5",
            "--properties",
            '{"n": 1}',
        ],
        env,
    )
    update = run_cli(
        ["seven-segments", "update", '{"registered": "john123"}', "--property", "first_name=John"], env
    )
    no_token = run_cli(["seven-segments", "track", "john123", "purchase"], _env())

    assert track.returncode == 0, track.stderr
    assert update.returncode == 0, update.stderr
    customer = seven_segments_fake.customer("tok", registered="john123")
    assert customer is not None
    assert [(e.type, e.properties) for e in customer.events] == [("purchase", {"n": 1, "amount": "5"})]
    assert customer.properties == {"first_name": "John"}
    assert no_token.returncode == 2
    assert "SEVEN_SEGMENTS_TOKEN is not set" in no_token.stderr


def test_the_seeds_command_line_keeps_its_shape(seven_segments_fake: SevenSegmentsFake) -> None:
    # The seed README's: python -m seven_segments track "$COMPANY_TOKEN" "$CUSTOMER" purchase --properties ...
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "seven_segments",
            "track",
            "tok",
            "john123",
            "purchase",
            "--properties",
            "product=bottle",
            "amount=5",
            "--target",
            seven_segments_fake.url,
        ],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    customer = seven_segments_fake.customer("tok", registered="john123")
    assert customer is not None
    assert [(e.type, e.properties) for e in customer.events] == [
        ("purchase", {"product": "bottle", "amount": "5"})
    ]


def test_seven_segments_export_reads_credentials_from_the_environment(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    seven_segments_fake.add_analysis(
        "retention",
        "r1",
        {"success": True, "name": "Retention", "header": ["cohort"], "rows": [["2024-01"]]},
        format="table-json",
    )
    args = [
        "seven-segments",
        "export",
        "retention",
        "r1",
        "--format",
        "table-json",
        "--base-url",
        seven_segments_fake.url,
    ]

    username = TEST_CREDENTIALS["seven_segments"]["username"]
    ok = run_cli(
        args,
        _env(
            SEVEN_SEGMENTS_USERNAME=username,
            SEVEN_SEGMENTS_PASSWORD=TEST_CREDENTIALS["seven_segments"]["password"],
        ),
    )
    wrong = run_cli(args, _env(SEVEN_SEGMENTS_USERNAME=username, SEVEN_SEGMENTS_PASSWORD="nope-secret"))
    missing = run_cli(args, _env())

    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["name"] == "Retention"
    assert wrong.returncode == 1
    assert "401" in wrong.stderr
    assert "nope-secret" not in wrong.stderr + wrong.stdout
    assert missing.returncode == 2
    assert "SEVEN_SEGMENTS_USERNAME" in missing.stderr


def test_seven_segments_help_lists_its_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seven-segments", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: trackapis seven-segments")
    for command in ("track", "update", "get-html", "export", "SEVEN_SEGMENTS_TOKEN"):
        assert command in out


def test_attributionio_event_without_a_client_id_generates_one(attributionio_fake: AttributionFake) -> None:
    result = run_cli(
        ["attributionio", "event", "cookie-1", "signup", "--last-url", "https://shop.example/"],
        _attribution_env(attributionio_fake),
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["client_id_generated"] is True
    assert shown["event_status"] == shown["identity_status"] == 200
    [event] = attributionio_fake.events
    [identity] = attributionio_fake.identities
    assert event.client_id == identity.client_id == shown["client_id"]
    assert (event.event_key, event.url, event.aliases) == ("signup", "https://shop.example/", ["cookie-1"])


def test_attributionio_identity_and_customer(attributionio_fake: AttributionFake) -> None:
    env = _attribution_env(attributionio_fake)
    identity = run_cli(["attributionio", "identity", "cookie-2", "--client-id", "john@example.com"], env)
    customer = run_cli(["attributionio", "customer", "john@example.com", "--identities"], env)
    unknown = run_cli(["attributionio", "customer", "nobody@example.com"], env)

    assert identity.returncode == 0, identity.stderr
    assert json.loads(identity.stdout) == {
        "client_id": "john@example.com",
        "client_id_generated": False,
        "status": 200,
    }
    assert customer.returncode == 0, customer.stderr
    fetched = json.loads(customer.stdout)
    assert fetched["aliases"] == ["cookie-2"]
    assert len(fetched["identities"]) == 1
    assert unknown.returncode == 1
    assert "no such customer: 'nobody@example.com'" in unknown.stderr


def test_attributionio_credentials_come_from_the_environment_and_are_never_printed(
    attributionio_fake: AttributionFake,
) -> None:
    env = _attribution_env(attributionio_fake)
    no_secret = run_cli(["attributionio", "customer", "x"], {**env, "ATTRIBUTIONIO_API_SECRET": ""})
    wrong = run_cli(
        ["attributionio", "customer", "x", "--max-retries", "0"],
        {**env, "ATTRIBUTIONIO_API_SECRET": "wrong-secret-789"},
    )

    assert no_secret.returncode == 2
    assert "ATTRIBUTIONIO_API_SECRET is not set" in no_secret.stderr
    assert wrong.returncode == 1
    assert "401" in wrong.stderr
    assert "wrong-secret-789" not in wrong.stderr + wrong.stdout
    assert SECRET not in wrong.stderr + wrong.stdout


def test_attributionio_help_explains_with_examples() -> None:
    result = run_cli(["attributionio", "event", "--help"], _env())

    assert result.returncode == 0
    for text in ("--client-id", "--last-url", "ATTRIBUTIONIO_API_KEY", "examples:", "generated"):
        assert text in result.stdout
