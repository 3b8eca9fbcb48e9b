"""`store=` on the three clients: each facade's codec round-trips its payloads, spools deliver."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from trackapis.attributionio import AttributionClient
from trackapis.attributionio._codec import TriggerCodec
from trackapis.attributionio._payload import Who, event_requests, request_kwargs
from trackapis.interakt import InteraktClient
from trackapis.interakt._codec import InteraktCodec
from trackapis.interakt._payload import event_message
from trackapis.seven_segments import SevenSegmentsClient
from trackapis.seven_segments._codec import CommandCodec
from trackapis.seven_segments._payload import track_command, update_command
from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"


def test_the_interakt_codec_round_trips() -> None:
    _, message = event_message(
        "Order Placed",
        user_id="42",
        phone_number=None,
        country_code="+91",
        traits={"when": datetime.date(2024, 1, 2), "n": 10**18, "text": "ünï"},
        created_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
    )
    codec = InteraktCodec()
    assert codec.decode(codec.encode(message)) == message


def test_the_seven_segments_codec_round_trips() -> None:
    codec = CommandCodec()
    for command in (
        track_command(TOKEN, {"registered": "john", "cookie": "c"}, "purchase", {"price": 1.5}, 1700000000),
        update_command(TOKEN, "john", {"email": "j@example.com", "nested": {"a": [1, 2]}}),
    ):
        again = codec.decode(codec.encode(command))
        assert again.lane == command.lane
        assert again.kwargs() == command.kwargs()


def test_the_attributionio_codec_round_trips() -> None:
    codec = TriggerCodec()
    for model in event_requests(
        "key", "alias", "signup", Who("client-1", False), user_agent=None, last_url="u"
    ):
        assert request_kwargs(codec.decode(codec.encode(model))) == request_kwargs(model)


def test_interakt_with_a_spool(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    with InteraktClient(
        "test-interakt-key", base_url=interakt_fake.url, store=f"sqlite:///{tmp_path}/s.db"
    ) as client:
        for n in range(20):
            client.event("Step", user_id=f"u{n % 3}", traits={"n": n})
        assert client.flush(10).delivered == 20
    assert len(interakt_fake.events) == 20


def test_seven_segments_buffered_with_a_spool(seven_segments_fake: SevenSegmentsFake, tmp_path: Path) -> None:
    spool = f"sqlite:///{tmp_path}/s.db"
    with SevenSegmentsClient(TOKEN, base_url=seven_segments_fake.url, background=True, store=spool) as client:
        client.update("john", {"email": "j@example.com"})
        client.track("john", "purchase", properties={"price": 3})
        assert client.flush(10).delivered == 2
    with pytest.raises(ValueError, match="background=True"):
        SevenSegmentsClient(TOKEN, base_url=seven_segments_fake.url, store=spool)


def test_attributionio_background_with_a_spool(attributionio_fake: AttributionFake, tmp_path: Path) -> None:
    spool = f"sqlite:///{tmp_path}/s.db"
    with AttributionClient(
        "test-public-key", base_url=attributionio_fake.url, background=True, store=spool
    ) as client:
        client.trigger_event("alias-1", "signup", client_id="c1")
        assert client.flush(10).delivered == 2
    assert [e.event_key for e in attributionio_fake.events] == ["signup"]
    with pytest.raises(ValueError, match="background=True"):
        AttributionClient("test-public-key", base_url=attributionio_fake.url, store=spool)


def test_a_bad_store_is_refused_at_construction(interakt_fake: InteraktFake, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="store"):
        InteraktClient("k", base_url=interakt_fake.url, store="sqlite3:/x")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    from trackapis.delivery import StoreError

    with pytest.raises(StoreError, match=r"bad\.db"):
        InteraktClient("k", base_url=interakt_fake.url, store=f"sqlite:///{bad}")
