"""The spec-derived `**fields` of the typed facades, as a `mypy --strict` codebase calls them.

Checked by mypy (pyproject's `files` includes tests/typing), never executed. The misspelt and
mistyped calls that mypy must refuse are in tests/test_typing_fields.py.
"""

from __future__ import annotations

from typing import Any, assert_type

import track

from trackapis.attributionio import AttributionClient, EventResult
from trackapis.interakt import AsyncInteraktClient, EventFields, InteraktClient, TrackResponse, UserFields
from trackapis.seven_segments import SevenSegmentsClient


def interakt(client: InteraktClient) -> None:
    assert_type(client.event("Order Placed", user_id="42", tags=["vip"]), bool)
    assert_type(client.user(user_id="42", full_phone_number="919999999999"), bool)
    assert_type(client.send_event("Order Placed", user_id="42", tags=["vip"]), TrackResponse)
    fields: EventFields = {"tags": ["vip"], "full_phone_number": "919999999999"}
    client.event("Order Placed", user_id="42", **fields)
    user: UserFields = {"tags": ["a"]}
    client.queue_user(user_id="42", **user)
    assert_type(client.call("trackEvent", body={"userId": "42", "event": "x"}), Any)
    track.event(user_id="42", event="Order Placed", tags=["vip"], full_phone_number="919999999999")
    track.user(user_id="42", tags=["vip"])


async def interakt_async(client: AsyncInteraktClient) -> None:
    assert_type(await client.event("Order Placed", user_id="42", tags=["vip"]), TrackResponse)


def seven_segments(client: SevenSegmentsClient) -> None:
    assert_type(client.track("john", "purchase", age=5.0), bool)
    client.call("getSystemTime")


def attributionio(client: AttributionClient) -> None:
    assert_type(client.trigger_event("cookie", "signup", is_informational=True), EventResult)
    client.call("getCustomer", client_id="john")
