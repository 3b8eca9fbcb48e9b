"""`store="redis://..."` on the three clients and `track.store`, against the fakes and a real redis-server."""

from __future__ import annotations

import os

import pytest
import track

from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.seven_segments import SevenSegmentsClient
from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake, received

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"


def test_interakt_through_redis_with_fleet_stats(interakt_fake: InteraktFake, redis_url: str) -> None:
    with InteraktClient("test-interakt-key", base_url=interakt_fake.url, store=redis_url) as client:
        for n in range(20):
            client.event("Step", user_id=f"u{n % 3}", traits={"n": n})
        assert client.flush(10).delivered == 20
        fleet = client.stats(fleet=True)
        assert (fleet.queued, fleet.delivered, fleet.pending) == (20, 20, 0)
        assert client.stats().queued == 20
    for user in range(3):
        assert [e.traits["n"] for e in interakt_fake.user(f"u{user}").events] == list(range(user, 20, 3))


def test_fleet_stats_need_a_fleet_store(interakt_fake: InteraktFake) -> None:
    with (
        InteraktClient("test-interakt-key", base_url=interakt_fake.url) as client,
        pytest.raises(ValueError, match="fleet store"),
    ):
        client.stats(fleet=True)


def test_seven_segments_background_through_redis(
    seven_segments_fake: SevenSegmentsFake, redis_url: str
) -> None:
    with SevenSegmentsClient(
        TOKEN, base_url=seven_segments_fake.url, background=True, store=redis_url
    ) as client:
        client.update("john", {"email": "j@example.com"})
        client.track("john", "purchase", properties={"price": 3})
        assert client.flush(10).delivered == 2
    received(seven_segments_fake).assert_events("john", ["purchase"])


def test_attributionio_background_through_redis(attributionio_fake: AttributionFake, redis_url: str) -> None:
    with AttributionClient(
        "test-public-key", base_url=attributionio_fake.url, background=True, store=redis_url
    ) as client:
        client.trigger_event("alias-1", "signup", client_id="c1")
        assert client.flush(10).delivered == 2
        assert client.stats(fleet=True).delivered == 2
    assert [e.event_key for e in attributionio_fake.events] == ["signup"]


def test_clients_of_different_apis_share_a_prefix_not_a_queue(
    interakt_fake: InteraktFake, seven_segments_fake: SevenSegmentsFake, redis_url: str
) -> None:
    with (
        InteraktClient("test-interakt-key", base_url=interakt_fake.url, store=redis_url) as interakt,
        SevenSegmentsClient(
            TOKEN, base_url=seven_segments_fake.url, background=True, store=redis_url
        ) as seven,
    ):
        interakt.event("Step", user_id="u1")
        seven.track("john", "purchase")
        assert interakt.flush(10).delivered == 1
        assert seven.flush(10).delivered == 1
        assert interakt.stats(fleet=True).delivered == seven.stats(fleet=True).delivered == 1


def test_track_store(interakt_fake: InteraktFake, redis_url: str) -> None:
    track.api_key, track.host, track.store = "test-interakt-key", interakt_fake.url, redis_url
    try:
        for n in range(5):
            track.event(user_id="u", event="Step", traits={"n": n})
        assert track.flush(10).delivered == 5
    finally:
        track.shutdown(5)
        track.api_key = track.host = None
        track.store = "memory"
    assert [e.traits["n"] for e in interakt_fake.user("u").events] == list(range(5))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads running (3.12+)
def test_a_forked_child_joins_the_fleet_as_a_new_process(interakt_fake: InteraktFake, redis_url: str) -> None:
    with InteraktClient("test-interakt-key", base_url=interakt_fake.url, store=redis_url) as client:
        client.event("Before fork", user_id="parent")
        client.flush(10)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                client.event("In child", user_id="child")
                if client.flush(10).pending == 0:
                    client.shutdown(10)
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        client.event("After fork", user_id="parent")
        client.flush(10)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sorted(event.event for _, event in interakt_fake.events) == [
        "After fork",
        "Before fork",
        "In child",
    ]
