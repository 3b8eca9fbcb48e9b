"""`AuthenticatedSevenSegmentsClient`: the export API (HTTP Basic), with typed results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack, overload

import attrs
import httpx

from seven_segments_client.api.analytics import export_analysis
from seven_segments_client.models import ExportRequest, FunnelResult, ReportResult, TableResult
from seven_segments_client.types import UNSET

from .._config import EXPORT_ANSWER_CAP, ConnectionConfig, Verify, positive_int
from .._encoding import short_repr, text, to_json
from .._errors import InvalidResponseError
from .._http._answer import Answer
from .._lifecycle import Lifecycle, SyncClient
from .._operations import answer
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from .._spec_fields import with_fields
from ._connection import (
    DEFAULT_EXPORT_DEADLINE,
    DEFAULT_EXPORT_TIMEOUT,
    DEFAULT_TARGET,
    Connection,
    basic_authorization,
)
from ._fields import CHECKS, OPERATIONS, WIRE_NAMES, ExportRequestFields
from ._response import (
    ANALYSIS_TYPES,
    EXPORT_FORMATS,
    AnalysisType,
    ExportFormat,
    ExportResult,
    export_of,
)


@attrs.frozen
class ExportCall:
    """A validated export: the request, and what shape to read the answer as."""

    analysis_type: AnalysisType
    format: ExportFormat
    kwargs: dict[str, Any]


# Comparisons bound an int too (math.isfinite would overflow); 1e12 s is ~ year 33658.
_MAX_SECONDS = 1e12


def export_call(
    analysis_type: Any,
    analysis_id: Any,
    *,
    format: Any,
    timezone: Any,
    execution_time: Any,
    company: Any,
    extra: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> ExportCall:
    """Check an export's arguments at the call site and build its request."""
    if analysis_type not in ANALYSIS_TYPES:
        raise ValueError(f"analysis_type must be one of {', '.join(ANALYSIS_TYPES)}, not {analysis_type!r}")
    if not isinstance(analysis_id, str) or not analysis_id:
        raise ValueError(f"analysis_id must be the analysis' id as a non-empty string, not {analysis_id!r}")
    analysis_id = text(str.__str__(analysis_id), "analysis_id")
    # None: not sent, so the API's default (native-json) applies; so is the time zone's (UTC).
    if format is not None and format not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {format!r}")
    body = ExportRequest(analysis_id=analysis_id, format_=UNSET if format is None else format, timezone=UNSET)
    if timezone is not None:
        if not isinstance(timezone, str) or not timezone:
            raise ValueError(
                f"timezone must be a time zone name such as 'Europe/Bratislava', not {timezone!r}"
            )
        body.timezone = text(str.__str__(timezone), "timezone")
    if execution_time is not None:
        if (
            isinstance(execution_time, bool)
            or not isinstance(execution_time, (int, float))
            or not 0 <= execution_time < _MAX_SECONDS
        ):
            raise ValueError(
                f"execution_time must be UNIX seconds (a number >= 0), not {short_repr(execution_time)}"
            )
        body.execution_time = execution_time
    if company is not None and (not isinstance(company, str) or not company):
        raise ValueError(f"company must be a company token (a non-empty string), not {company!r}")
    if company is not None:
        company = text(str.__str__(company), "company")
    if extra:
        encoded = to_json(dict(extra), argument="data")
        assert isinstance(encoded, dict)
        body.additional_properties.update(encoded)
    body = with_fields(body, fields, WIRE_NAMES, CHECKS, call="export_analysis")
    kwargs = export_analysis._get_kwargs(
        analysis_type, body=body, **({"company": company} if company is not None else {})
    )
    # csv answers text/csv, the other formats JSON; the answer's type is checked in export_of.
    kwargs["headers"] = {
        **kwargs.get("headers", {}),
        "Accept": "text/csv" if format == "csv" else "application/json",
    }
    return ExportCall(analysis_type, format or "native-json", kwargs)


def readable(answer: Answer, call: ExportCall) -> Answer:
    """The export's answer, or `InvalidResponseError` when its body could not be read whole."""
    if answer.unreadable is not None:
        path = f"/analytics/{call.analysis_type}"
        raise InvalidResponseError(
            f"POST {path} -> {answer.status}: the export was not read: {answer.unreadable}"
        )
    return answer


class AuthenticatedSevenSegmentsClient(SyncClient):
    """A client of the 7SEGMENTS export API, as a user with ExtAPI access.

    Args:
        username: The user's name.
        password: The user's password (never shown in reprs, logs or errors).
        base_url: The API's base URL.
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt, for network errors, timeouts, 408, 429
            and 5xx (but 501, 505, 511).
        retry_policy: Full control over retries (overrides `max_retries`).
        max_answer_bytes: The largest export read; a larger one raises `InvalidResponseError`.
        proxy: An http(s) proxy URL; None takes it from the environment, False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR, else certifi), an `ssl.SSLContext` or a CA path.
        transport: An httpx transport, for tests.
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_EXPORT_TIMEOUT,
        deadline: float = DEFAULT_EXPORT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_answer_bytes: int = EXPORT_ANSWER_CAP,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        config = ConnectionConfig.from_arguments(locals(), example=DEFAULT_TARGET)
        self._connection = Connection.build(config, transport, basic_authorization(username, password))
        self._cap = positive_int("max_answer_bytes", max_answer_bytes)
        self._life = Lifecycle("AuthenticatedSevenSegmentsClient", self._connection.backend)

    def __repr__(self) -> str:
        return f"<AuthenticatedSevenSegmentsClient base_url={self._connection.target!r}>"

    @overload
    def export_analysis(
        self,
        analysis_type: Literal["funnel"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> FunnelResult: ...
    @overload
    def export_analysis(
        self,
        analysis_type: Literal["report"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> ReportResult: ...
    @overload
    def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: Literal["table-json"],
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> TableResult: ...
    @overload
    def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: Literal["csv"],
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> str: ...
    @overload
    def export_analysis(
        self,
        analysis_type: Literal["retention", "segmentation"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> dict[str, Any]: ...
    @overload
    def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: ExportFormat = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> ExportResult: ...
    def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: ExportFormat = "native-json",
        timezone: str | None = None,
        execution_time: float | None = None,
        company: str | None = None,
        **fields: Unpack[ExportRequestFields],
    ) -> ExportResult:
        """Export an analysis (`POST /analytics/{analysis_type}`).

        Args:
            analysis_type: funnel, report, retention or segmentation.
            analysis_id: The analysis' id.
            format: native-json, table-json or csv.
            timezone: The time zone to evaluate in (the API's default: UTC).
            execution_time: Evaluate the analysis as of this UNIX time.
            company: The company token, when the user has access to several companies.

        Returns:
            `FunnelResult` / `ReportResult` for funnel / report in native-json; `TableResult` for
            table-json; the CSV text for csv; a plain dict for retention and segmentation in
            native-json (their shape is undocumented).

        Raises:
            ValueError: A bad argument.
            AuthenticationError: 401, with the server's message. APIError, TransportError,
            InvalidResponseError (e.g. a 2xx that is not the analysis' shape).
        """
        call = export_call(
            analysis_type,
            analysis_id,
            format=format,
            timezone=timezone,
            execution_time=execution_time,
            company=company,
            fields=fields,
        )
        return self._export(call)[0]

    def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/seven_segments.yaml by its operationId, now (with retries).

        For operations the methods above do not cover yet (a regenerated spec's new ones); see
        `InteraktClient.call()`. Returns the answer's JSON (its text when not JSON).
        """
        request = build_operation(OPERATIONS, operation, body, params)
        self._life.check_open()
        connection = self._connection
        return answer(connection.send(self._life.backend(), connection.call(request.kwargs, self._cap)))

    def export_data(
        self, analysis_type: AnalysisType, data: Mapping[str, Any], *, company: str | None = None
    ) -> Any:
        """An export with its request body given as a mapping, answered as the API's JSON.

        `data` holds `analysis_id` and optionally `timezone`, `execution_time`, `format`, and
        any other field (sent as given), as in 7SEGMENTS' documentation and the original SDK.
        Returns the JSON answer (the CSV text for `csv`). Raises as `export_analysis()`.
        """
        if not isinstance(data, Mapping):
            raise TypeError(
                f"data must be a mapping such as {{'analysis_id': '...'}}, not {type(data).__name__}"
            )
        fields = dict(data)
        call = export_call(
            analysis_type,
            fields.pop("analysis_id", None),
            format=fields.pop("format", None),
            timezone=fields.pop("timezone", None),
            execution_time=fields.pop("execution_time", None),
            company=company,
            extra=fields,
        )
        typed, raw = self._export(call)
        return typed if raw is None else raw

    def _export(self, call: ExportCall) -> tuple[ExportResult, Any]:
        """Send a prepared export; the typed result and the raw JSON (None for CSV)."""
        self._life.check_open()
        connection = self._connection
        response = connection.send(self._life.backend(), connection.call(call.kwargs, self._cap))
        return export_of(readable(response, call), call.analysis_type, call.format)
