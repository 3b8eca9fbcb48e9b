"""`trackapis seven-segments track|update|get-html|export` and 7SEGMENTS as a target of `trackapis import`.

The commands follow the style of the others: the company token from `$SEVEN_SEGMENTS_TOKEN`,
properties as `--property NAME=VALUE` or `--properties JSON`, the base URL as `--base-url`. The
seed's own command line (`python -m seven_segments track TOKEN CUSTOMER purchase --properties
product=bottle`) keeps its shape in `trackapis.seven_segments.cli`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, Final

import click

from ..seven_segments import (
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
    SevenSegmentsCommand,
)
from ..seven_segments.cli import export_credentials, parse_customer
from ._common import (
    BaseUrl,
    F,
    command_errors,
    credential,
    json_object,
    name_value_pairs,
    print_json,
)
from ._matched import MatchedTarget, matched_import
from ._targets import Columns, RowInvalid, json_cell, row_fields

TOKEN_VARIABLE: Final = "SEVEN_SEGMENTS_TOKEN"
BASE_URL_VARIABLE: Final = "SEVEN_SEGMENTS_BASE_URL"
BASE_URL: Final = BaseUrl(BASE_URL_VARIABLE, DEFAULT_TARGET, ("--target",), ("SEVEN_SEGMENTS_TARGET",))
USERNAME_VARIABLE: Final = "SEVEN_SEGMENTS_USERNAME"
PASSWORD_VARIABLE: Final = "SEVEN_SEGMENTS_PASSWORD"
_ANALYSIS_TYPES: Final = ("funnel", "report", "retention", "segmentation")
_EXPORT_FORMATS: Final = ("native-json", "table-json", "csv")

_EXAMPLES = f"""\b
Credentials are read from the environment, never from the command line:
  export {TOKEN_VARIABLE}=<the company token>                 # track, update, get-html
  export {USERNAME_VARIABLE}=... {PASSWORD_VARIABLE}=...   # export (a prompt in a terminal otherwise)
  export {BASE_URL_VARIABLE}=http://127.0.0.1:8000           # optional; default {DEFAULT_TARGET}

\b
examples:
  trackapis seven-segments track john123 purchase --property product=bottle --property amount=5
  trackapis seven-segments track '{{"cookie": "abc"}}' purchase --properties '{{"amount": 5}}'
  trackapis seven-segments update john123 --property first_name=John
  trackapis seven-segments get-html john123 "Banner left"
  trackapis seven-segments export funnel <analysis id>

The customer is the registered id, or ids as JSON ('{{"cookie": "..."}}'). Exit status: 0 done,
1 the API or the network failed (the reason on stderr), 2 bad arguments or missing credentials.
"""


@click.group("seven-segments", epilog=_EXAMPLES)
def seven_segments_commands() -> None:
    """Track events, update customers, get campaign HTML, export analyses at 7SEGMENTS."""


def _connection_options(function: F) -> F:
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds per request.",
    )(function)
    return BASE_URL(function)


def _property_options(function: F) -> F:
    function = click.option(
        "--properties", "properties_json", metavar="JSON", help="Properties as a JSON object."
    )(function)
    return click.option(
        "--property",
        "property_items",
        multiple=True,
        metavar="NAME=VALUE",
        help="A property with a string value (repeat for more).",
    )(function)


def _properties(params: Mapping[str, Any]) -> dict[str, Any]:
    properties = json_object(params["properties_json"], "--properties")
    properties.update(name_value_pairs(params["property_items"], "--property"))
    return properties


def _customer_argument(text: str) -> Any:
    with command_errors():
        return parse_customer(text)


def _tracking(params: Mapping[str, Any], call: Any) -> Any:
    token = credential(TOKEN_VARIABLE, what="the company token from 7SEGMENTS")
    with (
        command_errors(),
        SevenSegmentsClient(token, base_url=BASE_URL.resolve(params), timeout=params["timeout"]) as client,
    ):
        return call(client)


@seven_segments_commands.command("track", epilog=_EXAMPLES)
@click.argument("customer")
@click.argument("event_type")
@_property_options
@click.option("--timestamp", type=float, help="When it happened, in UNIX seconds.")
@_connection_options
def _track(customer: str, event_type: str, timestamp: float | None, **params: Any) -> None:
    """Track an event of a customer (e.g. purchase)."""
    properties = _properties(params)
    _tracking(
        params,
        lambda client: client.track(
            _customer_argument(customer), event_type, properties=properties, timestamp=timestamp
        ),
    )
    print_json({"status": "ok"})


@seven_segments_commands.command("update", epilog=_EXAMPLES)
@click.argument("customer")
@_property_options
@_connection_options
def _update(customer: str, **params: Any) -> None:
    """Identify a customer and update its properties."""
    properties = _properties(params)
    _tracking(params, lambda client: client.update(_customer_argument(customer), properties))
    print_json({"status": "ok"})


@seven_segments_commands.command("get-html", epilog=_EXAMPLES)
@click.argument("customer")
@click.argument("campaign")
@_connection_options
def _get_html(customer: str, campaign: str, **params: Any) -> None:
    """Print an HTML campaign's HTML for a customer."""
    click.echo(_tracking(params, lambda client: client.get_html(_customer_argument(customer), campaign)))


@seven_segments_commands.command("export", epilog=_EXAMPLES)
@click.argument("analysis_type", type=click.Choice(_ANALYSIS_TYPES))
@click.argument("analysis_id")
@click.option(
    "--format", "export_format", type=click.Choice(_EXPORT_FORMATS), default="native-json", show_default=True
)
@click.option("--timezone", help="Evaluate in this time zone (the API's default: UTC).")
@click.option("--execution-time", type=float, help="Evaluate as of this UNIX time.")
@click.option("--company", help="The company token, when the user has several companies.")
@_connection_options
def _export(analysis_type: str, analysis_id: str, **params: Any) -> None:
    """Print an analysis as JSON (or CSV). Needs $SEVEN_SEGMENTS_USERNAME and $SEVEN_SEGMENTS_PASSWORD."""
    with command_errors("export failed"):
        username, password = export_credentials()
        with AuthenticatedSevenSegmentsClient(
            username,
            password,
            base_url=BASE_URL.resolve(params),
            timeout=params["timeout"],
        ) as client:
            result = client.export_analysis(
                analysis_type,  # checked by click.Choice
                analysis_id,
                format=params["export_format"],  # type: ignore[call-overload]
                timezone=params["timezone"],
                execution_time=params["execution_time"],
                company=params["company"],
            )
    if isinstance(result, str):
        click.echo(result, nl=not result.endswith("\n"))
    else:
        print_json(result.to_dict() if hasattr(result, "to_dict") else result, indent=2)


# Row fields; `customer_id` names a registered customer, `ids` any ids by type.
_CUSTOMER_FIELDS: Final = ("customer_id", "ids", "cookie")
_FIELDS: Final = {
    "customers": frozenset((*_CUSTOMER_FIELDS, "properties")),
    "events": frozenset((*_CUSTOMER_FIELDS, "properties", "type", "timestamp")),
}
_ALIASES: Final = {"registered": "customer_id", "event_type": "type"}


def _key(name: str, ids: Any, event_type: Any, properties: Any) -> str:
    # What names a command's outcome: the command, customer, event and properties as the rows
    # give them (the time stamp is left out: the client may stamp it). Rows with the same key
    # name the same customer, so they share a lane and settle in the order they were queued.
    content = [name, ids, event_type, properties or {}]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


class SevenSegmentsImportTarget(MatchedTarget[SevenSegmentsClient, SevenSegmentsCommand]):
    """Rows to 7SEGMENTS through `SevenSegmentsClient`'s buffered /bulk delivery.

    Outcomes come back as commands and are matched to rows as `MatchedTarget` says.
    """

    def _queue(self, record: Mapping[str, Any]) -> tuple[bool, str]:
        customer, fields = _row_fields(self._kind, record, extra_as_traits=self._extra_as_traits)
        properties = fields["properties"]
        if self._kind == "customers":
            accepted = self._client.update(customer, properties)
        else:
            accepted = self._client.track(
                customer, fields["type"], properties=properties, timestamp=fields.get("timestamp")
            )
        name = "crm/customers" if self._kind == "customers" else "crm/events"
        return accepted, _key(name, customer, fields.get("type"), properties)

    def _content_key(self, message: SevenSegmentsCommand) -> str:
        data = message.data
        ids = data.get("customer_ids", data.get("ids"))
        return _key(message.name, ids, data.get("type"), data.get("properties"))


def _row_fields(
    kind: str, record: Mapping[str, Any], *, extra_as_traits: bool = False
) -> tuple[Any, dict[str, Any]]:
    fields = row_fields(record, _FIELDS[kind], _ALIASES, "properties", extra=extra_as_traits)
    if kind == "events":
        if not fields.get("type"):
            raise RowInvalid("type is missing: name the event, e.g. 'purchase'")
        fields["timestamp"] = _timestamp(fields.get("timestamp"))
    return _customer(fields), fields


def _customer(fields: Mapping[str, Any]) -> Any:
    ids: dict[str, Any] = {}
    if fields.get("ids") not in (None, ""):
        ids.update(json_cell(fields["ids"], "ids"))
    for name, kind in (("customer_id", "registered"), ("cookie", "cookie")):
        value = fields.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise RowInvalid(f"{name} must be a string or a number, not {value!r}")
        ids[kind] = str(value)
    if not ids:
        raise RowInvalid("customer_id, cookie or ids is required: name the customer")
    return ids


def _timestamp(value: Any) -> Any:
    """UNIX seconds as given; an ISO-8601 text (with a time zone) or digits (from CSV) converted."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return value  # numbers; anything else is refused by the client with the reason
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise RowInvalid(
            f"timestamp must be UNIX seconds or an ISO-8601 date and time, not {value!r}"
        ) from None
    if parsed.tzinfo is None:
        raise RowInvalid(f"timestamp must have a time zone (e.g. 2024-05-01T10:00:00Z), not {value!r}")
    return parsed


_ROW_HELP: Final = (
    "customer_id (the registered id), cookie, or ids (an object of id types to ids); "
    "properties: a properties object (in CSV a JSON cell), properties.<name> columns, or with "
    "--traits-from-extra-columns every other column"
)
_IDENTITY: Final = ("customer_id", "registered", "cookie", "ids")
COLUMNS: Final = {
    "customers": Columns(_FIELDS["customers"] | frozenset(_ALIASES), (_IDENTITY,), "properties"),
    "events": Columns(
        _FIELDS["events"] | frozenset(_ALIASES), (_IDENTITY, ("type", "event_type")), "properties"
    ),
}

SEVEN_SEGMENTS_IMPORT = matched_import(
    SevenSegmentsImportTarget,
    SevenSegmentsClient,
    base_url=BASE_URL,
    credential_variable=TOKEN_VARIABLE,
    credential_what="the company token from 7SEGMENTS",
    client_options={"background": True},
    name="seven-segments",
    help="customers or events into 7SEGMENTS through /bulk (company token in $SEVEN_SEGMENTS_TOKEN)",
    kinds={
        "customers": _ROW_HELP,
        "events": "type (the event, e.g. purchase), optional timestamp (UNIX seconds or ISO-8601), "
        "and " + _ROW_HELP,
    },
    columns=COLUMNS,
    credentials=f"check {TOKEN_VARIABLE} (the company token) and the base URL",
)
