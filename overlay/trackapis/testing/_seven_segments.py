"""A fake 7SEGMENTS API: customers and events per company, campaigns, analyses and /bulk."""

from __future__ import annotations

import csv
import io
import os
import time
from collections import deque
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ._app import Call, FakeAPI, Reply, handler_body
from ._credentials import TEST_CREDENTIALS
from ._json import JsonObject, JsonValue
from ._semantics import basic_credentials

BulkStatus = Literal["ok", "retry", "error"]
ExportFormat = Literal["native-json", "table-json", "csv"]
_FORMATS: tuple[ExportFormat, ...] = ("native-json", "table-json", "csv")
_ANALYSIS_TYPES = ("funnel", "report", "retention", "segmentation")


@attrs.define
class SevenSegmentsEvent:
    """An event as the fake stored it."""

    type: str
    properties: dict[str, JsonValue]
    timestamp: float | None


@attrs.define
class SevenSegmentsCustomer:
    """A customer of one company: every id seen for it, merged properties, events in order."""

    company_id: str
    ids: dict[str, str]
    properties: dict[str, JsonValue] = attrs.field(factory=dict)
    events: list[SevenSegmentsEvent] = attrs.field(factory=list)


class SevenSegmentsFake(FakeAPI):
    """The 7SEGMENTS API on loopback.

    Tracking calls are accepted for any company token unless `company_tokens` is given (the
    real service's answer to an unknown token is undocumented; the fake answers 400, and gives a
    /bulk command with one an `error` result). A customer is found by any of its ids
    (`registered`, `cookie`, ...) within its company; new ids are merged into it.

    Args:
        username: The export API's Basic-auth username.
        password: The export API's Basic-auth password.
        company_tokens: The company tokens tracking calls may use; any when None.
        spec: An OpenAPI document of your own instead of the packaged one (see `FakeAPI`).
    """

    api = "seven_segments"

    def __init__(
        self,
        username: str = TEST_CREDENTIALS["seven_segments"]["username"],
        password: str = TEST_CREDENTIALS["seven_segments"]["password"],
        *,
        company_tokens: frozenset[str] | set[str] | None = None,
        spec: str | os.PathLike[str] | None = None,
    ) -> None:
        if not username:
            raise ValueError("username must be a non-empty string")
        super().__init__(spec=spec)
        self._username, self._password = username, password
        self._company_tokens = None if company_tokens is None else frozenset(company_tokens)
        self._customers: list[SevenSegmentsCustomer] = []
        self._bulk_script: deque[BulkStatus] = deque()
        self.campaigns: dict[str, str] = {}
        self._analyses: dict[tuple[str, str, ExportFormat], Any] = {}

    def __repr__(self) -> str:
        return f"<SevenSegmentsFake customers={len(self._customers)} requests={len(self.requests)}>"

    # -- configuration and inspection -----------------------------------------------------------

    def add_campaign(self, name: str, html: str) -> None:
        """Serve `html` for the HTML campaign `name`."""
        with self.lock:
            self.campaigns[name] = html

    def add_analysis(
        self, analysis_type: str, analysis_id: str, result: object, *, format: ExportFormat = "native-json"
    ) -> None:
        """Serve `result` when `analysis_id` is exported as `analysis_type` in `format`.

        `result` is the JSON body for the JSON formats, and the CSV text for `csv`.
        """
        if analysis_type not in _ANALYSIS_TYPES:
            raise ValueError(
                f"analysis_type must be one of {', '.join(_ANALYSIS_TYPES)}, not {analysis_type!r}"
            )
        if format not in _FORMATS:
            raise ValueError(f"format must be one of {', '.join(_FORMATS)}, not {format!r}")
        with self.lock:
            self._analyses[(analysis_type, analysis_id, format)] = result

    def script_bulk(self, *statuses: BulkStatus) -> None:
        """Give the next /bulk commands these statuses instead of executing them.

        A `retry` or `error` command is not executed; an `ok` one is. After the script runs out,
        commands are executed normally.
        """
        for status in statuses:
            if status not in ("ok", "retry", "error"):
                raise ValueError(f"statuses must be 'ok', 'retry' or 'error', not {status!r}")
        with self.lock:
            self._bulk_script.extend(statuses)

    @property
    def customers(self) -> list[SevenSegmentsCustomer]:
        """Every customer, in the order they were first seen."""
        with self.lock:
            return list(self._customers)

    def customer(self, company_id: str, **ids: str) -> SevenSegmentsCustomer | None:
        """The customer of `company_id` with any of these ids.

        For example `customer(token, registered="john123")`.
        """
        with self.lock:
            for customer in self._customers:
                if customer.company_id == company_id and any(
                    customer.ids.get(k) == v for k, v in ids.items()
                ):
                    return customer
        return None

    @property
    def events(self) -> list[tuple[SevenSegmentsCustomer, SevenSegmentsEvent]]:
        """Every event with its customer, per customer in arrival order."""
        with self.lock:
            return [(customer, event) for customer in self._customers for event in customer.events]

    # -- the API ---------------------------------------------------------------------------------

    def error_body(self, status: int, message: str) -> JsonObject:
        return {"success": False, "errors": [message]}

    def check_credentials(self, call: Call) -> Reply | None:
        if call.operation_id == "exportAnalysis":
            if basic_credentials(call.headers.get("authorization")) != (self._username, self._password):
                return self.error(401, "wrong username or password")
            return None
        company = call.json_object.get("company_id")
        if isinstance(company, str) and not self._known_company(company):
            return self.error(400, "company_id: unknown company token")
        return None

    def _known_company(self, company: str) -> bool:
        return self._company_tokens is None or company in self._company_tokens

    def credentials(self) -> Mapping[str, str]:
        tokens = "any" if self._company_tokens is None else ", ".join(sorted(self._company_tokens))
        return {"username": self._username, "password": self._password, "company_tokens": tokens}

    def seed(self, data: Mapping[str, object]) -> None:
        """`{"campaigns": {"<name>": "<html>"}, "analyses": [{"analysis_type": "funnel",
        "analysis_id": ..., "result": <JSON body, or CSV text>, "format": "native-json"}]}`:
        what `getHtml` and `exportAnalysis` serve (see `add_campaign`, `add_analysis`)."""
        unknown = set(data) - {"campaigns", "analyses"}
        if unknown:
            raise ValueError(
                f"the seven_segments fake seeds campaigns and analyses, not {', '.join(sorted(unknown))}"
            )
        campaigns = data.get("campaigns", {})
        if not isinstance(campaigns, dict) or not all(isinstance(html, str) for html in campaigns.values()):
            raise ValueError("campaigns must be an object of campaign name to HTML text")
        analyses = data.get("analyses", [])
        if not isinstance(analyses, list) or not all(isinstance(a, dict) for a in analyses):
            raise ValueError("analyses must be a list of objects")
        for analysis in analyses:
            missing = {"analysis_type", "analysis_id", "result"} - set(analysis)
            if missing:
                raise ValueError(f"each analysis needs {', '.join(sorted(missing))}")
            extra = set(analysis) - {"analysis_type", "analysis_id", "result", "format"}
            if extra:
                raise ValueError(f"an analysis takes no {', '.join(sorted(extra))}")
        with self.lock:
            for name, html in campaigns.items():
                self.add_campaign(str(name), html)
            for analysis in analyses:
                self.add_analysis(
                    analysis["analysis_type"],
                    str(analysis["analysis_id"]),
                    analysis["result"],
                    format=analysis.get("format", "native-json"),
                )

    def reset_state(self) -> None:
        self._customers.clear()
        self._bulk_script.clear()
        self.campaigns.clear()
        self._analyses.clear()

    def op_updateCustomer(self, call: Call) -> Reply:
        self._update(handler_body(call))
        return Reply(200, {"success": True})

    def op_trackEvent(self, call: Call) -> Reply:
        self._track(handler_body(call))
        return Reply(200, {"success": True})

    def op_getHtml(self, call: Call) -> Reply:
        name = handler_body(call)["html_campaign_name"]
        if name not in self.campaigns:
            return self.error(404, f"html_campaign_name: no campaign named {name!r}")
        return Reply(200, {"success": True, "data": self.campaigns[name]})

    def op_bulk(self, call: Call) -> Reply:
        results: list[JsonValue] = []
        for command in handler_body(call)["commands"]:
            status = self._bulk_script.popleft() if self._bulk_script else "ok"
            if status == "retry":
                results.append({"status": "retry"})
            elif status == "error":
                results.append({"status": "error", "errors": ["injected error"]})
            elif not self._known_company(command["data"]["company_id"]):
                # Each command is a tracking call of its own: an unknown token fails only that one.
                results.append({"status": "error", "errors": ["company_id: unknown company token"]})
            else:
                if command["name"] == "crm/customers":
                    self._update(command["data"])
                else:
                    self._track(command["data"])
                results.append({"status": "ok"})
        return Reply(200, {"results": results})

    def op_getSystemTime(self, call: Call) -> Reply:
        return Reply(200, {"time": time.time()})

    def op_exportAnalysis(self, call: Call) -> Reply:
        analysis_type = call.path_params["analysis_type"]
        analysis_id = handler_body(call)["analysis_id"]
        export_format: ExportFormat = handler_body(call).get("format", "native-json")
        key = (analysis_type, analysis_id, export_format)
        if key not in self._analyses:
            table = self._analyses.get((analysis_type, analysis_id, "table-json"))
            if export_format == "csv" and table is not None:
                return Reply(200, _table_to_csv(table), content_type="text/csv")
            return self.error(
                404, f"analysis_id: no {analysis_type} analysis {analysis_id!r} in {export_format}"
            )
        if export_format == "csv":
            return Reply(200, str(self._analyses[key]), content_type="text/csv")
        return Reply(200, self._analyses[key])

    # -- state -------------------------------------------------------------------------------------

    def _customer_for(self, company_id: str, ids: Mapping[str, str]) -> SevenSegmentsCustomer:
        customer = self.customer(company_id, **ids)
        if customer is None:
            customer = SevenSegmentsCustomer(company_id, dict(ids))
            self._customers.append(customer)
        else:
            customer.ids.update(ids)
        return customer

    def _update(self, data: Mapping[str, Any]) -> None:
        customer = self._customer_for(data["company_id"], data["ids"])
        customer.properties.update(data.get("properties") or {})

    def _track(self, data: Mapping[str, Any]) -> None:
        customer = self._customer_for(data["company_id"], data["customer_ids"])
        customer.events.append(
            SevenSegmentsEvent(data["type"], dict(data.get("properties") or {}), data.get("timestamp"))
        )


def _table_to_csv(table: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.get("header", []))
    writer.writerows(table.get("rows", []))
    return out.getvalue()
