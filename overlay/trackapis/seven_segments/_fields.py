"""Keyword fields of the typed facade, derived from specs/seven_segments.yaml by scripts/regenerate.

GENERATED: do not edit. `scripts/regenerate` rewrites this file (see `FACADE_ARGUMENTS` in
scripts/codegen.py); tests/test_facade_coverage.py fails when it is out of date.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

__all__ = [
    "CHECKS",
    "HAND_WRITTEN",
    "OPERATIONS",
    "WIRE_NAMES",
    "CustomerUpdateFields",
    "EventTrackFields",
    "ExportRequestFields",
    "HtmlRequestFields",
]


class CustomerUpdateFields(TypedDict, total=False):
    """`CustomerUpdate` properties taken as `**fields`."""


class EventTrackFields(TypedDict, total=False):
    """`EventTrack` properties taken as `**fields`."""

    age: float
    """Seconds before the send at which the event happened (older clients)."""


class HtmlRequestFields(TypedDict, total=False):
    """`HtmlRequest` properties taken as `**fields`."""


class ExportRequestFields(TypedDict, total=False):
    """`ExportRequest` properties taken as `**fields`."""


# TypedDict name -> keyword -> wire name.
WIRE_NAMES: Final[dict[str, dict[str, str]]] = {
    "CustomerUpdateFields": {},
    "EventTrackFields": {"age": "age"},
    "HtmlRequestFields": {},
    "ExportRequestFields": {},
}

# TypedDict name -> keyword -> the JSON Schema keywords checked at the call site.
CHECKS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "CustomerUpdateFields": {},
    "EventTrackFields": {"age": {"type": "number", "minimum": 0}},
    "HtmlRequestFields": {},
    "ExportRequestFields": {},
}

# TypedDict name -> the schema's properties the facade methods spell out (wire name -> argument).
HAND_WRITTEN: Final[dict[str, dict[str, str]]] = {
    "CustomerUpdateFields": {"ids": "customer", "company_id": "token", "properties": "properties"},
    "EventTrackFields": {
        "customer_ids": "customer",
        "company_id": "token",
        "type": "event_type",
        "properties": "properties",
        "timestamp": "timestamp",
    },
    "HtmlRequestFields": {
        "customer_ids": "customer",
        "company_id": "token",
        "html_campaign_name": "html_campaign_name",
    },
    "ExportRequestFields": {
        "analysis_id": "analysis_id",
        "timezone": "timezone",
        "execution_time": "execution_time",
        "format": "format",
    },
}

# operationId -> the generated module that builds its request, whether it takes a body, whether
# it needs the API's credentials, and its server (None: the spec's first): the facades' `call()`.
OPERATIONS: Final[dict[str, dict[str, Any]]] = {
    "updateCustomer": {
        "module": "seven_segments_client.api.customers.update_customer",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": None,
    },
    "trackEvent": {
        "module": "seven_segments_client.api.events.track_event",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": None,
    },
    "getHtml": {
        "module": "seven_segments_client.api.campaigns.get_html",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": None,
    },
    "bulk": {
        "module": "seven_segments_client.api.bulk.bulk",
        "method": "POST",
        "body": True,
        "authenticated": False,
        "server": None,
    },
    "getSystemTime": {
        "module": "seven_segments_client.api.system.get_system_time",
        "method": "GET",
        "body": False,
        "authenticated": False,
        "server": None,
    },
    "exportAnalysis": {
        "module": "seven_segments_client.api.analytics.export_analysis",
        "method": "POST",
        "body": True,
        "authenticated": True,
        "server": None,
    },
}
