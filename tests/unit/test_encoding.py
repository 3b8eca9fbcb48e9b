"""Call-site encoding: what is accepted can always be sent; what cannot is refused, named."""

from __future__ import annotations

import datetime
import decimal
import fractions
from typing import Any

import pytest

from trackapis._encoding import MAX_DEPTH, dumps, id_text, is_flat_json, to_json, utc_text
from trackapis.interakt._payload import event_message
from trackapis.seven_segments import SevenSegmentsClient
from trackapis.testing import SevenSegmentsFake

OLD = datetime.timezone(datetime.timedelta(hours=5, minutes=21, seconds=10))  # zoneinfo's LMT offsets


def _cycle() -> Any:
    value: dict[str, Any] = {"a": []}
    value["a"].append(value)
    return value


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return {"k": value}


@pytest.mark.parametrize(
    ("value", "error", "where"),
    [
        ({"a": "\ud800"}, ValueError, "traits['a']"),
        ({"\udc00": 1}, ValueError, "traits: the key"),
        ({"a": [1, 2, 3, 10**5000]}, ValueError, "traits['a'][3]"),
        ({"a": decimal.Decimal("sNaN")}, ValueError, "traits['a']"),
        ({"a": float("inf")}, ValueError, "traits['a']"),
        ({"a": fractions.Fraction(1, 3)}, TypeError, "traits['a']"),
        ({1: "x"}, TypeError, "traits: keys must be strings"),
        (_cycle(), ValueError, "traits['a'][0]: contains itself"),
        (_deep(5000), ValueError, "nested more than"),
    ],
)
def test_unsendable_values_are_refused_naming_the_path(
    value: Any, error: type[Exception], where: str
) -> None:
    with pytest.raises(error) as raised:
        to_json(value, argument="traits")
    assert where in str(raised.value)


def test_what_is_accepted_encodes() -> None:
    value = {
        "s": "é ü 中",
        "n": 10**600,
        "deep": _deep(MAX_DEPTH - 2)["k"],
        "when": datetime.datetime(1890, 1, 1, tzinfo=OLD),
        "naive": datetime.datetime(2024, 1, 1),
        "d": decimal.Decimal("50.00"),
    }
    encoded = to_json(value, argument="traits")
    assert isinstance(encoded, dict)
    assert encoded["when"] == "1889-12-31T18:38:50Z"
    assert encoded["naive"] == "2024-01-01T00:00:00"
    assert dumps(encoded).decode().startswith('{"s":"é ü 中"')


def test_the_flat_fast_path_declines_what_needs_checking() -> None:
    assert is_flat_json({"a": "b", "n": 1, "f": 1.5, "t": True, "z": None})
    assert not is_flat_json({"a": "\ud800"})
    assert not is_flat_json({"a": 10**700})
    assert not is_flat_json({"a": float("nan")})


@pytest.mark.parametrize("bad", [True, 1.0, decimal.Decimal(1), fractions.Fraction(1), 1j, b"1"])
def test_ids_are_strings_or_ints(bad: Any) -> None:
    with pytest.raises(TypeError, match="user_id must be a string or an int"):
        id_text(bad, argument="user_id")
    assert id_text(42, argument="user_id") == "42"


def test_created_at_is_sent_in_utc_with_z() -> None:
    moment = datetime.datetime(1890, 1, 1, 12, tzinfo=OLD)
    _, message = event_message(
        "E", user_id="1", phone_number=None, country_code="+91", traits=None, created_at=moment
    )
    assert message.body["createdAt"] == "1890-01-01T06:38:50Z"
    assert utc_text(datetime.datetime(2024, 5, 1, 12, 0, 0, 5, tzinfo=datetime.UTC), "x").endswith(".000005Z")
    with pytest.raises(ValueError, match="created_at"):
        utc_text(datetime.datetime(1, 1, 1, tzinfo=OLD), "created_at")


def test_one_bad_command_never_enters_a_bulk_batch(seven_segments_fake: SevenSegmentsFake) -> None:
    failed: list[Any] = []
    with SevenSegmentsClient(
        "test-company-token",
        base_url=seven_segments_fake.url,
        background=True,
        max_retries=0,
        on_error=lambda error, command: failed.append(error),
    ) as client:
        for n in range(49):
            client.track(f"customer-{n}", "purchase", properties={"n": n})
        with pytest.raises(ValueError, match=r"properties\['bad'\]"):
            client.track("customer-x", "purchase", properties={"bad": "\ud800"})
        assert client.flush(timeout=20).delivered == 49
    assert failed == []
