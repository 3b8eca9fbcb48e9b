"""The specs are valid OpenAPI 3.1, their examples fit their schemas, and the requests the
seed SDKs send for their README examples validate against them (and are accepted by the fakes).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from trackapis.testing import API_NAMES, AttributionFake, InteraktFake, SevenSegmentsFake, load_spec

SPEC_URI = "urn:trackapis:spec"


@pytest.mark.parametrize("api", API_NAMES)
def test_spec_is_valid_openapi(api: str) -> None:
    document = load_spec(api)  # type: ignore[arg-type]
    validate(document)
    assert document["openapi"].startswith("3.1")


@pytest.mark.parametrize("api", API_NAMES)
def test_every_operation_has_an_id_tags_and_a_documented_error(api: str) -> None:
    document = load_spec(api)  # type: ignore[arg-type]
    declared_tags = {tag["name"] for tag in document["tags"]}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            assert operation.get("operationId"), label
            assert set(operation["tags"]) <= declared_tags, label
            assert any(status.startswith(("4", "5")) for status in operation["responses"]), label


def _pointer(parts: list[str]) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _examples(node: Any, where: list[str]) -> Iterator[tuple[str, Any]]:
    """(JSON pointer of the schema, example value) for every example in the document."""
    if isinstance(node, dict):
        if "schema" in node and isinstance(node["schema"], dict):
            schema_at = _pointer([*where, "schema"])
            if "example" in node:
                yield schema_at, node["example"]
            for example in node.get("examples", {}).values():
                yield schema_at, example["value"]
        if node.get("type") and isinstance(node.get("examples"), list):  # schema-level examples
            for value in node["examples"]:
                yield _pointer(where), value
        for key, child in node.items():
            yield from _examples(child, [*where, str(key)])
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _examples(child, [*where, str(index)])


EXAMPLES = [(api, pointer, value) for api in API_NAMES for pointer, value in _examples(load_spec(api), [])]


@pytest.mark.parametrize(("api", "pointer", "value"), EXAMPLES, ids=[f"{a}:{p}" for a, p, _ in EXAMPLES])
def test_spec_examples_fit_their_schemas(api: str, pointer: str, value: Any) -> None:
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(load_spec(api), DRAFT202012))  # type: ignore[arg-type]
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#/{pointer}"}, registry=registry)
    errors = [error.message for error in validator.iter_errors(value)]
    assert errors == []


def test_examples_were_found() -> None:
    # Guards the walker above: the seed README examples are in the specs.
    assert {api for api, _, _ in EXAMPLES} == set(API_NAMES)
    assert len(EXAMPLES) >= 15


# -- the seeds' README examples, as the original SDKs put them on the wire --------------------

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
JOHN = {"registered": "john123"}

INTERAKT_SEED_REQUESTS = [
    (
        "/v1/public/track/users/",
        {
            "userId": "<user_id in your db>",
            "countryCode": "+91",
            "phoneNumber": "9999999999",
            "traits": {"name": "John Doe", "email": "john@email.com", "age": 24, "dob": "1998-01-01"},
        },
    ),
    (
        "/v1/public/track/users/",
        {
            "userId": "<user_id in your db>",
            "countryCode": "+91",
            "phoneNumber": "9999999999",
            "traits": {"dob": "1997-12-01"},
        },
    ),
    (
        "/v1/public/track/users/",
        {
            "userId": "<user_id in your db>",
            "countryCode": "+91",
            "phoneNumber": "9999999999",
            "traits": {"Pin code": "400001"},
        },
    ),
    (
        "/v1/public/track/events/",
        {
            "userId": "<user id in your db>",
            "event": "Order Placed",
            "traits": {
                "orderCreatedBy": "Gavin Roberts",
                "orderCreatedDate": "2020-11-01T012:10:26.122Z",
                "orderNumber": "CUS001",
                "orderValue": "50.00",
            },
            "countryCode": "+91",
            "phoneNumber": "9999999999",
        },
    ),
]

SEVEN_SEGMENTS_SEED_REQUESTS = [
    ("/crm/events", {"customer_ids": JOHN, "company_id": TOKEN, "type": "purchase", "properties": {}}),
    (
        "/crm/events",
        {
            "customer_ids": JOHN,
            "company_id": TOKEN,
            "type": "purchase",
            "properties": {"product": "bottle", "amount": 5},
        },
    ),
    ("/crm/customers", {"ids": JOHN, "company_id": TOKEN, "properties": {}}),
    (
        "/crm/customers",
        {"ids": JOHN, "company_id": TOKEN, "properties": {"first_name": "John", "last_name": "Smith"}},
    ),
    ("/campaigns/html/get", {"customer_ids": JOHN, "company_id": TOKEN, "html_campaign_name": "Banner left"}),
]


def test_interakt_seed_requests_are_accepted(interakt_fake: InteraktFake) -> None:
    # The original sends Basic auth with the key as username and an empty password.
    auth = "Basic " + base64.b64encode(b"test-interakt-key:").decode()
    headers = {"Authorization": auth, "User-Agent": "interakt-track-python/1.0.7"}
    with httpx.Client(base_url=interakt_fake.url, headers=headers) as client:
        statuses = [client.post(path, json=body).status_code for path, body in INTERAKT_SEED_REQUESTS]
    assert statuses == [202, 202, 202, 201]
    user = interakt_fake.user("<user_id in your db>")
    assert user is not None
    assert user.traits == {
        "name": "John Doe",
        "email": "john@email.com",
        "age": 24,
        "dob": "1997-12-01",
        "Pin code": "400001",
    }


def test_seven_segments_seed_requests_are_accepted(seven_segments_fake: SevenSegmentsFake) -> None:
    seven_segments_fake.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')
    analysis_id = "2f86608f-24f5-11e3-9950-c48508494cf5"
    seven_segments_fake.add_analysis(
        "funnel", analysis_id, {"success": True, "steps": ["a"], "total": {"counts": [1]}}
    )
    with httpx.Client(base_url=seven_segments_fake.url) as client:
        statuses = [client.post(path, json=body).status_code for path, body in SEVEN_SEGMENTS_SEED_REQUESTS]
        html_path, html_body = SEVEN_SEGMENTS_SEED_REQUESTS[-1]
        html = client.post(html_path, json=html_body).json()
        export = client.post(
            "/analytics/funnel", json={"analysis_id": analysis_id}, auth=("test-user", "test-password")
        )
    assert statuses == [200] * len(SEVEN_SEGMENTS_SEED_REQUESTS)
    assert html == {"success": True, "data": '<img src="/my-awesome-banner-1.png" />'}
    assert export.status_code == 200
    customer = seven_segments_fake.customer(TOKEN, registered="john123")
    assert customer is not None
    assert [event.type for event in customer.events] == ["purchase", "purchase"]


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"show_pageviews": "true"},
        {"show_touchpoints": "true"},
        {"show_events": "true"},
        {"show_identities": "true"},
        {"show_all": "true"},
    ],
    ids=["base", "pageviews", "touchpoints", "events", "identities", "full"],
)
def test_attributionio_seed_requests_are_accepted(
    attributionio_fake: AttributionFake, flags: dict[str, str]
) -> None:
    identity = {
        "identity": {
            "aliases": ["5a1b2c3d4e5f6a7b8c9d0e1f"],
            "client_id": "abcdefghijklmnopqrstuvw0",  # the original's random 24-character fallback
            "public_key": "test-public-key",
            "created_at": 1700000000,
            "meta": {"agent": "User-Agent unknown"},
        }
    }
    event = {
        "event": {
            "aliases": ["5a1b2c3d4e5f6a7b8c9d0e1f"],
            "client_id": "abcdefghijklmnopqrstuvw0",
            "event_public_key": "signup",
            "url": "URL unknown",
            "public_key": "test-public-key",
            "transaction_id": "abcdefghijklmnopqrstuvw0@1700000000",
            "is_informational": False,
            "created_at": 1700000000,
            "meta": {"agent": "User-Agent unknown"},
        }
    }
    with httpx.Client(base_url=attributionio_fake.url) as client:
        assert client.post("/identities", json=identity).status_code == 200
        assert client.post("/events", json=event).status_code == 200
        found = client.get(
            "/api/v1/test-public-key/customers/abcdefghijklmnopqrstuvw0",
            params={"secret": "test-secret", **flags},
        )
    assert found.status_code == 200
    lists = {"pageviews", "touchpoints", "events", "identities"}
    expected = lists if "show_all" in flags else {name for name in lists if f"show_{name}" in flags}
    assert set(found.json()["customer"]) & lists == expected


@pytest.mark.parametrize("api", API_NAMES)
def test_every_operation_and_parameter_is_described(api: str) -> None:
    document: Any = load_spec(api)  # type: ignore[arg-type]
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            if not operation.get("description"):
                missing.append(label)
            for given in operation.get("parameters", []):
                parameter = (
                    document["components"]["parameters"][given["$ref"].rsplit("/", 1)[1]]
                    if "$ref" in given
                    else given
                )
                if not parameter.get("description"):
                    missing.append(f"{label} parameter {parameter['name']}")
    assert missing == []


@pytest.mark.parametrize("api", API_NAMES)
def test_every_component_is_used(api: str) -> None:
    document: Any = load_spec(api)  # type: ignore[arg-type]
    text = repr(document)
    unused = [
        f"#/components/{kind}/{name}"
        for kind, entries in document["components"].items()
        if kind != "securitySchemes"
        for name in entries
        if f"'#/components/{kind}/{name}'" not in text
    ]
    assert unused == []


def test_get_customer_documents_an_example() -> None:
    document: Any = load_spec("attributionio")
    answer = document["paths"]["/api/v1/{public_key}/customers/{client_id}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["example"]["customer"]["client_id"]
