"""7SEGMENTS answers: error bodies, /bulk results, HTML campaigns and typed export results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from seven_segments_client.models import FunnelResult, ReportResult, TableResult

from .._errors import APIError, InvalidResponseError, TrackapisError
from .._http._answer import Answer
from ..delivery import SendResult

AnalysisType = Literal["funnel", "report", "retention", "segmentation"]
ExportFormat = Literal["native-json", "table-json", "csv"]
ANALYSIS_TYPES: tuple[AnalysisType, ...] = ("funnel", "report", "retention", "segmentation")
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("native-json", "table-json", "csv")

ExportResult = FunnelResult | ReportResult | TableResult | dict[str, Any] | str
"""What `export_analysis` returns: a typed model where the shape is known, else a mapping (or CSV text)."""


class BulkCommandError(TrackapisError):
    """A /bulk command the server answered with `retry` (too many at once) or `error`.

    `status` is that answer; `errors` the server's messages for the command.
    """

    def __init__(self, status: str, errors: Sequence[str], *, name: str) -> None:
        detail = "; ".join(errors) if errors else "no reason given"
        what = "asked to retry it (too many commands at once)" if status == "retry" else "refused it"
        super().__init__(f"POST /bulk: the server {what}: {name}: {detail}")
        self.status = status
        self.errors = list(errors)
        self.name = name


def error_messages(errors: Any) -> list[str]:
    """7SEGMENTS' `errors`: a list of strings, or (later versions) an object keyed by field."""
    if isinstance(errors, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in errors]
    if isinstance(errors, dict):
        return [f"{field}: {value}" for field, value in errors.items()]
    return [] if errors is None else [str(errors)]


def error_message_of(payload: Any) -> str | None:
    """The message of an error body `{"success": false, "errors": [...]}`."""
    if not isinstance(payload, dict):
        return None
    messages = error_messages(payload.get("errors"))
    return "; ".join(messages) if messages else None


def _json(response: Answer, method: str, path: str) -> Any:
    if response.unreadable is not None:
        raise InvalidResponseError(
            f"{method} {path} -> {response.status_code}: the body could not be read: {response.unreadable}"
        )
    try:
        return response.json()
    except ValueError:
        raise InvalidResponseError(
            f"{method} {path} -> {response.status_code}: the body is not JSON "
            f"({response.headers.get('content-type', 'no content type')}): {response.text[:100]!r}"
        ) from None


def check_accepted(response: Answer, path: str) -> None:
    """Raise `APIError` for a 2xx tracking answer whose body says `"success": false` (a refusal)."""
    try:
        payload = response.json()
    except ValueError:
        return  # no JSON body: the status decides
    _refuse(response, payload, path)


def _accepted_json(response: Answer, path: str) -> Any:
    """A 2xx POST answer's JSON (`_json`), or the `APIError` its `"success": false` says."""
    payload = _json(response, "POST", path)
    _refuse(response, payload, path)
    return payload


def _refuse(response: Answer, payload: Any, path: str) -> None:
    if isinstance(payload, dict) and payload.get("success") is False:
        message = error_message_of(payload) or 'the server answered "success": false'
        raise APIError(response.status_code, message, method="POST", path=path, body=response.text)


def html_of(response: Answer) -> str:
    payload = _accepted_json(response, "/campaigns/html/get")
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, str):
        raise InvalidResponseError(
            f"POST /campaigns/html/get: no HTML `data` in the answer: {str(payload)[:100]}"
        )
    return data


def server_time_of(response: Answer) -> float:
    payload = _json(response, "GET", "/system/time")
    moment = payload.get("time") if isinstance(payload, dict) else None
    if isinstance(moment, bool) or not isinstance(moment, (int, float)):
        raise InvalidResponseError(f"GET /system/time: no numeric `time` in the answer: {str(payload)[:100]}")
    return float(moment)


def bulk_results(response: Answer, names: Sequence[str]) -> list[SendResult]:
    """One verdict per command from a 2xx /bulk answer: ok -> delivered, retry -> retry, error -> fail."""
    if response.unreadable is not None:
        # The 2xx arrived and decides (the edge logged why the body is lost): a resend could
        # only duplicate commands the server took.
        return [SendResult.delivered()] * len(names)
    try:
        payload = _json(response, "POST", "/bulk")
        results = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(results, list) or len(results) != len(names):
            count = len(results) if isinstance(results, list) else "no"
            raise InvalidResponseError(
                f"POST /bulk: {count} results for {len(names)} commands: {str(payload)[:100]}"
            )
    except InvalidResponseError as error:
        # The server took the request: it may have executed any of the commands, so a retry could
        # duplicate them. Each is reported as failed instead, with the reason.
        return [SendResult.fail(error)] * len(names)
    verdicts: list[SendResult] = []
    for name, result in zip(names, results, strict=True):
        status = result.get("status") if isinstance(result, dict) else None
        if status == "ok":
            verdicts.append(SendResult.delivered())
            continue
        messages = error_messages(result.get("errors") if isinstance(result, dict) else None)
        if status == "retry":
            verdicts.append(SendResult.retry(BulkCommandError("retry", messages, name=name)))
        elif status == "error":
            verdicts.append(SendResult.fail(BulkCommandError("error", messages, name=name)))
        else:
            unknown = InvalidResponseError(f"POST /bulk: unknown result for {name}: {str(result)[:100]}")
            verdicts.append(SendResult.fail(unknown))
    return verdicts


def export_of(
    response: Answer, analysis_type: AnalysisType, export_format: ExportFormat
) -> tuple[ExportResult, Any]:
    """The typed result and the raw JSON (None for CSV) of a 2xx export answer."""
    path = f"/analytics/{analysis_type}"
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if export_format == "csv":
        if content_type != "text/csv":
            raise InvalidResponseError(
                f"POST {path}: asked for csv, got {content_type or 'no content type'}: "
                f"{response.text[:100]!r}"
            )
        return response.text, None
    payload = _accepted_json(response, path)
    if not isinstance(payload, dict):
        raise InvalidResponseError(f"POST {path}: expected a JSON object, got {str(payload)[:100]}")
    # The spec allows exactly these shapes. The one the request asks for is tried first; a server
    # answering another known shape gets that model, not an error (it is still what the spec says).
    expected: list[type[FunnelResult | ReportResult | TableResult]] = []
    if export_format == "table-json":
        expected.append(TableResult)
    elif analysis_type == "funnel":
        expected.append(FunnelResult)
    elif analysis_type == "report":
        expected.append(ReportResult)
    models = [*expected, *(m for m in (FunnelResult, ReportResult, TableResult) if m not in expected)]
    problems = []
    for model in models:
        try:
            return model.from_dict(payload), payload
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append(f"{model.__name__}: {type(error).__name__}: {error}")
    if not expected:
        # Retention and segmentation in native-json: no documented shape; kept as they come.
        return payload, payload
    raise InvalidResponseError(
        f"POST {path}: not a {analysis_type} result in {export_format} nor another known export shape "
        f"({'; '.join(problems)}): {str(payload)[:100]}"
    ) from None
