"""The fakes validate with JSON Schema and HTTP semantics, not Python's defaults."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake
from trackapis.testing._semantics import basic_credentials, ecma_pattern, is_rfc3339_date_time

USERS = "/v1/public/track/users/"


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^[0-9]+$", "9999999999", True),
        ("^[0-9]+$", "9999999999\n", False),  # Python's `$` alone would match before the newline
        (r"^\+?[0-9]{1,4}$", "+91\n", False),
        ("^(a$|b)", "a\n", False),
        (r"^\$[0-9]$", "$5", True),  # an escaped dollar stays a dollar
        ("^[$]$", "$", True),  # so does one in a class
        (r"^\d+$", "١٢", False),  # ECMA's \d is ASCII only
        (r"^[\d-]+$", "1-2", True),
        (r"^\w+$", "é", False),
    ],
)
def test_patterns_follow_ecma_262(pattern: str, text: str, matches: bool) -> None:
    assert (re.search(ecma_pattern(pattern), text) is not None) is matches


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1963-06-19T08:30:06.283185Z", True),
        ("1963-06-19t08:30:06z", True),
        ("1998-12-31T23:59:60Z", True),  # leap second
        ("1998-12-31T15:59:60.123-08:00", True),  # the same leap second, with an offset
        ("1998-12-31T23:59:61Z", False),
        ("1998-12-31T23:58:60Z", False),
        ("1998-12-31T22:59:60Z", False),
        ("1990-02-31T15:59:59.123-08:00", False),
        ("1963-06-19T08:30:06", False),  # no offset
        ("1963-06-19 08:30:06Z", False),
        ("2020-02-29T00:00:00+05:30", True),
        ("2021-02-29T00:00:00Z", False),
        ("1963-06-19T08:30:06.283185Z\n", False),
    ],
)
def test_date_times_follow_rfc_3339(value: str, valid: bool) -> None:
    assert is_rfc3339_date_time(value) is valid


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_the_basic_scheme_is_case_insensitive(scheme: str) -> None:
    token = base64.b64encode(b"user:pass:word").decode()
    assert basic_credentials(f"{scheme} {token}") == ("user", "pass:word")
    assert basic_credentials(f"Bearer {token}") is None
    assert basic_credentials("Basic !!") is None


def _basic(username: str, password: str, scheme: str = "basic") -> dict[str, str]:
    return {"authorization": f"{scheme} " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_the_interakt_fake_refuses_a_phone_number_with_a_trailing_newline(
    interakt_fake: InteraktFake,
) -> None:
    body = {"userId": "u", "countryCode": "+91", "phoneNumber": "9999999999\n"}
    answer = httpx.post(f"{interakt_fake.url}{USERS}", json=body, auth=("test-interakt-key", ""), timeout=5)

    assert answer.status_code == 400
    assert "phoneNumber" in answer.json()["message"]


@pytest.mark.parametrize("created_at", ["2016-12-31T23:59:60Z", "2016-12-31t23:59:59.5z"])
def test_the_interakt_fake_takes_rfc_3339_edge_cases(interakt_fake: InteraktFake, created_at: str) -> None:
    answer = httpx.post(
        f"{interakt_fake.url}{USERS}",
        json={"userId": "u", "createdAt": created_at},
        auth=("test-interakt-key", ""),
        timeout=5,
    )

    assert answer.status_code == 202, answer.text


def test_the_interakt_and_seven_segments_fakes_take_basic_in_lower_case(
    interakt_fake: InteraktFake, seven_segments_fake: SevenSegmentsFake
) -> None:
    interakt = httpx.post(
        f"{interakt_fake.url}{USERS}",
        json={"userId": "u"},
        headers=_basic("test-interakt-key", ""),
        timeout=5,
    )
    seven_segments = httpx.post(
        f"{seven_segments_fake.url}/analytics/funnel",
        json={"analysis_id": "nope"},
        headers=_basic("test-user", "test-password"),
        timeout=5,
    )
    wrong = httpx.post(
        f"{seven_segments_fake.url}/analytics/funnel",
        json={"analysis_id": "nope"},
        headers=_basic("test-user", "wrong"),
        timeout=5,
    )

    assert (interakt.status_code, seven_segments.status_code, wrong.status_code) == (202, 404, 401)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("show_all=true", 200),
        ("show_all=false", 200),
        ("show_all=yes", 400),
        ("show_all=1", 400),
        ("show_all=0", 400),
        ("show_all=True", 400),
        ("show_events=true&show_events=true", 400),
    ],
)
def test_the_attributionio_fake_takes_only_true_and_false_once(
    attributionio_fake: AttributionFake, query: str, status: int
) -> None:
    attributionio_fake.seed({"customers": [{"client_id": "c"}]})
    answer = httpx.get(
        f"{attributionio_fake.url}/api/v1/test-public-key/customers/c?secret=test-secret&{query}", timeout=5
    )

    assert answer.status_code == status, answer.text
