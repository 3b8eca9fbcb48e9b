"""The `seven_segments` drop-in module: the original's calls, requests, and fixed faults."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from seven_segments import AuthenticatedSevenSegments, InvalidRequest, ServiceUnavailable, SevenSegments

from trackapis.seven_segments import AuthenticationError, ServerError, TransportError
from trackapis.testing import SevenSegmentsFake

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
T = TypeVar("T", SevenSegments, AuthenticatedSevenSegments)
FUNNEL = {"success": True, "name": "Conversion funnel", "steps": ["a", "b"], "total": {"counts": [2, 1]}}


_opened: list[SevenSegments | AuthenticatedSevenSegments] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


def _client(fake: SevenSegmentsFake, **options: Any) -> SevenSegments:
    return _keep(SevenSegments(TOKEN, target=fake.url, timeout=5, max_retries=0, **options))


def _keep(client: T) -> T:
    _opened.append(client)
    return client


def test_the_readmes_calls_send_the_originals_requests(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')
    client = _client(seven_segments_fake, customer="john123")
    assert client.track("purchase") is True
    assert client.track("purchase", properties={"product": "bottle", "amount": 5}) is True
    assert client.update({"first_name": "John", "last_name": "Smith"}) is True
    assert client.get_html("Banner left") == '<img src="/my-awesome-banner-1.png" />'
    client.identify({"cookie": "c-1"})
    john = {"registered": "john123"}
    assert [(request.path, request.json()) for request in seven_segments_fake.requests] == [
        ("/crm/events", {"customer_ids": john, "company_id": TOKEN, "type": "purchase", "properties": {}}),
        (
            "/crm/events",
            {
                "customer_ids": john,
                "company_id": TOKEN,
                "type": "purchase",
                "properties": {"product": "bottle", "amount": 5},
            },
        ),
        (
            "/crm/customers",
            {"ids": john, "company_id": TOKEN, "properties": {"first_name": "John", "last_name": "Smith"}},
        ),
        (
            "/campaigns/html/get",
            {"customer_ids": john, "company_id": TOKEN, "html_campaign_name": "Banner left"},
        ),
        ("/crm/customers", {"ids": {"cookie": "c-1"}, "company_id": TOKEN, "properties": {}}),
    ]


def test_identify_makes_the_customer_current(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _client(seven_segments_fake)
    client.identify("john123", {"email": "j@example.com"})
    client.track("login")
    assert client.customer == "john123"
    stored = seven_segments_fake.customer(TOKEN, registered="john123")
    assert stored is not None
    assert (stored.properties, [event.type for event in stored.events]) == (
        {"email": "j@example.com"},
        ["login"],
    )


def test_no_customer_is_a_clear_error_when_not_silent(seven_segments_fake: SevenSegmentsFake) -> None:
    with pytest.raises(ValueError, match="customer") as caught:
        _client(seven_segments_fake, silent=False).track("purchase")
    assert isinstance(caught.value, InvalidRequest)
    with pytest.raises(TypeError, match="customer"):
        _client(seven_segments_fake, customer=42)


def test_no_customer_when_silent_is_logged_and_returns_false(
    seven_segments_fake: SevenSegmentsFake, caplog: pytest.LogCaptureFixture
) -> None:
    # The vendor's later SDK test starts with a track() before any identify(): with the default
    # silent=True that never raises; nothing is sent (the API would refuse it) and it is logged.
    client = _client(seven_segments_fake)
    with caplog.at_level(logging.ERROR, logger="seven_segments"):
        assert client.track("purchase") is False
        assert client.update({"a": 1}) is False
        assert client.get_html("Banner left") is None
    assert len([r for r in caplog.records if "customer is not set" in r.getMessage()]) == 3
    assert seven_segments_fake.requests == []


def test_identify_without_a_customer_resets_it(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _client(seven_segments_fake, customer="john")
    assert client.identify() is False
    assert client.customer is None
    assert client.track("purchase") is False
    assert seven_segments_fake.requests == []


def test_background_true_is_buffered(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _client(seven_segments_fake, customer="john", background=True)
    assert client.track("purchase") is True
    assert client.flush(5).delivered == 1
    assert [r.path for r in seven_segments_fake.requests] == ["/bulk"]


def test_silent_failures_are_logged_and_return_false(
    seven_segments_fake: SevenSegmentsFake, caplog: pytest.LogCaptureFixture
) -> None:
    seven_segments_fake.faults.fail_next(3, status=500)
    client = _client(seven_segments_fake, customer="john")
    with caplog.at_level(logging.ERROR, logger="seven_segments"):
        assert client.track("purchase") is False
        assert client.update({"a": 1}) is False
        assert client.get_html("Banner") is None
    assert [record.getMessage().split(":")[1].strip() for record in caplog.records] == [
        "track failed",
        "update failed",
        "get_html('Banner') failed",
    ]


def test_a_given_logger_receives_the_failures(seven_segments_fake: SevenSegmentsFake) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    mine = logging.getLogger("my-app")
    mine.addHandler(Keep())
    try:
        seven_segments_fake.faults.fail_next(1, status=400)
        assert _client(seven_segments_fake, customer="john", logger=mine).track("x") is False
    finally:
        mine.handlers.clear()
    assert len(records) == 1
    assert "400" in records[0].getMessage()


def test_loud_failures_raise_both_the_originals_and_the_typed_errors(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    client = _client(seven_segments_fake, customer="john", silent=False)
    seven_segments_fake.faults.fail_next(1, status=500)
    with pytest.raises(ServiceUnavailable) as server:
        client.track("purchase")
    assert isinstance(server.value, ServerError)
    assert server.value.status == 500
    seven_segments_fake.faults.fail_next(1, status=400)
    with pytest.raises(InvalidRequest) as refused:
        client.update({"a": 1})
    assert refused.value.status == 400  # type: ignore[attr-defined]
    with pytest.raises(InvalidRequest):
        client.get_html("no such campaign")


def test_get_html_survives_a_connection_error() -> None:
    client = _keep(SevenSegments(TOKEN, customer="john", target="http://127.0.0.1:9", max_retries=0))
    assert client.get_html("Banner") is None  # the original crashed with AttributeError here
    loud = _keep(
        SevenSegments(TOKEN, customer="john", target="http://127.0.0.1:9", silent=False, max_retries=0)
    )
    with pytest.raises(ServiceUnavailable) as raised:
        loud.get_html("Banner")
    assert isinstance(raised.value, TransportError)


def test_export_analysis_returns_the_json(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_analysis("funnel", "2f86608f", FUNNEL)
    seven_segments_fake.add_analysis(
        "funnel", "2f86608f", {**FUNNEL, "header": [], "rows": []}, format="table-json"
    )
    client = _keep(AuthenticatedSevenSegments("test-user", "test-password", target=seven_segments_fake.url))
    assert client.export_analysis("funnel", {"analysis_id": "2f86608f"}) == FUNNEL
    table = client.export_analysis("funnel", {"analysis_id": "2f86608f", "format": "table-json"}, token=TOKEN)
    assert table["header"] == []
    last = seven_segments_fake.requests[-1]
    assert (last.query, last.json()) == (
        [("company", TOKEN)],
        {"analysis_id": "2f86608f", "format": "table-json"},
    )


def test_export_with_a_wrong_password(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _keep(AuthenticatedSevenSegments("test-user", "Wr0ng-Passw0rd", target=seven_segments_fake.url))
    with pytest.raises(InvalidRequest) as raised:
        client.export_analysis("funnel", {"analysis_id": "x"})
    assert isinstance(raised.value, AuthenticationError)
    assert raised.value.message == "wrong username or password"
    assert "Wr0ng-Passw0rd" not in str(raised.value) + repr(client)


def test_export_bad_data_is_a_clear_error(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _keep(AuthenticatedSevenSegments("test-user", "test-password", target=seven_segments_fake.url))
    with pytest.raises(ValueError, match="analysis_id"):
        client.export_analysis("funnel", {})
    with pytest.raises(TypeError, match="data"):
        client.export_analysis("funnel", "2f86608f")  # type: ignore[arg-type]
    assert seven_segments_fake.requests == []


def test_buffered_mode_through_the_shim(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _client(seven_segments_fake, customer="john", buffered=True)
    for n in range(5):
        assert client.track("step", {"n": n}) is True
    assert client.close(10).delivered == 5
    stored = seven_segments_fake.customer(TOKEN, registered="john")
    assert stored is not None
    assert [event.properties["n"] for event in stored.events] == list(range(5))
