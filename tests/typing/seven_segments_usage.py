"""How a `mypy --strict` codebase uses `trackapis.seven_segments` and `seven_segments`.

Checked by mypy (pyproject's `files` includes tests/typing), never executed.
"""

from __future__ import annotations

import datetime
from typing import Any, assert_type

from seven_segments import AuthenticatedSevenSegments, InvalidRequest, ServiceUnavailable, SevenSegments

from trackapis.seven_segments import (
    AnalysisType,
    AsyncAuthenticatedSevenSegmentsClient,
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    AuthenticationError,
    DeliveryStats,
    ExportFormat,
    ExportResult,
    FlushResult,
    FunnelResult,
    ReportResult,
    RetryPolicy,
    SevenSegmentsClient,
    SevenSegmentsCommand,
    TableResult,
)
from trackapis.seven_segments.cli import main


def report(error: Exception, command: SevenSegmentsCommand) -> None:
    print(error, command.name, command.path, command.data)


def tracking(token: str, url: str) -> None:
    with SevenSegmentsClient(
        token, base_url=url, background=True, flush_interval=0.05, on_error=report, retry_policy=RetryPolicy()
    ) as seven:
        assert_type(seven.track("john123", "purchase", properties={"amount": 5}), bool)
        seven.track({"cookie": "c-1"}, "visit", timestamp=datetime.datetime.now(datetime.UTC))
        seven.track({"registered": "john123", "cookie": "c-1"}, "visit", timestamp=1700000000.5)
        assert_type(seven.update("john123", {"first_name": "John"}), bool)
        assert_type(seven.get_html("john123", "Banner left"), str)
        assert_type(seven.server_time(), float)
        assert_type(seven.stats(), DeliveryStats)
        assert_type(seven.flush(5), FlushResult)


def exports(username: str, password: str, kind: AnalysisType, export_format: ExportFormat) -> None:
    with AuthenticatedSevenSegmentsClient(username, password) as client:
        assert_type(client.export_analysis("funnel", "id"), FunnelResult)
        assert_type(client.export_analysis("report", "id", company="token"), ReportResult)
        assert_type(client.export_analysis("retention", "id", format="table-json"), TableResult)
        assert_type(client.export_analysis("funnel", "id", format="csv"), str)
        assert_type(client.export_analysis("segmentation", "id", timezone="Europe/Prague"), dict[str, Any])
        chosen: ExportResult = client.export_analysis(kind, "id", format=export_format)
        print(chosen)
        funnel = client.export_analysis("funnel", "id")
        assert_type(funnel.steps, list[str])


async def asynchronous(token: str, username: str, password: str) -> ExportResult:
    async with AsyncSevenSegmentsClient(token) as seven:
        assert_type(await seven.track("john123", "purchase"), None)
        assert_type(await seven.get_html("john123", "Banner"), str)
    async with AsyncAuthenticatedSevenSegmentsClient(username, password) as client:
        assert_type(await client.export_analysis("report", "id"), ReportResult)
        return await client.export_analysis("funnel", "id", format="table-json")


def drop_in(token: str) -> None:
    client = SevenSegments(token, customer="john123", silent=False)
    assert_type(client.track("purchase", properties={"product": "bottle"}), bool)
    assert_type(client.update({"first_name": "John"}), bool)
    assert_type(client.get_html("Banner left"), str | None)
    client.identify({"cookie": "c-1"})
    try:
        AuthenticatedSevenSegments("user", "password").export_analysis("funnel", {"analysis_id": "id"})
    except AuthenticationError as error:
        assert_type(error.message, str)
    except (InvalidRequest, ServiceUnavailable):
        pass


def command_line() -> int:
    return main(["get_html", "token", "john123", "banner"])
