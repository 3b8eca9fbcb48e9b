"""`received(fake)`: assertions on what a fake received, and the client fixtures of the plugin."""

from __future__ import annotations

import os

import pytest

from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.seven_segments import AuthenticatedSevenSegmentsClient, SevenSegmentsClient
from trackapis.testing import (
    AttributionFake,
    AttributionReceived,
    FakeAPI,
    InteraktFake,
    InteraktReceived,
    SevenSegmentsFake,
    SevenSegmentsReceived,
    received,
)


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
    class OtherFake(FakeAPI):  # a fake of the user's own, with no view registered
        api = "interakt"

    with pytest.raises(TypeError, match="no assertions are registered for OtherFake"):
        received(OtherFake())


def test_the_env_fixture_points_code_reading_the_environment_at_the_fake(
    interakt_fake_env: InteraktFake,
) -> None:
    with InteraktClient(
        os.environ["INTERAKT_API_KEY"], base_url=os.environ["INTERAKT_HOST"], background=False
    ) as client:
        client.user(user_id="env")

    received(interakt_fake_env).assert_user("env")


# -- 7SEGMENTS -----------------------------------------------------------------------------------------


@pytest.fixture
def seven_seen(
    seven_segments_fake_client: SevenSegmentsClient, seven_segments_fake: SevenSegmentsFake
) -> SevenSegmentsReceived:
    client = seven_segments_fake_client
    client.update({"registered": "john123", "cookie": "c-1"}, {"first_name": "John", "plan": "gold"})
    client.track("john123", "view", properties={"page": "/"}, timestamp=1700000000)
    client.track("john123", "purchase", properties={"amount": 5}, timestamp=1700000001)
    client.track("john123", "purchase", properties={"amount": 7}, timestamp=1700000002)
    assert client.flush(timeout=10).complete
    view = received(seven_segments_fake)
    assert isinstance(view, SevenSegmentsReceived)
    return view


def test_seven_segments_passing_assertions(seven_seen: SevenSegmentsReceived) -> None:
    seven_seen.assert_customer("john123", properties={"plan": "gold"})
    seven_seen.assert_customer(cookie="c-1", company="test-company-token")
    seven_seen.assert_events("john123", ["view", "purchase", "purchase"])
    event = seven_seen.assert_event_once("john123", "purchase", properties={"amount": 7})
    assert event.timestamp == 1700000002
    seven_seen.assert_no_duplicate_events()
    assert [event.type for event in seven_seen.events(cookie="c-1")] == ["view", "purchase", "purchase"]


def test_seven_segments_failures_say_what_differs(seven_seen: SevenSegmentsReceived) -> None:
    with pytest.raises(AssertionError, match=r"received nothing for customer \{'registered': 'jane'\}"):
        seven_seen.customer("jane")
    with pytest.raises(AssertionError, match="received nothing for customer"):
        seven_seen.customer("john123", company="another-company")
    with pytest.raises(AssertionError, match=r"'plan' is \"gold\", expected \"free\""):
        seven_seen.assert_customer("john123", properties={"plan": "free"})
    with pytest.raises(AssertionError, match=r"missing \['cart'\]; unexpected or repeated \['purchase'\]"):
        seven_seen.assert_events("john123", ["view", "cart", "purchase"])
    with pytest.raises(AssertionError, match="received 2 events 'purchase', expected exactly one"):
        seven_seen.assert_event_once("john123", "purchase")
    with pytest.raises(AssertionError, match="received no event 'refund'"):
        seven_seen.assert_event_once("john123", "refund")
    with pytest.raises(TypeError, match="name the customer"):
        seven_seen.customer()


def test_seven_segments_duplicates_and_nothing_received(
    seven_segments_fake_client: SevenSegmentsClient, seven_segments_fake: SevenSegmentsFake
) -> None:
    received(seven_segments_fake).assert_nothing_received()
    for _ in range(2):
        seven_segments_fake_client.track("1", "click", timestamp=1700000000)
    seven_segments_fake_client.flush(timeout=10)

    with pytest.raises(AssertionError, match="1 events arrived more than once"):
        received(seven_segments_fake).assert_no_duplicate_events()
    with pytest.raises(AssertionError, match=r"7SEGMENTS fake received 2 requests: \['POST /bulk', 'POST"):
        received(seven_segments_fake).assert_nothing_received()


def test_the_exports_fixture_has_the_fakes_credentials(
    seven_segments_fake_exports: AuthenticatedSevenSegmentsClient, seven_segments_fake: SevenSegmentsFake
) -> None:
    seven_segments_fake.add_analysis(
        "retention",
        "r",
        {"success": True, "name": "R", "header": ["a"], "rows": [["1"]]},
        format="table-json",
    )

    table = seven_segments_fake_exports.export_analysis("retention", "r", format="table-json")

    assert table.name == "R"  # type: ignore[union-attr]


# -- Attribution.io -------------------------------------------------------------------------------------


def test_attributionio_assertions(
    attributionio_fake_client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake_client.trigger_identity("cookie-1", client_id="john@example.com")
    attributionio_fake_client.trigger_event("cookie-1", "signup", client_id="john@example.com")
    attributionio_fake_client.trigger_event("cookie-1", "upgrade", client_id="john@example.com")
    anonymous = attributionio_fake_client.trigger_event("cookie-2", "signup")
    seen = received(attributionio_fake)
    assert isinstance(seen, AttributionReceived)

    seen.assert_identified("john@example.com", alias="cookie-1")
    seen.assert_identified(anonymous.client_id, alias="cookie-2")  # the generated client id
    seen.assert_events("john@example.com", ["signup", "upgrade"])
    assert seen.assert_event_once(anonymous.client_id, "signup").aliases == ["cookie-2"]
    seen.assert_no_duplicate_events()
    assert len(seen.identities("john@example.com")) == 3  # its own, and one with each event

    with pytest.raises(AssertionError, match=r"no identity for client id 'jane@example\.com'"):
        seen.assert_identified("jane@example.com")
    with pytest.raises(AssertionError, match=r"is linked to \['cookie-1'\], not to 'cookie-9'"):
        seen.assert_identified("john@example.com", alias="cookie-9")
    with pytest.raises(AssertionError, match="same events, different order"):
        seen.assert_events("john@example.com", ["upgrade", "signup"])
    with pytest.raises(AssertionError, match="received 0 events 'refund', expected exactly one"):
        seen.assert_event_once("john@example.com", "refund")
    with pytest.raises(AssertionError, match=r"the Attribution\.io fake received 7 requests"):
        seen.assert_nothing_received()
