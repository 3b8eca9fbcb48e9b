"""docs/contract-testing.md, block by block, as typed code: mypy --strict and pyright --strict
check it (tests/test_static.py); never run. A typo in an assertion's name must fail both."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_type

import pytest

from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.testing import (
    AttributionEvent,
    AttributionFake,
    AttributionIdentity,
    AttributionReceived,
    InteraktEvent,
    InteraktFake,
    InteraktReceived,
    InteraktUser,
    JsonValue,
    RecordedRequest,
    SevenSegmentsCustomer,
    SevenSegmentsEvent,
    SevenSegmentsFake,
    SevenSegmentsReceived,
    received,
)
from trackapis.testing.contract import ContractReport, OperationResult, contract_schema
from trackapis.testing.pytest_plugin import AttributionFakeOptions, InteraktFakeOptions

if TYPE_CHECKING:
    from trackapis.testing.contract import ContractCase

# ## The pytest plugin
pytest_plugins = ["trackapis.testing.pytest_plugin"]


def checkout(cart: list[str], tracker: InteraktClient) -> None:
    tracker.event("Order Placed", user_id="42", traits={"orderNumber": "CUS001"})


def signup(cookie: str, tracker: AttributionClient) -> AttributionIdentity:
    raise NotImplementedError


def test_checkout_tracks_the_order(interakt_fake_client: InteraktClient, interakt_fake: InteraktFake) -> None:
    checkout(["book"], tracker=interakt_fake_client)
    interakt_fake_client.flush(timeout=5)

    seen = received(interakt_fake)
    assert_type(seen, InteraktReceived)
    seen.assert_user("42", traits={"plan": "gold"})
    seen.assert_events("42", ["Signed Up", "Order Placed"])
    assert_type(seen.assert_event_once("42", "Order Placed", traits={"orderNumber": "CUS001"}), InteraktEvent)
    seen.assert_no_duplicate_events()
    seen.assert_evnts("42", ["Signed Up"])  # type: ignore[attr-defined]  # a typo fails type checking


# ## Asserting what a provider received
def interakt_assertions(fake: InteraktFake) -> None:
    seen = received(fake)
    assert_type(seen.user("42"), InteraktUser)
    assert_type(seen.user(phone="+919999999999").traits, dict[str, JsonValue])
    seen.assert_user("42", traits={"plan": "gold"})
    seen.assert_events("42", ["Signed Up", "Order Placed"])
    seen.assert_in_order("42", ["Signed Up", "Order Placed"])
    seen.assert_event_once("42", "Order Placed", traits={"orderNumber": "CUS001"})
    seen.assert_no_duplicate_events()
    seen.assert_nothing_received()
    assert_type(fake.requests, list[RecordedRequest])
    assert_type(fake.requests_to("trackEvent")[0].json(), JsonValue)
    fake.faults.fail_next(3, status=503, retry_after=1)
    fake.faults.fail_fraction(0.1, status=500, seed=7)
    fake.faults.drop_next(1)
    fake.faults.add_latency(0.05)


def seven_segments_assertions(fake: SevenSegmentsFake) -> None:
    seen = received(fake)
    assert_type(seen, SevenSegmentsReceived)
    assert_type(seen.customer("john123"), SevenSegmentsCustomer)
    assert_type(seen.customer(cookie="c-1", company="token"), SevenSegmentsCustomer)
    seen.assert_customer("john123", properties={"email": "john@example.com"})
    seen.assert_events("john123", ["view", "purchase"])
    assert_type(seen.assert_event_once("john123", "purchase", properties={"price": 9}), SevenSegmentsEvent)
    seen.assert_no_duplicate_events()
    seen.assert_nothing_received()
    fake.seed({"campaigns": {"Banner": "<b>hi</b>"}})


def test_signup_is_attributed(
    attributionio_fake_client: AttributionClient, attributionio_fake: AttributionFake
) -> None:
    visitor_cookie = "cookie-1"
    result = signup(visitor_cookie, tracker=attributionio_fake_client)
    seen = received(attributionio_fake)
    assert_type(seen, AttributionReceived)
    assert_type(seen.identities(result.client_id), list[AttributionIdentity])
    assert_type(seen.events(result.client_id), list[AttributionEvent])
    seen.assert_identified(result.client_id, alias=visitor_cookie)
    seen.assert_events(result.client_id, ["signup"])
    assert_type(seen.assert_event_once(result.client_id, "signup"), AttributionEvent)
    seen.assert_no_duplicate_events()
    seen.assert_nothing_received()


# ### Test credentials
@pytest.fixture(scope="session")
def interakt_fake_options() -> InteraktFakeOptions:
    return {"api_key": "my-test-key", "spec": "vendor/interakt-2027.yaml"}


@pytest.fixture(scope="session")
def attributionio_fake_options() -> AttributionFakeOptions:
    return {"public_key": "pk", "secret": "s", "disabled": False}


# ## A spec of your own
own_fake = InteraktFake(spec="vendor/interakt.yaml")
own_schema = contract_schema("interakt", spec="vendor/interakt.yaml")

# ## Running the schemathesis suite in your CI
schema = contract_schema("interakt", credentials={"api_key": "test-key"}, max_examples=100)
report = ContractReport(schema)


@report.parametrize()
def test_interakt_contract(case: ContractCase) -> None:
    report.call_and_validate(case, base_url="http://127.0.0.1:8000")


def test_every_operation_got_a_2xx() -> None:
    report.assert_every_operation_succeeded()
    assert_type(report.table(), str)
    assert_type(report.without_success(), list[OperationResult])


@report.parametrize()
def test_against_the_session_fake(case: ContractCase, interakt_fake_session: InteraktFake) -> None:
    report.call_and_validate(case, base_url=interakt_fake_session.url)
