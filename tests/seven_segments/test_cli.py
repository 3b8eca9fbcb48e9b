"""`python -m seven_segments` as a subprocess against a fake on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from trackapis.testing import SevenSegmentsFake

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
FUNNEL = {"success": True, "name": "Conversion funnel", "steps": ["a", "b"], "total": {"counts": [2, 1]}}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SEVEN_SEGMENTS_")}
    return subprocess.run(
        [sys.executable, "-m", "seven_segments", *args],
        env={**clean, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_track(seven_segments_fake: SevenSegmentsFake) -> None:
    done = _run(
        "track", TOKEN, "john123", "purchase", "--properties", "product=bottle", "amount=5",
        "--target", seven_segments_fake.url,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    (request,) = seven_segments_fake.requests
    assert (request.path, request.json()) == (
        "/crm/events",
        {
            "customer_ids": {"registered": "john123"},
            "company_id": TOKEN,
            "type": "purchase",
            "properties": {"product": "bottle", "amount": "5"},
        },
    )


def test_update_with_cookie_ids(seven_segments_fake: SevenSegmentsFake) -> None:
    done = _run(
        "update", TOKEN, '{"cookie": "c-1"}', "first_name=John", "last_name=Smith",
        "--target", seven_segments_fake.url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stored = seven_segments_fake.customer(TOKEN, cookie="c-1")
    assert stored is not None
    assert stored.properties == {"first_name": "John", "last_name": "Smith"}


def test_get_html(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_campaign("banner", '<img src="/b.png" />')
    done = _run("get_html", TOKEN, "john123", "banner", "--target", seven_segments_fake.url)
    assert (done.returncode, done.stdout) == (0, '<img src="/b.png" />\n')


def test_export_takes_credentials_from_the_environment(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)
    credentials = {"SEVEN_SEGMENTS_USERNAME": "test-user", "SEVEN_SEGMENTS_PASSWORD": "test-password"}
    done = _run(
        "export", "funnel", "f1", "--company", TOKEN, "--target", seven_segments_fake.url, env=credentials
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == FUNNEL
    assert seven_segments_fake.requests[0].query == [("company", TOKEN)]


def test_export_without_credentials_and_no_terminal_says_what_to_set(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    done = _run("export", "funnel", "f1", "--target", seven_segments_fake.url)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "SEVEN_SEGMENTS_USERNAME" in done.stderr
    assert seven_segments_fake.requests == []


def test_export_with_a_wrong_password_is_one_line_without_the_password(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    credentials = {"SEVEN_SEGMENTS_USERNAME": "test-user", "SEVEN_SEGMENTS_PASSWORD": "Wr0ng-Passw0rd"}
    done = _run("export", "funnel", "f1", "--target", seven_segments_fake.url, env=credentials)
    assert done.returncode == 1
    assert done.stderr == "error: POST /analytics/funnel -> 401: wrong username or password\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["track", TOKEN, "john", "x", "--properties", "no-equals-sign"], "KEY=VALUE"),
        (["track", TOKEN, "", "x"], "customer"),
        (["track", TOKEN, "{not json", "x"], "customer"),
        (["frobnicate"], "invalid choice"),
        (["export", "cohort", "f1"], "invalid choice"),
        (["track", TOKEN, "john", "x", "--target", "ftp://example"], "target"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], expected: str) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: ")
    assert expected in done.stderr


def test_server_errors_are_one_line_and_exit_1(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.fail_next(
        10, status=502, body="<html>\n<h1>Bad Gateway</h1>\n</html>", content_type="text/html"
    )
    done = _run("track", TOKEN, "john", "x", "--target", seven_segments_fake.url)
    assert done.returncode == 1
    assert done.stderr == "error: POST /crm/events -> 502: <html> <h1>Bad Gateway</h1> </html>\n"


def test_an_unreachable_server_is_one_line_and_exit_1() -> None:
    done = _run("get_html", TOKEN, "john", "banner", "--target", "http://127.0.0.1:9", "--timeout", "2")
    assert done.returncode == 1
    assert done.stderr.startswith("error: POST /campaigns/html/get: ")
    assert done.stderr.count("\n") == 1


def test_main_is_callable_with_argv(
    seven_segments_fake: SevenSegmentsFake, capsys: pytest.CaptureFixture[str]
) -> None:
    from trackapis.seven_segments.cli import main

    seven_segments_fake.add_campaign("banner", "<b/>")
    assert main(["get_html", TOKEN, "john", "banner", "--target", seven_segments_fake.url]) == 0
    assert capsys.readouterr().out == "<b/>\n"
    assert main(["--help"]) == 0
