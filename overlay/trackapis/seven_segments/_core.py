"""Every 7SEGMENTS call, written once (I/O-free): its signature, docstring, request and answer.

Each call below takes its arguments, checked at the call site, and returns what to send: a
`Request`, or for tracking the `Command` (sent now, or queued for /bulk). The clients derive
their methods from them (`track = sync_command(_core.track)`, `get_html = async_verb(...)`),
with the same signature and docstring for mypy, pyright and `help()`; only the edge (`_send`:
`_connection.SyncEdge`, `_async._AsyncEdge`) is written twice.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar, Unpack, cast, overload

from seven_segments_client.api.system import get_system_time
from seven_segments_client.models import FunnelResult, ReportResult, TableResult

from .._config import READ_ANSWER_CAP
from .._operations import answer
from .._operations import operation as build_operation
from ._fields import (
    OPERATIONS,
    CustomerUpdateFields,
    EventTrackFields,
    ExportRequestFields,
    HtmlRequestFields,
)
from ._payload import Command, Customer, Request, export_call, html_kwargs, track_command, update_command
from ._response import AnalysisType, ExportFormat, ExportResult, html_of, server_time_of

P = ParamSpec("P")
S = TypeVar("S")
T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])


class _SyncEdge(Protocol):
    def _send(self, request: Request[T], /) -> T: ...
    def _dispatch(self, command: Command, /) -> bool: ...


class _AsyncEdge(Protocol):
    async def _send(self, request: Request[T], /) -> T: ...


def sync_verb(build: Callable[Concatenate[S, P], Request[T]]) -> Callable[Concatenate[S, P], T]:
    """`build` as a method that sends its request now and returns the answer read."""

    def verb(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return cast(_SyncEdge, self)._send(build(self, *args, **kwargs))

    return _like(build, verb)


def async_verb(
    build: Callable[Concatenate[S, P], Request[T]],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
    """`build` as a coroutine method that awaits its answer."""

    async def verb(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await cast(_AsyncEdge, self)._send(build(self, *args, **kwargs))

    return _like(build, verb)


def sync_command(build: Callable[Concatenate[S, P], Command]) -> Callable[Concatenate[S, P], bool]:
    """A tracking `build` as a method that sends its command now or queues it (`_dispatch`)."""

    def verb(self: S, /, *args: P.args, **kwargs: P.kwargs) -> bool:
        return cast(_SyncEdge, self)._dispatch(build(self, *args, **kwargs))

    return _like(build, verb, "bool")


def async_command(
    build: Callable[Concatenate[S, P], Command],
) -> Callable[Concatenate[S, P], Coroutine[Any, Any, None]]:
    """A tracking `build` as a coroutine method that sends its command now."""

    async def verb(self: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await cast(_AsyncEdge, self)._send(build(self, *args, **kwargs).request())

    return _like(build, verb, "None")


def _like(build: Callable[..., Any], verb: V, returns: str | None = None) -> V:
    """`verb` named, documented and signed as `build` (a plain `self`, and what the method returns:
    `returns`, else X of build's `Request[X]`), for `help()` and `inspect.signature()`."""
    functools.update_wrapper(verb, build)
    signature = inspect.signature(build)
    if returns is None:
        returns = signature.return_annotation.removeprefix("Request[").removesuffix("]")
    first, *rest = signature.parameters.values()
    plain = first.replace(annotation=inspect.Parameter.empty, kind=inspect.Parameter.POSITIONAL_OR_KEYWORD)
    verb.__signature__ = signature.replace(parameters=[plain, *rest], return_annotation=returns)  # type: ignore[attr-defined]
    verb.__annotations__ = {**build.__annotations__, "return": returns}
    del verb.__annotations__["self"]
    return cast(V, _Method(verb))


class _Method:
    """In a class body: puts the function there, named as the class's own (repr, pickle, docs)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def __set_name__(self, owner: type, name: str) -> None:
        self.function.__module__ = owner.__module__
        self.function.__qualname__ = f"{owner.__qualname__}.{name}"
        setattr(owner, name, self.function)


class _Tracking(Protocol):
    _token: str


class _Reading(Protocol):
    # How much of a `call()` answer is read (the sync export client: its max_answer_bytes).
    _read_cap: int


class _Exporting(Protocol):
    _cap: int


# -- tracking -----------------------------------------------------------------------------------


def track(
    self: _Tracking,
    customer: Customer,
    event_type: str,
    *,
    properties: dict[str, Any] | None = None,
    timestamp: Any = None,
    **fields: Unpack[EventTrackFields],
) -> Command:
    """Track an event of a customer (`POST /crm/events`).

    Args:
        customer: The registered id, or ids by type: `{"registered": ...}` and/or `{"cookie": ...}`.
        event_type: The event, e.g. `"purchase"`.
        properties: JSON-compatible values; datetimes, dates, Decimals, UUIDs and Enums are encoded.
        timestamp: When it happened: an aware datetime, or UNIX seconds. Default: when received.
        **fields: The request schema's other properties, derived from specs/seven_segments.yaml
            (`EventTrackFields`: `age`, and whatever a regenerated spec adds). None: not sent.

    Returns:
        `SevenSegmentsClient`: True once sent (or queued, when buffered); False when the queue
        was full, in which case the command was reported to `on_error` as dropped.
        `AsyncSevenSegmentsClient`: None, once sent.

    Raises:
        ValueError, TypeError: A bad argument (nothing is sent or queued).
        ClientClosedError: After `shutdown()`.
        APIError, TransportError: When sending now failed (not buffered).
    """
    return track_command(self._token, customer, event_type, properties, timestamp, fields=fields)


def update(
    self: _Tracking,
    customer: Customer,
    properties: dict[str, Any] | None = None,
    **fields: Unpack[CustomerUpdateFields],
) -> Command:
    """Identify a customer and update its properties (`POST /crm/customers`); see `track()`."""
    return update_command(self._token, customer, properties, fields)


def get_html(
    self: _Tracking, customer: Customer, html_campaign_name: str, **fields: Unpack[HtmlRequestFields]
) -> Request[str]:
    """The HTML of a campaign for a customer, fetched now (with retries).

    Raises:
        APIError: e.g. 404 for an unknown campaign. TransportError, InvalidResponseError.
    """
    kwargs = html_kwargs(self._token, customer, html_campaign_name, fields)
    return Request(kwargs, html_of, READ_ANSWER_CAP)


def server_time(self: object) -> Request[float]:
    """The server's clock in UNIX seconds (`GET /system/time`), to measure clock skew."""
    return Request(get_system_time._get_kwargs(), server_time_of, READ_ANSWER_CAP)


def call(
    self: _Reading, /, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any
) -> Request[Any]:
    """Send any operation of specs/seven_segments.yaml by its operationId, now (with retries).

    For operations the methods above do not cover yet (a regenerated spec's new ones); see
    `InteraktClient.call()`. Returns the answer's JSON (its text when not JSON).
    """
    return Request(build_operation(OPERATIONS, operation, body, params).kwargs, answer, self._read_cap)


# -- exports --------------------------------------------------------------------------------------


@overload
def export_analysis(
    self: _Exporting,
    analysis_type: Literal["funnel"],
    analysis_id: str,
    *,
    format: Literal["native-json"] = ...,
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[FunnelResult]: ...
@overload
def export_analysis(
    self: _Exporting,
    analysis_type: Literal["report"],
    analysis_id: str,
    *,
    format: Literal["native-json"] = ...,
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[ReportResult]: ...
@overload
def export_analysis(
    self: _Exporting,
    analysis_type: AnalysisType,
    analysis_id: str,
    *,
    format: Literal["table-json"],
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[TableResult]: ...
@overload
def export_analysis(
    self: _Exporting,
    analysis_type: AnalysisType,
    analysis_id: str,
    *,
    format: Literal["csv"],
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[str]: ...
@overload
def export_analysis(
    self: _Exporting,
    analysis_type: Literal["retention", "segmentation"],
    analysis_id: str,
    *,
    format: Literal["native-json"] = ...,
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[dict[str, Any]]: ...
@overload
def export_analysis(
    self: _Exporting,
    analysis_type: AnalysisType,
    analysis_id: str,
    *,
    format: ExportFormat = ...,
    timezone: str | None = ...,
    execution_time: float | None = ...,
    company: str | None = ...,
    **fields: Unpack[ExportRequestFields],
) -> Request[ExportResult]: ...
def export_analysis(
    self: _Exporting,
    analysis_type: AnalysisType,
    analysis_id: str,
    *,
    format: ExportFormat = "native-json",
    timezone: str | None = None,
    execution_time: float | None = None,
    company: str | None = None,
    **fields: Unpack[ExportRequestFields],
) -> Request[ExportResult]:
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
    export = export_call(
        analysis_type,
        analysis_id,
        format=format,
        timezone=timezone,
        execution_time=execution_time,
        company=company,
        fields=fields,
    )
    return Request(export.kwargs, lambda reply: export.read(reply)[0], self._cap)
