"""Validate 7SEGMENTS calls at the call site and build their requests: I/O-free, for every client."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

import attrs

from seven_segments_client.api.analytics import export_analysis
from seven_segments_client.api.bulk import bulk
from seven_segments_client.api.campaigns import get_html
from seven_segments_client.api.customers import update_customer
from seven_segments_client.api.events import track_event
from seven_segments_client.models import (
    BulkCustomerCommand,
    BulkEventCommand,
    BulkRequest,
    CustomerIds,
    CustomerUpdate,
    EventTrack,
    ExportRequest,
    HtmlRequest,
    Properties,
)
from seven_segments_client.types import UNSET

from .._config import TRACK_ANSWER_CAP
from .._encoding import short_repr, text, to_json
from .._errors import InvalidResponseError
from .._http._answer import Answer
from .._spec_fields import with_fields
from ._fields import CHECKS, WIRE_NAMES
from ._response import (
    ANALYSIS_TYPES,
    EXPORT_FORMATS,
    AnalysisType,
    ExportFormat,
    ExportResult,
    check_accepted,
    export_of,
)

T_co = TypeVar("T_co", covariant=True)

CommandName = Literal["crm/customers", "crm/events"]
Customer = str | Mapping[str, str]
"""A customer: a registered id, or a mapping of id types (`registered`, `cookie`) to ids."""


@attrs.frozen
class Request(Generic[T_co]):
    """A call to send now: the generated operation's request, how to read its 2xx answer, the cap."""

    kwargs: dict[str, Any]
    read: Callable[[Answer], T_co]
    cap: int = TRACK_ANSWER_CAP


@attrs.frozen
class SevenSegmentsCommand:
    """A tracking call as `on_error` receives it: the command name (the path) and its JSON body."""

    name: CommandName
    data: dict[str, Any]

    @property
    def path(self) -> str:
        return "/" + self.name


@attrs.frozen
class Command:
    """A validated tracking call, ready to send alone or in a /bulk request."""

    model: CustomerUpdate | EventTrack
    lane: str

    @property
    def name(self) -> CommandName:
        return "crm/customers" if isinstance(self.model, CustomerUpdate) else "crm/events"

    def kwargs(self) -> dict[str, Any]:
        """The single request (POST /crm/customers or /crm/events), as the generated client builds it."""
        if isinstance(self.model, CustomerUpdate):
            return update_customer._get_kwargs(body=self.model)
        return track_event._get_kwargs(body=self.model)

    def request(self) -> Request[None]:
        """Sent alone, now: a 2xx answer saying `"success": false` is a refusal too."""
        kwargs = self.kwargs()
        return Request(kwargs, functools.partial(check_accepted, path=kwargs["url"]))

    def message(self) -> SevenSegmentsCommand:
        return SevenSegmentsCommand(self.name, self.model.to_dict())


def _text(value: Any, argument: str, expected: str, hint: str, *, blank: bool = False) -> str:
    """A string, not empty (nor blank, unless `blank`), or a TypeError/ValueError saying what to give."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be {expected}, not {type(value).__name__}")
    if not (value if blank else value.strip()):
        raise ValueError(f"{argument} must not be empty: {hint}")
    return text(str.__str__(value), argument)


def company_token(token: Any, *, argument: str = "token") -> str:
    return _text(token, argument, "the company token as a string", "use your 7SEGMENTS company token")


def customer_ids(customer: Any, *, argument: str = "customer") -> CustomerIds:
    """`"john"` -> `{"registered": "john"}`; a mapping of id types to non-empty string ids as given."""
    if isinstance(customer, str):
        if not customer:
            raise ValueError(f"{argument} must not be empty: give the customer's registered id")
        return CustomerIds(registered=text(str.__str__(customer), argument))
    if not isinstance(customer, Mapping):
        raise TypeError(
            f"{argument} must be a registered id (a string) or a mapping such as "
            f"{{'registered': 'john123'}} or {{'cookie': '<uuid>'}}, not {type(customer).__name__}"
        )
    if not customer:
        raise ValueError(f"{argument} must name at least one id, e.g. {{'registered': 'john123'}}")
    for kind, value in customer.items():
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"{argument}: id types must be non-empty strings, not {short_repr(kind)}")
        if not isinstance(value, str) or not value:
            raise TypeError(f"{argument}[{kind!r}] must be a non-empty string id, not {short_repr(value)}")
    return CustomerIds.from_dict(
        {
            text(str.__str__(k), argument): text(str.__str__(v), f"{argument}[{k!r}]")
            for k, v in customer.items()
        }
    )


def checked_customer(customer: Any, *, argument: str = "customer") -> Customer:
    """A customer as given (a registered id, or a copy of the ids by type), or an error naming `argument`."""
    customer_ids(customer, argument=argument)
    return customer if isinstance(customer, str) else dict(customer)


def lane_of(token: str, ids: CustomerIds) -> str:
    # One lane per customer keeps its commands in order. The registered id names the customer
    # once known (a login identifies the cookie's customer under it); anonymous ones by cookie.
    wire = ids.to_dict()
    for kind in ("registered", "cookie"):
        if kind in wire:
            return f"{token}\0{kind}\0{wire[kind]}"
    return token + "\0" + "\0".join(f"{k}={v}" for k, v in sorted(wire.items()))


def properties_of(properties: Any) -> Properties:
    if properties is None:
        return Properties()
    if not isinstance(properties, Mapping):
        raise TypeError(
            f"properties must be a mapping of property names to values, not {type(properties).__name__}"
        )
    encoded = to_json(properties, argument="properties")
    assert isinstance(encoded, dict)
    return Properties.from_dict(encoded)


_MAX_SECONDS = 1e12


def timestamp_of(timestamp: Any) -> float | None:
    """An aware datetime or UNIX seconds -> UNIX seconds (the wire's `timestamp`)."""
    if timestamp is None:
        return None
    if isinstance(timestamp, datetime.datetime):
        if timestamp.tzinfo is None or timestamp.utcoffset() is None:
            raise ValueError(
                f"timestamp must be timezone-aware (e.g. tzinfo=datetime.UTC), not {timestamp!r}"
            )
        seconds = timestamp.timestamp()
    elif isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool):
        seconds = timestamp
    else:
        raise TypeError(
            f"timestamp must be an aware datetime or UNIX seconds (int or float), "
            f"not {type(timestamp).__name__}"
        )
    # Comparisons, not math.isfinite, which overflows on a huge int; 1e12 s is ~ year 33658.
    if not 0 <= seconds < _MAX_SECONDS:  # also False for NaN
        raise ValueError(
            f"timestamp must be a finite time at or after 1970-01-01, not {short_repr(timestamp)}"
        )
    return seconds


def update_command(
    token: str, customer: Any, properties: Any, fields: Mapping[str, Any] | None = None
) -> Command:
    ids = customer_ids(customer)
    model = CustomerUpdate(ids=ids, company_id=token, properties=properties_of(properties))
    return Command(with_fields(model, fields, WIRE_NAMES, CHECKS, call="update"), lane_of(token, ids))


def track_command(
    token: str,
    customer: Any,
    event_type: Any,
    properties: Any,
    timestamp: Any,
    *,
    fields: Mapping[str, Any] | None = None,
) -> Command:
    event_type = _text(
        event_type, "event_type", "a string such as 'purchase'", "name the event, e.g. 'purchase'"
    )
    ids = customer_ids(customer)
    model = EventTrack(
        customer_ids=ids, company_id=token, type_=event_type, properties=properties_of(properties)
    )
    seconds = timestamp_of(timestamp)
    if seconds is not None:
        model.timestamp = seconds
    return Command(with_fields(model, fields, WIRE_NAMES, CHECKS, call="track"), lane_of(token, ids))


def html_kwargs(
    token: str, customer: Any, campaign: Any, fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    expected, hint = "the campaign's name as a string", "name the HTML campaign, e.g. 'Banner left'"
    campaign = _text(campaign, "html_campaign_name", expected, hint, blank=True)
    body = HtmlRequest(customer_ids=customer_ids(customer), company_id=token, html_campaign_name=campaign)
    body = with_fields(body, fields, WIRE_NAMES, CHECKS, call="get_html")
    return get_html._get_kwargs(body=body)


def bulk_kwargs(commands: list[Command]) -> dict[str, Any]:
    """One POST /bulk with these commands, in order."""
    items: list[BulkCustomerCommand | BulkEventCommand] = [
        BulkCustomerCommand(name="crm/customers", data=command.model)
        if isinstance(command.model, CustomerUpdate)
        else BulkEventCommand(name="crm/events", data=command.model)
        for command in commands
    ]
    return bulk._get_kwargs(body=BulkRequest(commands=items))


@attrs.frozen
class ExportCall:
    """A validated export: the request, and what shape to read the answer as."""

    analysis_type: AnalysisType
    format: ExportFormat
    kwargs: dict[str, Any]

    def read(self, answer: Answer) -> tuple[ExportResult, Any]:
        """The typed result and the raw JSON (None for CSV); `InvalidResponseError` if not read whole."""
        if answer.unreadable is not None:
            raise InvalidResponseError(
                f"POST /analytics/{self.analysis_type} -> {answer.status}: "
                f"the export was not read: {answer.unreadable}"
            )
        return export_of(answer, self.analysis_type, self.format)


def _given(value: Any, argument: str, expected: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{argument} must be {expected}, not {value!r}")
    return text(str.__str__(value), argument)


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
    analysis_id = _given(analysis_id, "analysis_id", "the analysis' id as a non-empty string")
    # None: not sent, so the API's default (native-json) applies; so is the time zone's (UTC).
    if format is not None and format not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {format!r}")
    body = ExportRequest(analysis_id=analysis_id, format_=UNSET if format is None else format, timezone=UNSET)
    if timezone is not None:
        body.timezone = _given(timezone, "timezone", "a time zone name such as 'Europe/Bratislava'")
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
    if company is not None:
        company = _given(company, "company", "a company token (a non-empty string)")
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
