"""`trackapis seven-segments ...` (the seed's commands) and 7SEGMENTS as a target of `trackapis import`."""

from __future__ import annotations

import argparse
import datetime
import json
from collections.abc import Mapping
from typing import Any, Final

from ..seven_segments import DEFAULT_TARGET, SevenSegmentsClient, SevenSegmentsCommand
from ..seven_segments._payload import track_command, update_command
from ..seven_segments.cli import main as seed_main
from ._common import CommandError, credential, setting
from ._matched import MatchedTarget
from ._passthrough import passthrough_group
from ._targets import ImportSettings, ImportTargetSpec, OutcomeSink, RowInvalid

TOKEN_VARIABLE: Final = "SEVEN_SEGMENTS_TOKEN"
TARGET_VARIABLE: Final = "SEVEN_SEGMENTS_TARGET"

SEVEN_SEGMENTS_COMMANDS = passthrough_group(
    "seven-segments",
    "the 7SEGMENTS commands: track, update, get_html, export",
    "trackapis.cli._seven_segments:seven_segments_main",
)


def seven_segments_main(argv: list[str]) -> int:
    """The seed's command line (`track`, `update`, `get_html`, `export`) as `trackapis seven-segments`."""
    return seed_main(argv, prog="trackapis seven-segments")


# Row fields; `customer_id` names a registered customer, `ids` any ids by type.
_CUSTOMER_FIELDS: Final = ("customer_id", "ids", "cookie")
_FIELDS: Final = {
    "customers": frozenset((*_CUSTOMER_FIELDS, "properties")),
    "events": frozenset((*_CUSTOMER_FIELDS, "properties", "type", "timestamp")),
}
_ALIASES: Final = {"registered": "customer_id", "event_type": "type"}


class SevenSegmentsImportTarget(MatchedTarget[SevenSegmentsClient, SevenSegmentsCommand]):
    """Rows to 7SEGMENTS through `SevenSegmentsClient`'s buffered /bulk delivery.

    Outcomes come back as commands and are matched to rows as `MatchedTarget` says.
    """

    def submit(self, row: int, record: Mapping[str, Any]) -> None:
        customer, fields = _row_fields(self._kind, record)
        token = self._client.token
        try:
            # Built here too (the client builds the same) for the content that names the outcome.
            if self._kind == "customers":
                command = update_command(token, customer, fields.get("properties"))
            else:
                command = track_command(
                    token, customer, fields["type"], fields.get("properties"), fields.get("timestamp")
                )
        except (ValueError, TypeError) as error:
            raise RowInvalid(str(error)) from None
        with self._lock:
            if self._kind == "customers":
                accepted = self._client.update(customer, fields.get("properties"))
            else:
                accepted = self._client.track(
                    customer,
                    fields["type"],
                    properties=fields.get("properties"),
                    timestamp=fields.get("timestamp"),
                )
            if accepted:
                self._remember(row, command.message())
        if not accepted:  # the queue was full: it was never sent
            self._sink.failed(row, "dropped: the client's queue was full")

    def _content_key(self, message: SevenSegmentsCommand) -> str:
        return message.name + json.dumps(message.data, sort_keys=True, separators=(",", ":"), default=str)


def _row_fields(kind: str, record: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    # A record with `properties` names its properties there, so any other key is a mistake worth
    # an error; a flat record (a CSV row) has its properties as the other columns.
    allowed = _FIELDS[kind]
    nested = "properties" in record
    fields: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for key, value in record.items():
        name = _ALIASES.get(key, key)
        if name in allowed:
            fields[name] = value
        elif nested:
            raise RowInvalid(f"unknown field {key!r} (the fields are: {', '.join(sorted(allowed))})")
        else:
            properties[key] = value
    if nested:
        properties = _json_object(fields["properties"], "properties")
    fields["properties"] = properties
    if kind == "events":
        if not fields.get("type"):
            raise RowInvalid("type is missing: name the event, e.g. 'purchase'")
        fields["timestamp"] = _timestamp(fields.get("timestamp"))
    return _customer(fields), fields


def _customer(fields: Mapping[str, Any]) -> Any:
    ids: dict[str, Any] = {}
    if fields.get("ids") not in (None, ""):
        ids.update(_json_object(fields["ids"], "ids"))
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


def _json_object(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, str):  # a CSV column holding a JSON object
        try:
            value = json.loads(value)
        except ValueError:
            raise RowInvalid(f"{name} must be a JSON object, not {value!r}") from None
    if not isinstance(value, dict):
        raise RowInvalid(f"{name} must be an object, not {value!r}")
    return value


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


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target", help=f"the API's base URL (default ${TARGET_VARIABLE}, else {DEFAULT_TARGET})"
    )


def _import_identity(args: argparse.Namespace, kind: str) -> str:
    return f"seven-segments {kind} at {setting(TARGET_VARIABLE, args.target, DEFAULT_TARGET)}"


def _create_import_target(
    args: argparse.Namespace, kind: str, sink: OutcomeSink, settings: ImportSettings
) -> SevenSegmentsImportTarget:
    token = credential(TOKEN_VARIABLE, what="the company token from 7SEGMENTS")
    target = setting(TARGET_VARIABLE, args.target, DEFAULT_TARGET)

    def client(**callbacks: Any) -> SevenSegmentsClient:
        try:
            return SevenSegmentsClient(
                token,
                base_url=target,
                background=True,
                max_retries=settings.max_retries,
                max_in_flight=settings.max_in_flight,
                rate_limit_per_minute=settings.rate_limit_per_minute,
                **callbacks,
            )
        except (ValueError, TypeError) as error:
            raise CommandError(str(error)) from None

    return SevenSegmentsImportTarget(kind, sink, client)


_ROW_HELP: Final = (
    "customer_id (the registered id), cookie, or ids (an object of id types to ids); "
    "properties: in JSON Lines an object, in CSV every other column"
)

SEVEN_SEGMENTS_IMPORT = ImportTargetSpec(
    name="seven-segments",
    help="customers or events into 7SEGMENTS through /bulk (company token in $SEVEN_SEGMENTS_TOKEN)",
    kinds={
        "customers": _ROW_HELP,
        "events": "type (the event, e.g. purchase), optional timestamp (UNIX seconds or ISO-8601), "
        "and " + _ROW_HELP,
    },
    add_arguments=_import_arguments,
    identity=_import_identity,
    create=_create_import_target,
)
