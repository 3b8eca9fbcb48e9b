"""The 7SEGMENTS fake: credentials, customers and events, campaigns, analyses, /bulk, validation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from trackapis.testing import SevenSegmentsEvent, SevenSegmentsFake, serve

COMPANY = "12345678-90ab-cdef-1234-567890abcdef"
OTHER_COMPANY = "fedcba09-8765-4321-fedc-ba0987654321"
EXPORT_AUTH = httpx.BasicAuth("test-user", "test-password")
FUNNEL = {
    "success": True,
    "name": "Conversion funnel",
    "steps": ["First visit", "Purchase"],
    "total": {"counts": [48632, 1250]},
}
TABLE = {
    "success": True,
    "name": "Conversion funnel",
    "header": ["step", "count"],
    "rows": [["visit", 48632], ["buy", 1250]],
}


def _update(
    ids: dict[str, str], properties: dict[str, Any] | None = None, company: str = COMPANY
) -> dict[str, Any]:
    return {"ids": ids, "company_id": company, "properties": properties or {}}


def _event(ids: dict[str, Any], type_: str, company: str = COMPANY, **extra: Any) -> dict[str, Any]:
    return {"customer_ids": ids, "company_id": company, "type": type_, **extra}


# -- credentials ---------------------------------------------------------------------------------


def test_tracking_calls_need_no_auth(seven_segments_client: httpx.Client) -> None:
    responses = [
        seven_segments_client.post("/crm/customers", json=_update({"registered": "john"})),
        seven_segments_client.post("/crm/events", json=_event({"registered": "john"}, "purchase")),
        seven_segments_client.post(
            "/bulk", json={"commands": [{"name": "crm/customers", "data": _update({"cookie": "c"})}]}
        ),
    ]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert [response.json() for response in responses[:2]] == [{"success": True}, {"success": True}]
    assert seven_segments_client.get("/system/time").status_code == 200


def test_export_with_the_right_credentials_is_200(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)

    response = seven_segments_client.post("/analytics/funnel", json={"analysis_id": "f1"}, auth=EXPORT_AUTH)

    assert response.status_code == 200
    assert response.json() == FUNNEL


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(httpx.BasicAuth("test-user", "Wr0ng-Passw0rd"), id="wrong-password"),
        pytest.param(httpx.BasicAuth("someone", "test-password"), id="wrong-user"),
        pytest.param(None, id="missing"),
    ],
)
def test_export_with_wrong_or_missing_credentials_is_401(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client, auth: httpx.BasicAuth | None
) -> None:
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)
    body = {"analysis_id": "f1"}

    if auth is None:
        response = seven_segments_client.post("/analytics/funnel", json=body)
    else:
        response = seven_segments_client.post("/analytics/funnel", json=body, auth=auth)

    assert response.status_code == 401
    body = response.json()
    assert False is body["success"]
    assert len(body["errors"]) == 1
    assert "Wr0ng-Passw0rd" not in response.text
    assert "test-password" not in response.text


@pytest.fixture(scope="module")
def restricted_fake() -> Iterator[SevenSegmentsFake]:
    with serve(SevenSegmentsFake(company_tokens={COMPANY})) as fake:
        yield fake


@pytest.fixture
def restricted_client(restricted_fake: SevenSegmentsFake) -> Iterator[httpx.Client]:
    restricted_fake.reset()
    with httpx.Client(base_url=restricted_fake.url, timeout=5) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param(
            "/crm/customers", _update({"registered": "john"}, company=OTHER_COMPANY), id="customers"
        ),
        pytest.param(
            "/crm/events", _event({"registered": "john"}, "purchase", company=OTHER_COMPANY), id="events"
        ),
        pytest.param(
            "/campaigns/html/get",
            {
                "customer_ids": {"registered": "john"},
                "company_id": OTHER_COMPANY,
                "html_campaign_name": "Banner",
            },
            id="html",
        ),
    ],
)
def test_company_tokens_refuse_an_unknown_token_with_400(
    restricted_fake: SevenSegmentsFake, restricted_client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    response = restricted_client.post(path, json=body)

    assert response.status_code == 400
    assert response.json() == {"success": False, "errors": ["company_id: unknown company token"]}
    assert restricted_fake.customers == []


def test_company_tokens_accept_a_known_token(
    restricted_fake: SevenSegmentsFake, restricted_client: httpx.Client
) -> None:
    response = restricted_client.post("/crm/customers", json=_update({"registered": "john"}, {"a": 1}))

    assert response.status_code == 200
    assert [(c.company_id, c.properties) for c in restricted_fake.customers] == [(COMPANY, {"a": 1})]


def test_company_tokens_refuse_bulk_commands_with_an_unknown_token(
    restricted_fake: SevenSegmentsFake, restricted_client: httpx.Client
) -> None:
    commands = [
        {"name": "crm/customers", "data": _update({"registered": "john"}, {"a": 1})},
        {"name": "crm/events", "data": _event({"registered": "eve"}, "purchase", company=OTHER_COMPANY)},
    ]

    response = restricted_client.post("/bulk", json={"commands": commands})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"status": "ok"},
        {"status": "error", "errors": ["company_id: unknown company token"]},
    ]
    assert [(c.company_id, c.ids) for c in restricted_fake.customers] == [(COMPANY, {"registered": "john"})]


# -- customers and events --------------------------------------------------------------------------


def test_a_customer_is_merged_across_registered_and_cookie_ids(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_client.post(
        "/crm/customers", json=_update({"cookie": "c-1"}, {"first_name": "John", "age": 30})
    )
    seven_segments_client.post(
        "/crm/events", json=_event({"cookie": "c-1", "registered": "john123"}, "login")
    )
    seven_segments_client.post("/crm/customers", json=_update({"registered": "john123"}, {"age": 31}))

    customer = seven_segments_fake.customer(COMPANY, registered="john123")

    assert customer is not None
    assert customer is seven_segments_fake.customer(COMPANY, cookie="c-1")
    assert [customer] == seven_segments_fake.customers
    assert customer.ids == {"cookie": "c-1", "registered": "john123"}
    assert customer.properties == {"first_name": "John", "age": 31}
    assert [event.type for event in customer.events] == ["login"]


def test_customers_of_different_companies_are_kept_apart(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_client.post("/crm/customers", json=_update({"registered": "john"}, {"tier": "a"}))
    seven_segments_client.post(
        "/crm/customers", json=_update({"registered": "john"}, {"tier": "b"}, OTHER_COMPANY)
    )
    seven_segments_client.post(
        "/crm/events", json=_event({"registered": "john"}, "purchase", company=OTHER_COMPANY)
    )

    first = seven_segments_fake.customer(COMPANY, registered="john")
    second = seven_segments_fake.customer(OTHER_COMPANY, registered="john")

    assert first is not None
    assert second is not None
    assert len(seven_segments_fake.customers) == 2
    assert (first.properties, first.events) == ({"tier": "a"}, [])
    assert (second.properties, [event.type for event in second.events]) == ({"tier": "b"}, ["purchase"])
    assert seven_segments_fake.customer("unknown-company", registered="john") is None


def test_events_are_kept_in_order_with_their_timestamp(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    john = {"registered": "john"}
    seven_segments_client.post(
        "/crm/events", json=_event(john, "view", properties={"page": "/"}, timestamp=1700000000)
    )
    seven_segments_client.post(
        "/crm/events", json=_event(john, "purchase", properties={"amount": 5}, timestamp=1700000001.5)
    )
    seven_segments_client.post("/crm/events", json=_event(john, "leave"))

    customer = seven_segments_fake.customer(COMPANY, registered="john")

    assert customer is not None
    assert [
        SevenSegmentsEvent("view", {"page": "/"}, 1700000000),
        SevenSegmentsEvent("purchase", {"amount": 5}, 1700000001.5),
        SevenSegmentsEvent("leave", {}, None),
    ] == customer.events
    assert [(customer, event) for event in customer.events] == seven_segments_fake.events


# -- campaigns -------------------------------------------------------------------------------------


def _html_request(name: str) -> dict[str, Any]:
    return {"customer_ids": {"registered": "john"}, "company_id": COMPANY, "html_campaign_name": name}


def test_get_html_serves_an_added_campaign(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')

    response = seven_segments_client.post("/campaigns/html/get", json=_html_request("Banner left"))

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": '<img src="/my-awesome-banner-1.png" />'}


def test_get_html_of_an_unknown_campaign_is_404(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_campaign("Banner left", "<p/>")

    response = seven_segments_client.post("/campaigns/html/get", json=_html_request("Banner right"))

    assert response.status_code == 404
    body = response.json()
    assert False is body["success"]
    assert "Banner right" in body["errors"][0]


# -- analyses --------------------------------------------------------------------------------------


def _export(
    client: httpx.Client, analysis_type: str, analysis_id: str, export_format: str | None
) -> httpx.Response:
    body = (
        {"analysis_id": analysis_id}
        if export_format is None
        else {"analysis_id": analysis_id, "format": export_format}
    )
    return client.post(f"/analytics/{analysis_type}", json=body, auth=EXPORT_AUTH)


def test_add_analysis_serves_each_format(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)
    seven_segments_fake.add_analysis("funnel", "f1", TABLE, format="table-json")
    seven_segments_fake.add_analysis("funnel", "f1", "a;b\n1;2\n", format="csv")

    native = _export(seven_segments_client, "funnel", "f1", "native-json")
    default = _export(seven_segments_client, "funnel", "f1", None)
    table = _export(seven_segments_client, "funnel", "f1", "table-json")
    csv = _export(seven_segments_client, "funnel", "f1", "csv")

    assert (native.status_code, native.json()) == (200, FUNNEL)
    assert (default.status_code, default.json()) == (200, FUNNEL)
    assert (table.status_code, table.json()) == (200, TABLE)
    assert (csv.status_code, csv.headers["content-type"], csv.text) == (200, "text/csv", "a;b\n1;2\n")


def test_csv_is_derived_from_table_json_when_only_that_was_given(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_analysis("report", "r1", TABLE, format="table-json")

    response = _export(seven_segments_client, "report", "r1", "csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    assert response.text == "step,count\r\nvisit,48632\r\nbuy,1250\r\n"


@pytest.mark.parametrize(
    ("analysis_type", "analysis_id", "export_format"),
    [
        pytest.param("funnel", "unknown", None, id="unknown-id"),
        pytest.param("report", "f1", None, id="other-type"),
        pytest.param("funnel", "f1", "table-json", id="table-from-native"),
        pytest.param("funnel", "f1", "csv", id="csv-from-native"),
    ],
)
def test_an_analysis_not_added_in_that_form_is_404(
    seven_segments_fake: SevenSegmentsFake,
    seven_segments_client: httpx.Client,
    analysis_type: str,
    analysis_id: str,
    export_format: str | None,
) -> None:
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)

    response = _export(seven_segments_client, analysis_type, analysis_id, export_format)

    assert response.status_code == 404
    body = response.json()
    assert False is body["success"]
    assert analysis_id in body["errors"][0]


def test_native_json_is_not_derived_from_table_json(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.add_analysis("segmentation", "s1", TABLE, format="table-json")

    assert _export(seven_segments_client, "segmentation", "s1", "native-json").status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        pytest.param({"analysis_type": "pie", "analysis_id": "x", "result": {}}, "analysis_type", id="type"),
        pytest.param(
            {"analysis_type": "funnel", "analysis_id": "x", "result": {}, "format": "xml"},
            "format",
            id="format",
        ),
    ],
)
def test_add_analysis_refuses_bad_arguments(
    seven_segments_fake: SevenSegmentsFake, kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{argument} must be"):
        seven_segments_fake.add_analysis(**kwargs)


# -- /bulk -----------------------------------------------------------------------------------------


def test_bulk_executes_each_command_in_order_with_one_result_each(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    commands = [
        {"name": "crm/customers", "data": _update({"registered": "john"}, {"plan": "free"})},
        {"name": "crm/events", "data": _event({"registered": "john"}, "purchase", timestamp=10)},
        {"name": "crm/customers", "data": _update({"registered": "john"}, {"plan": "pro"})},
        {"name": "crm/events", "data": _event({"registered": "john"}, "upgrade", timestamp=11)},
    ]

    response = seven_segments_client.post("/bulk", json={"commands": commands})

    assert response.status_code == 200
    assert response.json() == {"results": [{"status": "ok"}] * 4}
    customer = seven_segments_fake.customer(COMPANY, registered="john")
    assert customer is not None
    assert customer.properties == {"plan": "pro"}
    assert [(event.type, event.timestamp) for event in customer.events] == [("purchase", 10), ("upgrade", 11)]


def test_script_bulk_gives_the_next_commands_those_statuses_without_executing_them(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.script_bulk("retry", "error")
    commands = [
        {"name": "crm/events", "data": _event({"registered": "john"}, name)} for name in ("a", "b", "c")
    ]

    first = seven_segments_client.post("/bulk", json={"commands": commands})
    second = seven_segments_client.post("/bulk", json={"commands": commands[:2]})

    assert first.status_code == 200
    assert first.json()["results"] == [
        {"status": "retry"},
        {"status": "error", "errors": ["injected error"]},
        {"status": "ok"},
    ]
    assert second.json()["results"] == [{"status": "ok"}, {"status": "ok"}]
    assert [event.type for _, event in seven_segments_fake.events] == ["c", "a", "b"]


def test_script_bulk_carries_over_to_the_next_request(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_fake.script_bulk("ok", "retry", "retry")
    command = {"name": "crm/customers", "data": _update({"registered": "john"})}

    first = seven_segments_client.post("/bulk", json={"commands": [command, command]})
    second = seven_segments_client.post("/bulk", json={"commands": [command, command]})

    assert first.json()["results"] == [{"status": "ok"}, {"status": "retry"}]
    assert second.json()["results"] == [{"status": "retry"}, {"status": "ok"}]


def test_script_bulk_refuses_an_unknown_status(seven_segments_fake: SevenSegmentsFake) -> None:
    with pytest.raises(ValueError, match=r"^statuses must be"):
        seven_segments_fake.script_bulk("ok", "maybe")  # type: ignore[arg-type]


def test_system_time_is_near_now(seven_segments_client: httpx.Client) -> None:
    before = time.time()
    response = seven_segments_client.get("/system/time")
    after = time.time()

    assert response.status_code == 200
    assert before - 1 <= response.json()["time"] <= after + 1


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        pytest.param("/crm/customers", {"company_id": COMPANY}, "'ids'", id="customers-ids-missing"),
        pytest.param("/crm/customers", {"ids": {"registered": "j"}}, "'company_id'", id="company-missing"),
        pytest.param(
            "/crm/customers", _update({"registered": "j"}, company=""), "company_id", id="company-empty"
        ),
        pytest.param("/crm/events", _event({}, "purchase"), "customer_ids", id="customer-ids-empty"),
        pytest.param(
            "/crm/events", _event({"registered": 5}, "purchase"), "customer_ids/registered", id="id-number"
        ),
        pytest.param("/crm/events", _event({"registered": "j"}, ""), "type", id="type-empty"),
        pytest.param(
            "/crm/events",
            _event({"registered": "j"}, "t", timestamp=-1),
            "timestamp",
            id="timestamp-negative",
        ),
        pytest.param(
            "/crm/events",
            _event({"registered": "j"}, "t", timestamp="now"),
            "timestamp",
            id="timestamp-string",
        ),
        pytest.param(
            "/campaigns/html/get",
            {"customer_ids": {"registered": "j"}, "company_id": COMPANY},
            "html_campaign_name",
            id="html-name",
        ),
        pytest.param("/bulk", {"commands": []}, "commands", id="bulk-empty"),
        pytest.param(
            "/bulk",
            {"commands": [{"name": "crm/customers", "data": _update({"registered": "j"})}] * 51},
            "commands",
            id="bulk-over-50",
        ),
        pytest.param(
            "/bulk", {"commands": [{"name": "crm/other", "data": {}}]}, "commands/0", id="bulk-unknown-name"
        ),
        pytest.param(
            "/bulk",
            {"commands": [{"name": "crm/events", "data": _event({"registered": "j"}, "t", timestamp="now")}]},
            "commands/0/data/timestamp",
            id="bulk-event-timestamp",
        ),
    ],
)
def test_an_invalid_body_is_400_naming_the_field(
    seven_segments_fake: SevenSegmentsFake,
    seven_segments_client: httpx.Client,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = seven_segments_client.post(path, json=body)

    assert response.status_code == 400
    errors = response.json()
    assert False is errors["success"]
    assert any(field in error for error in errors["errors"]), errors
    assert seven_segments_fake.customers == []


def test_an_invalid_export_format_is_400(seven_segments_client: httpx.Client) -> None:
    response = seven_segments_client.post(
        "/analytics/funnel", json={"analysis_id": "f1", "format": "xml"}, auth=EXPORT_AUTH
    )

    assert response.status_code == 400
    assert "format" in response.json()["errors"][0]


def test_invalid_json_is_400(seven_segments_client: httpx.Client) -> None:
    response = seven_segments_client.post(
        "/crm/events", content=b"{'single': 'quotes'}", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert False is response.json()["success"]
    assert "not valid JSON" in response.json()["errors"][0]


def test_an_unknown_path_is_404_json(seven_segments_client: httpx.Client) -> None:
    response = seven_segments_client.post("/crm/segments", json={})

    assert response.status_code == 404
    assert response.json() == {"success": False, "errors": ["no operation at /crm/segments"]}


def test_an_unknown_analysis_type_is_400(seven_segments_client: httpx.Client) -> None:
    response = seven_segments_client.post("/analytics/pie", json={"analysis_id": "f1"}, auth=EXPORT_AUTH)

    assert response.status_code == 400
    assert "analysis_type" in response.json()["errors"][0]


@pytest.mark.parametrize(
    ("method", "path", "allow"), [("GET", "/crm/customers", "POST"), ("POST", "/system/time", "GET")]
)
def test_a_wrong_method_is_405_with_allow(
    seven_segments_client: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = seven_segments_client.request(method, path)

    assert response.status_code == 405
    assert allow == response.headers["allow"]
    assert False is response.json()["success"]


# -- recording and reset -------------------------------------------------------------------------


def test_requests_are_recorded_and_selectable_by_operation(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_client.post("/crm/customers", json=_update({"registered": "j"}))
    seven_segments_client.get("/system/time")
    seven_segments_client.post(
        "/analytics/report", json={"analysis_id": "r1"}, params={"company": COMPANY}, auth=EXPORT_AUTH
    )
    seven_segments_client.post("/crm/customers", json={})

    assert [(r.method, r.path, r.operation_id, r.status) for r in seven_segments_fake.requests] == [
        ("POST", "/crm/customers", "updateCustomer", 200),
        ("GET", "/system/time", "getSystemTime", 200),
        ("POST", "/analytics/report", "exportAnalysis", 404),
        ("POST", "/crm/customers", "updateCustomer", 400),
    ]
    assert [r.query for r in seven_segments_fake.requests_to("exportAnalysis")] == [[("company", COMPANY)]]
    assert [r.status for r in seven_segments_fake.requests_to("updateCustomer")] == [200, 400]


def test_reset_forgets_customers_campaigns_analyses_script_requests_and_faults(
    seven_segments_fake: SevenSegmentsFake, seven_segments_client: httpx.Client
) -> None:
    seven_segments_client.post("/crm/customers", json=_update({"registered": "j"}))
    seven_segments_fake.add_campaign("Banner", "<p/>")
    seven_segments_fake.add_analysis("funnel", "f1", FUNNEL)
    seven_segments_fake.script_bulk("error")
    seven_segments_fake.faults.fail_next(1, status=500)

    seven_segments_fake.reset()

    assert (
        seven_segments_fake.customers,
        seven_segments_fake.campaigns,
        seven_segments_fake.requests,
    ) == ([], {}, [])
    command = {"name": "crm/customers", "data": _update({"registered": "j"})}
    assert seven_segments_client.post("/bulk", json={"commands": [command]}).json()["results"] == [
        {"status": "ok"}
    ]
    assert _export(seven_segments_client, "funnel", "f1", None).status_code == 404
    assert seven_segments_client.post("/campaigns/html/get", json=_html_request("Banner")).status_code == 404
