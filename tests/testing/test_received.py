"""`received(fake)`: assertions on what a fake received, and the client fixtures of the plugin."""

from __future__ import annotations

import os

import pytest

from trackapis.interakt import InteraktClient
from trackapis.testing import InteraktFake, InteraktReceived, SevenSegmentsFake, received


@pytest.fixture
def seen(interakt_fake_client: InteraktClient, interakt_fake: InteraktFake) -> InteraktReceived:
    interakt_fake_client.user(user_id="42", traits={"plan": "gold", "name": "John"})
    interakt_fake_client.event("Signed Up", user_id="42")
    interakt_fake_client.event("Order Placed", user_id="42", traits={"orderNumber": "CUS001"})
    interakt_fake_client.event("Order Placed", user_id="42", traits={"orderNumber": "CUS002"})
    assert interakt_fake_client.flush(timeout=10).complete
    view = received(interakt_fake)
    assert isinstance(view, InteraktReceived)
    return view


def test_passing_assertions(seen: InteraktReceived) -> None:
    seen.assert_user("42", traits={"plan": "gold"})
    seen.assert_events("42", ["Signed Up", "Order Placed", "Order Placed"])
    seen.assert_in_order("42", ["Signed Up", "Order Placed"])
    event = seen.assert_event_once("42", "Order Placed", traits={"orderNumber": "CUS002"})
    assert event.traits == {"orderNumber": "CUS002"}
    seen.assert_no_duplicate_events()


def test_an_unknown_user_names_the_known_ones(seen: InteraktReceived) -> None:
    with pytest.raises(AssertionError, match=r"received nothing for user '7'; users it knows: \['42'\]"):
        seen.assert_user("7")


def test_different_traits_say_which_and_how(seen: InteraktReceived) -> None:
    with pytest.raises(AssertionError, match=r"'plan' is \"gold\", expected \"free\"; 'age' is missing"):
        seen.assert_user("42", traits={"plan": "free", "age": 3})


def test_different_events_say_what_is_missing_or_extra(seen: InteraktReceived) -> None:
    with pytest.raises(
        AssertionError, match=r"missing \['Logged In'\]; unexpected or repeated \['Order Placed'\]"
    ):
        seen.assert_events("42", ["Signed Up", "Logged In", "Order Placed"])
    with pytest.raises(AssertionError, match="same events, different order"):
        seen.assert_events("42", ["Order Placed", "Signed Up", "Order Placed"])
    with pytest.raises(AssertionError, match="'Signed Up' does not come after"):
        seen.assert_in_order("42", ["Order Placed", "Signed Up"])


def test_exactly_once_counts_matches(seen: InteraktReceived) -> None:
    with pytest.raises(AssertionError, match="received 2 events 'Order Placed', expected exactly one"):
        seen.assert_event_once("42", "Order Placed")
    with pytest.raises(AssertionError, match="received no event 'Refund'"):
        seen.assert_event_once("42", "Refund")


def test_duplicates_are_found(interakt_fake_client: InteraktClient, interakt_fake: InteraktFake) -> None:
    for _ in range(2):
        interakt_fake_client.event("Clicked", user_id="1", created_at="2024-01-01T00:00:00Z")
    interakt_fake_client.flush(timeout=10)

    with pytest.raises(AssertionError, match="1 events arrived more than once"):
        received(interakt_fake).assert_no_duplicate_events()


def test_nothing_received(interakt_fake: InteraktFake, interakt_fake_client: InteraktClient) -> None:
    received(interakt_fake).assert_nothing_received()
    interakt_fake_client.user(user_id="1")
    interakt_fake_client.flush(timeout=10)
    with pytest.raises(AssertionError, match=r"received 1 requests: \['POST /v1/public/track/users/'\]"):
        received(interakt_fake).assert_nothing_received()


def test_naming_a_user_needs_exactly_one_identifier(interakt_fake: InteraktFake) -> None:
    with pytest.raises(TypeError, match="by user_id or by phone="):
        received(interakt_fake).user("1", phone="+911")


def test_a_fake_without_a_view_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no assertions are registered for SevenSegmentsFake"):
        received(SevenSegmentsFake())


def test_the_env_fixture_points_code_reading_the_environment_at_the_fake(
    interakt_fake_env: InteraktFake,
) -> None:
    with InteraktClient(
        os.environ["INTERAKT_API_KEY"], host=os.environ["INTERAKT_HOST"], sync_mode=True
    ) as client:
        client.user(user_id="env")

    received(interakt_fake_env).assert_user("env")
