"""schemathesis fuzzes every operation of every spec against the fakes, with all default checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Case

from trackapis.testing import (
    AttributionFake,
    FakeAPI,
    InteraktFake,
    SevenSegmentsFake,
    load_spec,
    serve,
    spec_path,
)

INTERAKT = InteraktFake(api_key="fuzz-key")
SEVEN_SEGMENTS = SevenSegmentsFake("fuzz-user", "fuzz-password")
ATTRIBUTION = AttributionFake(public_key="fuzz-public", secret="fuzz-secret")


def _config(auth: dict[str, object], parameters: dict[str, str] | None = None) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": auth},
            "parameters": parameters or {},
            "generation": {"max-examples": 100, "mode": "all"},
        }
    )


interakt_schema = schemathesis.openapi.from_path(
    spec_path("interakt"), config=_config({"basicAuth": {"username": "fuzz-key", "password": ""}})
)
seven_segments_schema = schemathesis.openapi.from_path(
    spec_path("seven_segments"),
    config=_config({"basicAuth": {"username": "fuzz-user", "password": "fuzz-password"}}),
)
attribution_schema = schemathesis.openapi.from_path(
    spec_path("attributionio"),
    # Pin the public key (path and bodies): a random one is rightly rejected with 401, and the
    # fuzzing would then never reach the states the links connect.
    config=_config(
        {"secretQuery": {"api_key": "fuzz-secret"}},
        {
            "path.public_key": "fuzz-public",
            "body.identity.public_key": "fuzz-public",
            "body.event.public_key": "fuzz-public",
        },
    ),
)


def _seed_seven_segments() -> None:
    # The spec's examples name this campaign and analysis; schemathesis sends them in its
    # examples phase, so the fake answers 200 to those rather than only 404.
    SEVEN_SEGMENTS.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')
    example = load_spec("seven_segments")["paths"]["/analytics/{analysis_type}"]["post"]
    analysis_id = example["requestBody"]["content"]["application/json"]["example"]["analysis_id"]
    funnel = example["responses"]["200"]["content"]["application/json"]["example"]
    table = {
        "success": True,
        "name": "Conversion funnel",
        "header": ["step", "count"],
        "rows": [["First visit", 48632]],
    }
    for analysis_type in ("funnel", "report", "retention", "segmentation"):
        SEVEN_SEGMENTS.add_analysis(
            analysis_type, analysis_id, funnel if analysis_type == "funnel" else table
        )
        SEVEN_SEGMENTS.add_analysis(analysis_type, analysis_id, table, format="table-json")


@pytest.fixture(scope="module", autouse=True)
def _served() -> Iterator[None]:
    _seed_seven_segments()
    with serve(INTERAKT), serve(SEVEN_SEGMENTS), serve(ATTRIBUTION):
        yield


@interakt_schema.parametrize()
def test_interakt(case: Case[Any]) -> None:
    case.call_and_validate(base_url=INTERAKT.url)


@seven_segments_schema.parametrize()
def test_seven_segments(case: Case[Any]) -> None:
    case.call_and_validate(base_url=SEVEN_SEGMENTS.url)


@attribution_schema.parametrize()
def test_attributionio(case: Case[Any]) -> None:
    case.call_and_validate(base_url=ATTRIBUTION.url)


class AttributionWorkflow(attribution_schema.as_state_machine()):  # type: ignore[misc]
    """Sequences that follow the spec's links: trigger an identity or event, then fetch the customer."""

    def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
        return {"base_url": ATTRIBUTION.url}


TestAttributionWorkflow = AttributionWorkflow.TestCase
TestAttributionWorkflow.settings = settings(max_examples=30, stateful_step_count=6, deadline=None)


@pytest.mark.parametrize("fake", [INTERAKT, SEVEN_SEGMENTS, ATTRIBUTION], ids=lambda fake: fake.api)
def test_fuzzing_reached_every_operation_successfully(fake: FakeAPI) -> None:
    # Runs after the fuzz tests above (file order): a suite whose every request was rejected
    # would pass the checks while testing nothing.
    operations = {route.operation_id for route in fake._routes}
    succeeded = {r.operation_id for r in fake.requests if r.status is not None and 200 <= r.status < 300}
    assert operations - succeeded == set()
