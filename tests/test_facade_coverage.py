"""Every request property of the three specs reaches the wire through the typed facades.

The walk finds every property of every object schema a request body can contain. Each one is
either spelled out by a facade method (`FACADE_ARGUMENTS` in scripts/codegen.py), derived into
the facade's `**fields` (`<api>/_fields.py`, written by `scripts/regenerate`), or part of a
wrapper the facades build whole (`WRAPPERS` below). `SEED_ARGUMENTS` says which argument of the
seed shim (`track`, `seven_segments`, `pyttributionio`) carries it. The send tests then set every
property through the facades against the fakes and find each one in the recorded bodies, and send
each recorded body again through the generic `call()`: an operation a regenerated spec adds is
callable without new code.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from trackapis import APIError
from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.seven_segments import AuthenticatedSevenSegmentsClient, SevenSegmentsClient
from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import codegen  # noqa: E402

APIS = codegen.APIS

# Schemas the facades build whole: property -> what fills it.
WRAPPERS: dict[str, dict[str, dict[str, str]]] = {
    "interakt": {},
    "seven_segments": {
        "CustomerIds": {
            "registered": "customer='id' or {'registered': ...}",
            "cookie": "customer={'cookie': ...}",
        },
        "BulkRequest": {"commands": "background=True: the queued update()/track() calls"},
        "BulkCustomerCommand": {"name": "update()", "data": "update()'s CustomerUpdate"},
        "BulkEventCommand": {"name": "track()", "data": "track()'s EventTrack"},
    },
    "attributionio": {
        "IdentityRequest": {"identity": "trigger_identity(), trigger_event()"},
        "EventRequest": {"event": "trigger_event()"},
        "Meta": {"agent": "user_agent"},
    },
}

# (schema, property) -> the seed shim's argument that carries it ("" when the seed had none and
# the shim takes it as a new keyword, "-" when the shim fills it itself).
SEED_ARGUMENTS: dict[str, dict[tuple[str, str], str]] = {
    "interakt": {
        **{
            (schema, wire): argument
            for schema in ("UserFields", "EventFields")
            for wire, argument in {
                "userId": "track.user/event(user_id=)",
                "phoneNumber": "track.user/event(phone_number=)",
                "countryCode": "track.user/event(country_code=)",
                "traits": "track.user/event(traits=)",
                "createdAt": "track.user/event(created_at=)",
                "fullPhoneNumber": "track.user/event(full_phone_number=) (new keyword)",
                "tags": "track.user/event(tags=) (new keyword)",
            }.items()
        },
        ("EventFields", "event"): "track.event(event=)",
    },
    "seven_segments": {
        ("CustomerUpdate", "ids"): "SevenSegments(customer=) / identify(customer)",
        ("CustomerUpdate", "company_id"): "SevenSegments(token)",
        ("CustomerUpdate", "properties"): "update(properties) / identify(customer, properties)",
        ("EventTrack", "customer_ids"): "SevenSegments(customer=) / identify(customer)",
        ("EventTrack", "company_id"): "SevenSegments(token)",
        ("EventTrack", "type"): "track(event_type)",
        ("EventTrack", "properties"): "track(event_type, properties)",
        ("EventTrack", "timestamp"): "track(event_type, properties, timestamp)",
        ("EventTrack", "age"): "",
        ("HtmlRequest", "customer_ids"): "SevenSegments(customer=) / identify(customer)",
        ("HtmlRequest", "company_id"): "SevenSegments(token)",
        ("HtmlRequest", "html_campaign_name"): "get_html(html_campaign_name)",
        ("ExportRequest", "analysis_id"): "export_analysis(analysis_type, data={'analysis_id': ...})",
        ("ExportRequest", "timezone"): "export_analysis(analysis_type, data={'timezone': ...})",
        ("ExportRequest", "execution_time"): "export_analysis(analysis_type, data={'execution_time': ...})",
        ("ExportRequest", "format"): "export_analysis(analysis_type, data={'format': ...})",
        ("CustomerIds", "registered"): "SevenSegments(customer='id')",
        ("CustomerIds", "cookie"): "SevenSegments(customer={'cookie': ...})",
        ("BulkRequest", "commands"): "SevenSegments(buffered=True)",
        ("BulkCustomerCommand", "name"): "-",
        ("BulkCustomerCommand", "data"): "update()",
        ("BulkEventCommand", "name"): "-",
        ("BulkEventCommand", "data"): "track()",
    },
    "attributionio": {
        **{
            (schema, wire): argument
            for schema in ("Identity", "Event")
            for wire, argument in {
                "aliases": "trigger_*(attributionio_id)",
                "client_id": "trigger_*(attributionio_id, ..., client_id)",
                "public_key": "Pyttributionio(api_key)",
                "created_at": "-",
                "meta": "trigger_*(..., user_agent)",
            }.items()
        },
        ("Event", "event_public_key"): "trigger_event(attributionio_id, event_key)",
        ("Event", "url"): "trigger_event(..., last_url)",
        ("Event", "transaction_id"): "-",
        ("Event", "is_informational"): "",
        ("IdentityRequest", "identity"): "trigger_identity(), trigger_event()",
        ("EventRequest", "event"): "trigger_event()",
        ("Meta", "agent"): "trigger_*(..., user_agent)",
    },
}


def _spec(api: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "specs" / f"{api}.yaml").read_text())
    return loaded


def _reachable(spec: dict[str, Any], schema: dict[str, Any], found: dict[str, set[str]]) -> None:
    """Every named object schema reachable from `schema`, with its properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in found:
            return
        schema = spec["components"]["schemas"][name]
        if schema.get("properties"):  # its own: the `allOf` parts are walked as schemas of their own
            found[name] = set(schema["properties"])
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            _reachable(spec, part, found)
    for sub in schema.get("properties", {}).values():
        _reachable(spec, sub, found)
    if isinstance(schema.get("items"), dict):
        _reachable(spec, schema["items"], found)


def request_properties(api: str) -> dict[str, dict[str, set[str]]]:
    """operationId -> schema -> properties, for every operation with a JSON request body."""
    spec = _spec(api)
    operations: dict[str, dict[str, set[str]]] = {}
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            found: dict[str, set[str]] = {}
            _reachable(spec, operation["requestBody"]["content"]["application/json"]["schema"], found)
            operations[operation["operationId"]] = found
    return operations


def _fields_module(api: str) -> Any:
    return importlib.import_module(f"trackapis.{api}._fields")


@pytest.mark.parametrize("api", APIS)
def test_the_derived_fields_are_up_to_date_with_the_spec(api: str) -> None:
    expected = codegen.format_python(codegen.facade_fields_module(api))
    actual = codegen.facade_fields_path(api).read_text()
    assert actual == expected, f"run scripts/regenerate: overlay/trackapis/{api}/_fields.py is stale"


@pytest.mark.parametrize("api", APIS)
def test_every_request_property_has_a_facade_argument_and_a_seed_mapping(api: str) -> None:
    fields = _fields_module(api)
    uncovered, unmapped = [], []
    for operation, schemas in request_properties(api).items():
        for schema, properties in schemas.items():
            spelled = codegen.FACADE_ARGUMENTS[api].get(schema) or WRAPPERS[api].get(schema, {})
            derived = set(fields.WIRE_NAMES.get(codegen.fields_class_name(schema), {}).values())
            for wire in sorted(properties):
                if wire not in spelled and wire not in derived:
                    uncovered.append(f"{operation}: {schema}.{wire}")
                if (schema, wire) not in SEED_ARGUMENTS[api]:
                    unmapped.append(f"{schema}.{wire}")
    assert uncovered == [], "request properties no facade method takes"
    assert unmapped == [], "request properties without a seed-argument entry in SEED_ARGUMENTS"


@pytest.mark.parametrize("api", APIS)
def test_every_operation_is_listed_for_call(api: str) -> None:
    operations = _fields_module(api).OPERATIONS
    spec_ids = {
        op["operationId"]
        for item in _spec(api)["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert set(operations) == spec_ids
    for info in operations.values():
        assert callable(importlib.import_module(info["module"])._get_kwargs)


def sample(check: dict[str, Any]) -> Any:
    """A value a derived field's checks accept."""
    if "enum" in check:
        return check["enum"][0]
    kind = check.get("type")
    if kind == "string":
        return "12345" if check.get("pattern") == "^[0-9]+$" else "x" * max(1, check.get("minLength", 1))
    if kind == "array":
        return [sample(check.get("items", {"type": "string"}))]
    values = {"integer": 1, "number": 1.5, "boolean": True, "object": {"k": "v"}}
    return values.get(kind, "x")


def samples(api: str, fields_class: str) -> dict[str, Any]:
    checks = _fields_module(api).CHECKS[fields_class]
    return {keyword: sample(check) for keyword, check in checks.items()}


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _assert_sent(api: str, fake: Any, operations: list[str]) -> list[tuple[str, Any]]:
    """Every property of these operations' schemas occurs in a recorded body; the bodies."""
    expected = request_properties(api)
    bodies = []
    for operation in operations:
        recorded = [request.json() for request in fake.requests_to(operation)]
        assert recorded, f"nothing was sent to {operation}"
        seen = {key for body in recorded for key in _keys(body)}
        missing = sorted(
            f"{schema}.{wire}"
            for schema, properties in expected[operation].items()
            for wire in properties
            if wire not in seen
        )
        assert missing == [], f"{operation}: properties the facade did not send"
        bodies.append((operation, recorded[-1]))
    return bodies


def test_every_interakt_property_is_sent_through_the_facade(interakt_fake: InteraktFake) -> None:
    moment = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    who = {"user_id": "42", "phone_number": "9999999999", "country_code": "+91", "traits": {"a": 1}}
    with InteraktClient("test-interakt-key", base_url=interakt_fake.url) as client:
        client.send_user(**who, created_at=moment, **samples("interakt", "UserFields"))
        client.send_event("Order Placed", **who, created_at=moment, **samples("interakt", "EventFields"))
        for operation, body in _assert_sent("interakt", interakt_fake, ["trackUser", "trackEvent"]):
            interakt_fake.reset()
            client.call(operation, body=body)
            assert interakt_fake.requests_to(operation)[-1].json() == body


def test_every_seven_segments_property_is_sent_through_the_facade(
    seven_segments_fake: SevenSegmentsFake,
    seven_segments_fake_client: SevenSegmentsClient,
    seven_segments_fake_exports: AuthenticatedSevenSegmentsClient,
) -> None:
    customer = {"registered": "john", "cookie": "c-1"}
    token = seven_segments_fake_client.token
    seven_segments_fake.add_campaign("Banner", "<p>hi</p>")
    with SevenSegmentsClient(token, base_url=seven_segments_fake.url) as per_call:
        for client in (per_call, seven_segments_fake_client):
            client.update(customer, {"plan": "pro"}, **samples("seven_segments", "CustomerUpdateFields"))
            client.track(
                customer,
                "purchase",
                properties={"amount": 5},
                timestamp=1_700_000_000,
                **samples("seven_segments", "EventTrackFields"),
            )
        assert seven_segments_fake_client.flush(timeout=10).complete
        per_call.get_html(customer, "Banner", **samples("seven_segments", "HtmlRequestFields"))
        with pytest.raises(APIError):  # no such analysis: the request was made all the same
            seven_segments_fake_exports.export_analysis(
                "funnel",
                "a-1",
                format="native-json",
                timezone="UTC",
                execution_time=1_700_000_000,
                **samples("seven_segments", "ExportRequestFields"),
            )
        tracked = ["updateCustomer", "trackEvent", "getHtml", "bulk"]
        for operation, body in _assert_sent(
            "seven_segments", seven_segments_fake, [*tracked, "exportAnalysis"]
        ):
            if operation == "exportAnalysis":
                with pytest.raises(APIError):
                    seven_segments_fake_exports.call(operation, body=body, analysis_type="funnel")
            else:
                per_call.call(operation, body=body)
            assert seven_segments_fake.requests_to(operation)[-1].json() == body


def test_every_attributionio_property_is_sent_through_the_facade(
    attributionio_fake: AttributionFake, attributionio_fake_client: AttributionClient
) -> None:
    client = attributionio_fake_client
    client.trigger_identity(
        "cookie-1", client_id="c-1", user_agent="ua", **samples("attributionio", "IdentityFields")
    )
    client.trigger_event(
        "cookie-1",
        "signup",
        client_id="c-1",
        user_agent="ua",
        last_url="https://example.com/",
        **samples("attributionio", "EventFields"),
    )
    for operation, body in _assert_sent(
        "attributionio", attributionio_fake, ["triggerIdentity", "triggerEvent"]
    ):
        client.call(operation, body=body)
        assert attributionio_fake.requests_to(operation)[-1].json() == body
    assert attributionio_fake.requests_to("triggerEvent")[0].json()["event"]["is_informational"] is True


def test_a_property_the_spec_gains_becomes_a_checked_keyword(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec("interakt")
    spec["components"]["schemas"]["EventFields"]["properties"]["loyaltyTier"] = {
        "type": "string",
        "enum": ["gold", "silver"],
    }
    (tmp_path / "interakt.yaml").write_text(yaml.safe_dump(spec))
    monkeypatch.setattr(codegen, "SPECS", tmp_path)
    namespace: dict[str, Any] = {}
    exec(codegen.facade_fields_module("interakt"), namespace)

    annotation = namespace["EventFields"].__annotations__["loyalty_tier"]
    assert getattr(annotation, "__forward_arg__", annotation) == "Literal['gold', 'silver']"
    assert "loyalty_tier" not in namespace["UserFields"].__annotations__
    from trackapis._spec_fields import wire_fields

    names, checks = namespace["WIRE_NAMES"]["EventFields"], namespace["CHECKS"]["EventFields"]
    assert wire_fields({"loyalty_tier": "gold"}, names, checks, call="event") == {"loyaltyTier": "gold"}
    with pytest.raises(ValueError, match="loyalty_tier must be one of 'gold', 'silver'"):
        wire_fields({"loyalty_tier": "bronze"}, names, checks, call="event")


def test_the_async_clients_take_the_fields_and_call_any_operation(
    seven_segments_fake: SevenSegmentsFake, attributionio_fake: AttributionFake
) -> None:
    from trackapis.attributionio import AsyncAttributionClient
    from trackapis.seven_segments import AsyncSevenSegmentsClient

    async def main() -> tuple[Any, Any]:
        async with AsyncSevenSegmentsClient("test-company-token", base_url=seven_segments_fake.url) as seven:
            await seven.track("john", "purchase", age=3.5)
            time = await seven.call("getSystemTime")
        async with AsyncAttributionClient(
            "test-public-key",
            "test-secret",
            base_url=attributionio_fake.url,
            private_base_url=attributionio_fake.url,
        ) as attribution:
            await attribution.trigger_event("cookie-1", "signup", client_id="c-1", is_informational=True)
            customer = await attribution.call("getCustomer", client_id="c-1", show_all=True)
        return time, customer

    time, customer = asyncio.run(main())
    assert isinstance(time["time"], float)
    assert "customer" in customer
    assert seven_segments_fake.requests_to("trackEvent")[-1].json()["age"] == 3.5
    assert attributionio_fake.requests_to("triggerEvent")[-1].json()["event"]["is_informational"] is True
    assert attributionio_fake.requests_to("getCustomer")[-1].query[-1] == ("secret", "test-secret")
