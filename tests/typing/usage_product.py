"""Typed usage of the command-line entry, the contract kit and the demo (mypy only, never run)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_type

from trackapis.attributionio import AttributionClient, TriggerMessage
from trackapis.cli import ImportTarget, ImportTargetSpec, OutcomeSink, RowInvalid, main, passthrough_group
from trackapis.demo import DemoOptions, SectionReport, format_table
from trackapis.interakt import InteraktClient, InteraktMessage
from trackapis.seven_segments import SevenSegmentsClient, SevenSegmentsCommand
from trackapis.testing import (
    AttributionEvent,
    AttributionFake,
    AttributionReceived,
    InteraktEvent,
    InteraktFake,
    InteraktReceived,
    SevenSegmentsEvent,
    SevenSegmentsFake,
    SevenSegmentsReceived,
    received,
)
from trackapis.testing.contract import contract_schema

assert_type(main(["--help"]), int)
group = passthrough_group("seven-segments", "the seed's commands", "seven_segments.cli:main")


class MyTarget:
    """An import target of one's own satisfies the protocol structurally."""

    def __init__(self, sink: OutcomeSink) -> None:
        self.sink = sink

    def submit(self, row: int, record: Mapping[str, Any]) -> None:
        if "id" not in record:
            raise RowInvalid("id is missing")
        self.sink.delivered(row)

    def flush(self, timeout: float) -> bool:
        return True

    def close(self, timeout: float) -> None:
        pass

    def retried(self) -> int:
        return 0


def make(sink: OutcomeSink) -> ImportTarget:
    return MyTarget(sink)


def spec_name(spec: ImportTargetSpec) -> str:
    return spec.name


def on_delivered(message: InteraktMessage) -> None:
    assert_type(message.body, dict[str, Any])


client = InteraktClient("key", on_delivered=on_delivered)
fake = InteraktFake()
view = InteraktReceived(fake)
assert_type(view.assert_event_once("42", "Order Placed", traits={"n": 1}), InteraktEvent)
view.assert_events("42", ["Signed Up"])
loose: Any = received(fake)
schema = contract_schema("interakt", credentials={"api_key": "k"}, max_examples=10)
report = SectionReport("Interakt", 1, 1, 0, 0, 0, 1.0, [0.001])
assert_type(report.percentile(0.5), float | None)
assert_type(format_table([report]), str)
options = DemoOptions(scale=0.5, faults=False)


def seven_segments_and_attributionio_kit(
    seven_fake: SevenSegmentsFake, attribution_fake: AttributionFake
) -> None:
    delivered: list[SevenSegmentsCommand] = []
    with SevenSegmentsClient("token", background=True, on_delivered=delivered.append) as seven:
        seven.track("john123", "purchase")
    seven_seen = SevenSegmentsReceived(seven_fake)
    seven_seen.assert_events("john123", ["purchase"])
    assert_type(seven_seen.assert_event_once("john123", "purchase"), SevenSegmentsEvent)
    assert_type(seven_seen.customer(cookie="c-1").ids, dict[str, str])

    messages: list[TriggerMessage] = []
    with AttributionClient("key", background=True, on_delivered=messages.append) as attribution:
        attribution.trigger_event("cookie", "signup")
    attribution_seen = AttributionReceived(attribution_fake)
    attribution_seen.assert_identified("john@example.com", alias="cookie")
    assert_type(attribution_seen.assert_event_once("john@example.com", "signup"), AttributionEvent)
