"""`trackapis.seven_segments` per-call and export clients against the fake: wire, results, faults, input."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import inspect
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from trackapis._retry import RetryPolicy
from trackapis.seven_segments import (
    APIError,
    AsyncAuthenticatedSevenSegmentsClient,
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    AuthenticationError,
    ClientClosedError,
    FunnelResult,
    InvalidResponseError,
    ReportResult,
    ServerError,
    SevenSegmentsClient,
    TableResult,
    TransportError,
)
from trackapis.testing import SevenSegmentsFake

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
FAST = RetryPolicy(max_retries=3, backoff_initial=0.001, backoff_max=0.01)
FUNNEL = {
    "success": True,
    "name": "Conversion funnel",
    "steps": ["First visit", "Registration", "First log in", "Purchase", "Payment"],
    "total": {
        "counts": [48632, 24120, 20398, 1256, 1250],
        "times": [-1, 680, 4502, 45, 540, 300],
        "metric": 1987562,
    },
    "drill_down": {"type": "none", "series": []},
    "metric": {"step": 4, "property": "price"},
}
REPORT = {
    "success": True,
    "valid": True,
    "name": "Revenue by country",
    "column_count": 1,
    "columns": [{"name": "revenue"}],
    "row_count": 1,
    "groupings": {"columns": [], "rows": [{"type": "property"}]},
    "rows": [{"type": "property", "value": "SK", "data": [120.5]}],
    "stats": [],
}
TABLE = {"success": True, "name": "Retention", "header": ["cohort", "week 1"], "rows": [["2024-01", 0.4]]}


_opened: list[SevenSegmentsClient | AuthenticatedSevenSegmentsClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


def _client(fake: SevenSegmentsFake, **options: Any) -> SevenSegmentsClient:
    options.setdefault("retry_policy", FAST)
    client = SevenSegmentsClient(TOKEN, base_url=fake.url, **options)
    _opened.append(client)
    return client


def _exports(
    fake: SevenSegmentsFake, password: str = "test-password", **options: Any
) -> AuthenticatedSevenSegmentsClient:
    options.setdefault("retry_policy", FAST)
    client = AuthenticatedSevenSegmentsClient("test-user", password, base_url=fake.url, **options)
    _opened.append(client)
    return client


# -- every call on the wire -----------------------------------------------------------------------------


def test_track_sends_the_originals_body(seven_segments_fake: SevenSegmentsFake) -> None:
    assert _client(seven_segments_fake).track(
        "john123", "purchase", properties={"product": "bottle", "amount": 5}
    )
    (request,) = seven_segments_fake.requests
    assert (request.method, request.path) == ("POST", "/crm/events")
    assert request.json() == {
        "customer_ids": {"registered": "john123"},
        "company_id": TOKEN,
        "type": "purchase",
        "properties": {"product": "bottle", "amount": 5},
    }
    assert "authorization" not in request.headers  # tracking calls carry the token in the body only


def test_update_sends_ids_not_customer_ids(seven_segments_fake: SevenSegmentsFake) -> None:
    _client(seven_segments_fake).update({"cookie": "c-1", "registered": "john"}, {"first_name": "John"})
    (request,) = seven_segments_fake.requests
    assert request.path == "/crm/customers"
    assert request.json() == {
        "ids": {"cookie": "c-1", "registered": "john"},
        "company_id": TOKEN,
        "properties": {"first_name": "John"},
    }
    customer = seven_segments_fake.customer(TOKEN, cookie="c-1")
    assert customer is not None
    assert customer.properties == {"first_name": "John"}


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), 1704164645.0),
        (
            datetime.datetime(2024, 1, 2, 4, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
            1704164645.0,
        ),
        (1704164645, 1704164645),
        (1704164645.25, 1704164645.25),
    ],
)
def test_event_timestamp(seven_segments_fake: SevenSegmentsFake, timestamp: Any, expected: float) -> None:
    _client(seven_segments_fake).track({"cookie": "anon"}, "visit", timestamp=timestamp)
    (request,) = seven_segments_fake.requests
    assert request.json()["timestamp"] == expected
    ((_, event),) = seven_segments_fake.events
    assert event.timestamp == expected


def test_properties_are_encoded(seven_segments_fake: SevenSegmentsFake) -> None:
    _client(seven_segments_fake).track(
        "u", "paid", properties={"amount": decimal.Decimal("9.90"), "day": datetime.date(2024, 5, 1)}
    )
    assert seven_segments_fake.requests[0].json()["properties"] == {"amount": "9.90", "day": "2024-05-01"}


def test_get_html_and_server_time(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')
    client = _client(seven_segments_fake)
    assert client.get_html("john123", "Banner left") == '<img src="/my-awesome-banner-1.png" />'
    assert seven_segments_fake.requests[0].json() == {
        "customer_ids": {"registered": "john123"},
        "company_id": TOKEN,
        "html_campaign_name": "Banner left",
    }
    assert client.server_time() > 1_700_000_000


def test_an_unknown_campaign_is_an_api_error_with_the_servers_message(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    with pytest.raises(APIError) as raised:
        _client(seven_segments_fake).get_html("john", "Nope")
    assert raised.value.status == 404
    assert "no campaign named 'Nope'" in raised.value.message


# -- exports --------------------------------------------------------------------------------------------


def test_exports_are_typed_per_analysis_and_format(seven_segments_fake: SevenSegmentsFake) -> None:
    fake = seven_segments_fake
    fake.add_analysis("funnel", "f", FUNNEL)
    fake.add_analysis("report", "r", REPORT)
    fake.add_analysis("retention", "t", TABLE, format="table-json")
    fake.add_analysis("segmentation", "s", {"success": True, "segments": [{"name": "VIP", "count": 3}]})
    exports = _exports(fake)

    funnel = exports.export_analysis("funnel", "f")
    assert isinstance(funnel, FunnelResult)
    assert (funnel.steps, funnel.total.counts) == (FUNNEL["steps"], [48632, 24120, 20398, 1256, 1250])
    report = exports.export_analysis("report", "r")
    assert isinstance(report, ReportResult)
    assert [row.value for row in report.rows] == ["SK"]
    table = exports.export_analysis("retention", "t", format="table-json")
    assert isinstance(table, TableResult)
    assert (table.header, table.rows) == (["cohort", "week 1"], [["2024-01", 0.4]])
    csv = exports.export_analysis("retention", "t", format="csv")
    assert csv.splitlines() == ["cohort,week 1", "2024-01,0.4"]
    other = exports.export_analysis("segmentation", "s")
    assert other == {"success": True, "segments": [{"name": "VIP", "count": 3}]}


def test_export_sends_basic_auth_the_company_query_and_options(
    seven_segments_fake: SevenSegmentsFake,
) -> None:
    seven_segments_fake.add_analysis("funnel", "f", FUNNEL)
    _exports(seven_segments_fake).export_analysis(
        "funnel", "f", timezone="Europe/Prague", execution_time=1700000000, company=TOKEN
    )
    (request,) = seven_segments_fake.requests
    assert request.path == "/analytics/funnel"
    assert request.query == [("company", TOKEN)]
    assert request.headers["authorization"].startswith("Basic ")
    assert request.json() == {
        "analysis_id": "f",
        "format": "native-json",
        "timezone": "Europe/Prague",
        "execution_time": 1700000000,
    }


def test_a_result_of_no_known_shape_is_an_invalid_response(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_analysis("funnel", "f", {"success": True, "series": []})
    with pytest.raises(InvalidResponseError, match="not a funnel result in native-json nor another known"):
        _exports(seven_segments_fake).export_analysis("funnel", "f")


@pytest.mark.parametrize(
    ("body", "model"), [(TABLE, TableResult), (REPORT, ReportResult), (FUNNEL, FunnelResult)]
)
def test_every_shape_the_spec_allows_parses(
    seven_segments_fake: SevenSegmentsFake, body: dict[str, Any], model: type[object]
) -> None:
    # The spec's 200 is FunnelResult | ReportResult | TableResult whatever was asked: a server
    # answering another of them gets that model, not an error.
    seven_segments_fake.add_analysis("funnel", "f", body)
    assert isinstance(_exports(seven_segments_fake).export_analysis("funnel", "f"), model)


def test_exports_send_accept_and_check_the_csv_answers_type(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_analysis("report", "r", "a,b\n1,2\n", format="csv")
    seven_segments_fake.add_analysis("report", "r", REPORT)
    exports = _exports(seven_segments_fake)
    assert exports.export_analysis("report", "r", format="csv") == "a,b\n1,2\n"
    exports.export_analysis("report", "r")
    assert [r.headers["accept"] for r in seven_segments_fake.requests] == ["text/csv", "application/json"]

    def json_instead_of_csv(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=TABLE)

    wrong = AuthenticatedSevenSegmentsClient("u", "p", transport=httpx.MockTransport(json_instead_of_csv))
    with pytest.raises(InvalidResponseError, match="asked for csv, got application/json"):
        wrong.export_analysis("report", "r", format="csv")


def _refusing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"success": False, "errors": ["company is disabled"]})


def test_a_2xx_with_success_false_is_an_error_for_track_and_update() -> None:
    client = SevenSegmentsClient(TOKEN, transport=httpx.MockTransport(_refusing), retry_policy=FAST)
    with pytest.raises(APIError, match="company is disabled") as tracked:
        client.track("john123", "purchase")
    with pytest.raises(APIError, match="/crm/customers -> 200: company is disabled"):
        client.update("john123", {"plan": "gold"})
    assert tracked.value.status == 200

    async def main() -> None:
        async_client = AsyncSevenSegmentsClient(
            TOKEN, transport=httpx.MockTransport(_refusing), retry_policy=FAST
        )
        with pytest.raises(APIError, match="/crm/events -> 200"):
            await async_client.track("john123", "purchase")
        with pytest.raises(APIError, match="/crm/customers -> 200"):
            await async_client.update("john123")
        await async_client.aclose()

    asyncio.run(main())


def test_401_keeps_the_servers_message_and_never_shows_the_password(
    seven_segments_fake: SevenSegmentsFake, caplog: pytest.LogCaptureFixture
) -> None:
    seven_segments_fake.add_analysis("funnel", "f", FUNNEL)
    exports = _exports(seven_segments_fake, password="s3cret-Passw0rd")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as raised:
        exports.export_analysis("funnel", "f")
    assert raised.value.message == "wrong username or password"
    assert len(seven_segments_fake.requests) == 1  # a 401 is not retried
    for text in (repr(exports), str(raised.value), raised.value.body_excerpt, caplog.text):
        assert "s3cret-Passw0rd" not in text


def test_a_401_that_is_not_json_keeps_its_text(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.fail_next(
        1, status=401, body="Authorization Required", content_type="text/plain"
    )
    with pytest.raises(AuthenticationError) as raised:
        _exports(seven_segments_fake).export_analysis("funnel", "f")
    assert raised.value.message == "Authorization Required"


# -- faults ---------------------------------------------------------------------------------------------


def test_5xx_and_dropped_connections_are_retried(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.fail_next(1, status=503, retry_after=0)
    seven_segments_fake.faults.drop_next(1)
    seven_segments_fake.faults.fail_next(1, status=500)
    assert _client(seven_segments_fake).track("john", "purchase")
    assert [request.status for request in seven_segments_fake.requests] == [503, None, 500, 200]
    assert len(seven_segments_fake.events) == 1


def test_5xx_beyond_the_retries_raises_server_error(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.fail_next(10, status=500)
    with pytest.raises(ServerError) as raised:
        _client(seven_segments_fake, retry_policy=RetryPolicy(max_retries=2, backoff_initial=0.001)).update(
            "john", {"a": 1}
        )
    assert raised.value.status == 500
    assert len(seven_segments_fake.requests) == 3


def test_a_non_json_error_page_becomes_a_typed_error(seven_segments_fake: SevenSegmentsFake) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    seven_segments_fake.faults.fail_next(10, status=502, body=page, content_type="text/html")
    with pytest.raises(ServerError) as raised:
        _client(seven_segments_fake, max_retries=0, retry_policy=None).get_html("john", "Banner")
    assert raised.value.status == 502
    assert "502 Bad Gateway" in raised.value.message


def test_a_400_with_an_error_object_keyed_by_field(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.fail_next(
        1, status=400, body='{"success": false, "errors": {"type": "too long"}}'
    )
    with pytest.raises(APIError) as raised:
        _client(seven_segments_fake).track("john", "x")
    assert (raised.value.status, raised.value.message) == (400, "type: too long")


def test_a_2xx_that_is_not_json_is_an_invalid_response() -> None:
    # The fake only injects error statuses; a proxy's 200 login page comes from a mock transport.
    page = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>Sign in</html>"))
    client = SevenSegmentsClient(TOKEN, base_url="http://127.0.0.1:9", transport=page)
    _opened.append(client)
    with pytest.raises(InvalidResponseError, match="not JSON"):
        client.get_html("john", "Banner")
    exports = AuthenticatedSevenSegmentsClient("u", "p", base_url="http://127.0.0.1:9", transport=page)
    _opened.append(exports)
    with pytest.raises(InvalidResponseError, match="not JSON"):
        exports.export_analysis("funnel", "f")


def test_slow_responses_time_out(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.faults.add_latency(2)
    client = _client(
        seven_segments_fake, timeout=0.2, retry_policy=RetryPolicy(max_retries=1, backoff_initial=0.001)
    )
    with pytest.raises(TransportError, match="timed out"):
        client.track("john", "purchase")


def test_connection_refused_is_a_transport_error() -> None:
    client = SevenSegmentsClient(TOKEN, base_url="http://127.0.0.1:9", max_retries=0)
    _opened.append(client)
    with pytest.raises(TransportError):
        client.get_html("john", "Banner")


def test_calls_after_shutdown_are_refused(seven_segments_fake: SevenSegmentsFake) -> None:
    client = _client(seven_segments_fake)
    client.shutdown()
    with pytest.raises(ClientClosedError):
        client.track("john", "purchase")
    exports = _exports(seven_segments_fake)
    exports.close()
    with pytest.raises(ClientClosedError):
        exports.export_analysis("funnel", "f")


# -- bad input ------------------------------------------------------------------------------------------

BAD_TRACKS: list[tuple[str, dict[str, Any]]] = [
    ("customer", {"customer": ""}),
    ("customer", {"customer": 42}),
    ("customer", {"customer": {}}),
    ("customer", {"customer": {"registered": 5}}),
    ("customer", {"customer": {"cookie": ""}}),
    ("event_type", {"event_type": ""}),
    ("event_type", {"event_type": None}),
    ("properties", {"properties": ["a"]}),
    ("properties", {"properties": {"x": object()}}),
    ("properties", {"properties": {"x": float("nan")}}),
    ("timestamp", {"timestamp": datetime.datetime(2024, 1, 1)}),
    ("timestamp", {"timestamp": -1}),
    ("timestamp", {"timestamp": "yesterday"}),
    ("timestamp", {"timestamp": True}),
    ("timestamp", {"timestamp": float("inf")}),
]


@pytest.mark.parametrize(("argument", "change"), BAD_TRACKS)
def test_bad_track_input_names_the_argument_and_sends_nothing(
    seven_segments_fake: SevenSegmentsFake, argument: str, change: dict[str, Any]
) -> None:
    call = {"customer": "john", "event_type": "purchase", "properties": None, "timestamp": None, **change}
    client = _client(seven_segments_fake)
    with pytest.raises((ValueError, TypeError)) as raised:
        client.track(
            call["customer"], call["event_type"], properties=call["properties"], timestamp=call["timestamp"]
        )
    assert argument in str(raised.value)
    assert seven_segments_fake.requests == []


@pytest.mark.parametrize(
    ("argument", "call"),
    [
        ("analysis_type", {"analysis_type": "cohort"}),
        ("analysis_id", {"analysis_id": ""}),
        ("format", {"format": "xml"}),
        ("timezone", {"timezone": ""}),
        ("execution_time", {"execution_time": -5}),
        ("company", {"company": ""}),
    ],
)
def test_bad_export_input_names_the_argument(
    seven_segments_fake: SevenSegmentsFake, argument: str, call: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {"analysis_type": "funnel", "analysis_id": "f", **call}
    with pytest.raises(ValueError, match=argument):
        _exports(seven_segments_fake).export_analysis(
            arguments.pop("analysis_type"), arguments.pop("analysis_id"), **arguments
        )
    assert seven_segments_fake.requests == []


@pytest.mark.parametrize(
    ("argument", "build"),
    [
        ("token", lambda url: SevenSegmentsClient("", base_url=url)),
        ("token", lambda url: SevenSegmentsClient(None, base_url=url)),  # type: ignore[arg-type]
        ("base_url", lambda url: SevenSegmentsClient(TOKEN, base_url="api.7segments.com")),
        ("timeout", lambda url: SevenSegmentsClient(TOKEN, base_url=url, timeout=0)),
        ("flush_interval", lambda url: SevenSegmentsClient(TOKEN, base_url=url, flush_interval=-1)),
        ("on_error", lambda url: SevenSegmentsClient(TOKEN, base_url=url, on_error="log")),  # type: ignore[arg-type]
        ("username", lambda url: AuthenticatedSevenSegmentsClient("", "p", base_url=url)),
        ("password", lambda url: AuthenticatedSevenSegmentsClient("u", None, base_url=url)),  # type: ignore[arg-type]
    ],
)
def test_bad_options_name_the_argument(
    seven_segments_fake: SevenSegmentsFake, argument: str, build: Any
) -> None:
    with pytest.raises((ValueError, TypeError), match=argument):
        build(seven_segments_fake.url)


# -- asyncio --------------------------------------------------------------------------------------------


def test_async_clients(seven_segments_fake: SevenSegmentsFake) -> None:
    fake = seven_segments_fake
    fake.add_campaign("Banner", "<b>hi</b>")
    fake.add_analysis("funnel", "f", FUNNEL)
    fake.faults.fail_next(1, status=503, retry_after=0, operations=["trackEvent"])

    async def main() -> tuple[str, FunnelResult, float]:
        async with AsyncSevenSegmentsClient(TOKEN, base_url=fake.url, retry_policy=FAST) as client:
            await client.track("john", "purchase", properties={"n": 1})
            await client.update({"cookie": "c"}, {"plan": "free"})
            html = await client.get_html("john", "Banner")
            moment = await client.server_time()
        async with AsyncAuthenticatedSevenSegmentsClient(
            "test-user", "test-password", base_url=fake.url, retry_policy=FAST
        ) as exports:
            funnel = await exports.export_analysis("funnel", "f")
        return html, funnel, moment

    html, funnel, moment = asyncio.run(main())
    assert html == "<b>hi</b>"
    assert funnel.name == "Conversion funnel"
    assert moment > 1_700_000_000
    assert [request.status for request in fake.requests if request.path == "/crm/events"] == [503, 200]
    assert [event.properties for _, event in fake.events] == [{"n": 1}]


def test_async_errors_are_typed(seven_segments_fake: SevenSegmentsFake) -> None:
    async def main() -> None:
        async with AsyncAuthenticatedSevenSegmentsClient(
            "test-user", "nope", base_url=seven_segments_fake.url
        ) as c:
            await c.export_analysis("funnel", "f")

    with pytest.raises(AuthenticationError, match="wrong username or password"):
        asyncio.run(main())


def test_sync_and_async_methods_show_their_own_signature_kind_and_name() -> None:
    # Each call is written once (seven_segments/_core.py) and the methods derived from it:
    # help() and inspect still show the parameters, the method's own return, sync or async.
    track = "(self, customer: 'Customer', event_type: 'str', *, properties: 'dict[str, Any] | None' = None, "
    track += "timestamp: 'Any' = None, **fields: 'Unpack[EventTrackFields]')"
    assert str(inspect.signature(SevenSegmentsClient.track)) == track + " -> 'bool'"
    assert str(inspect.signature(AsyncSevenSegmentsClient.track)) == track + " -> 'None'"
    call = "(self, operation: 'str', *, body: 'Mapping[str, Any] | None' = None, **params: 'Any') -> 'Any'"
    methods = {
        SevenSegmentsClient: {"update": "bool", "get_html": "str", "server_time": "float", "call": "Any"},
        AsyncSevenSegmentsClient: {
            "update": "None",
            "get_html": "str",
            "server_time": "float",
            "call": "Any",
        },
        AuthenticatedSevenSegmentsClient: {"export_analysis": "ExportResult", "call": "Any"},
        AsyncAuthenticatedSevenSegmentsClient: {"export_analysis": "ExportResult", "call": "Any"},
    }
    for cls, returns in methods.items():
        for name, annotation in returns.items():
            method = getattr(cls, name)
            assert inspect.signature(method).return_annotation == annotation
            assert inspect.iscoroutinefunction(method) == cls.__name__.startswith("Async")
            assert method.__qualname__.endswith("." + name)
            assert method.__doc__
        assert str(inspect.signature(cls.call)) == call
    assert "analysis_type: 'AnalysisType'" in str(
        inspect.signature(AsyncAuthenticatedSevenSegmentsClient.export_analysis)
    )


@pytest.mark.parametrize("analysis", ["funnel", "report", "retention", "segmentation"])
def test_a_2xx_that_says_success_false_is_an_api_error_with_the_servers_message(analysis: str) -> None:
    # {"success": false, "errors": [...]} with a 200: a refusal, not a result (nor an empty HTML).
    refusal = httpx.MockTransport(
        lambda request: httpx.Response(200, json={"success": False, "errors": ["no access"]})
    )
    with SevenSegmentsClient(TOKEN, base_url="http://127.0.0.1:9", transport=refusal) as client:
        with pytest.raises(APIError, match="no access") as raised:
            client.get_html("john123", "Banner left")
        assert raised.value.status == 200
    exports = AuthenticatedSevenSegmentsClient(
        "user", "secret", base_url="http://127.0.0.1:9", transport=refusal
    )
    with exports, pytest.raises(APIError, match="no access"):
        exports.export_analysis(analysis, "A1")  # type: ignore[arg-type]
