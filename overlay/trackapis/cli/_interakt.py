"""`trackapis interakt user|event` and Interakt as a target of `trackapis import`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any, Final

from ..interakt import DEFAULT_HOST, InteraktClient, InteraktMessage, TrackapisError
from ._common import EXIT_OK, CommandError, CommandGroup, add_group_parser, credential, setting
from ._matched import MatchedTarget
from ._targets import ImportSettings, ImportTargetSpec, OutcomeSink, RowInvalid

API_KEY_VARIABLE: Final = "INTERAKT_API_KEY"
HOST_VARIABLE: Final = "INTERAKT_HOST"

# Row fields, with the Interakt wire names accepted as aliases (exports often use those).
_ALIASES: Final = {
    "userId": "user_id",
    "phoneNumber": "phone_number",
    "countryCode": "country_code",
    "createdAt": "created_at",
}
_IDENTITY_FIELDS: Final = ("user_id", "phone_number", "country_code", "created_at")
_FIELDS: Final = {
    "users": frozenset((*_IDENTITY_FIELDS, "traits")),
    "events": frozenset((*_IDENTITY_FIELDS, "traits", "event")),
}

_EXAMPLES = f"""\
The API key is read from the environment, never from the command line:
  export {API_KEY_VARIABLE}=<the Secret Key from the Interakt dashboard>
  export {HOST_VARIABLE}=http://127.0.0.1:8000      # optional; default {DEFAULT_HOST}

examples:
  trackapis interakt user --user-id 42 --trait name="John Doe" --trait email=john@example.com
  trackapis interakt user --phone-number 9999999999 --country-code +91 --traits '{{"age": 24}}'
  trackapis interakt event "Order Placed" --user-id 42 --trait orderValue=50.00

Each call is sent at once (with retries on network errors, 429 and 5xx) and prints the API's
answer as JSON. Exit status: 0 delivered, 1 not delivered (the reason on stderr), 2 bad arguments.
"""


# -- one-off calls ------------------------------------------------------------------------------------


def _register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], group: CommandGroup) -> None:
    parser = add_group_parser(
        subparsers,
        group,
        description="Send one user or event to the Interakt Track API.",
        epilog=_EXAMPLES,
    )
    commands = parser.add_subparsers(dest="interakt_command", required=True, metavar="{user,event}")
    user = commands.add_parser(
        "user",
        help="create or update a user and its traits",
        description="Create or update a user; traits replace earlier values of the same traits.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_call_arguments(user)
    user.set_defaults(handler=_send_user)
    event = commands.add_parser(
        "event",
        help="record an event (an action) of a user",
        description="Record an event of a user, e.g. 'Order Placed'.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    event.add_argument("event", help="the event's name, e.g. 'Order Placed'")
    _add_call_arguments(event)
    event.set_defaults(handler=_send_event)


def _add_call_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_argument_group("the user (a user id, or a phone number)")
    who.add_argument("--user-id", help="your id for the user")
    who.add_argument("--phone-number", help="digits only, without the country code")
    who.add_argument("--country-code", default="+91", help="the phone number's country code (default +91)")
    data = parser.add_argument_group("data")
    data.add_argument(
        "--trait",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a trait with a string value (repeat for more)",
    )
    data.add_argument("--traits", metavar="JSON", help="traits as a JSON object, for numbers, lists...")
    data.add_argument("--created-at", metavar="ISO-8601", help="when it happened, e.g. 2024-05-01T10:00:00Z")
    _add_connection_arguments(parser)


def _add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    connection = parser.add_argument_group("connection")
    connection.add_argument(
        "--host", help=f"the API's base URL (default ${HOST_VARIABLE}, else {DEFAULT_HOST})"
    )
    connection.add_argument(
        "--max-retries", type=int, default=3, help="retries after the first attempt (default 3)"
    )


def _traits(args: argparse.Namespace) -> dict[str, Any]:
    traits: dict[str, Any] = {}
    if args.traits:
        try:
            parsed = json.loads(args.traits)
        except ValueError as error:
            raise CommandError(f"--traits must be a JSON object: {error}") from None
        if not isinstance(parsed, dict):
            raise CommandError(f"--traits must be a JSON object, not {type(parsed).__name__}")
        traits.update(parsed)
    for item in args.trait:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise CommandError(f"--trait must look like NAME=VALUE, not {item!r}")
        traits[name] = value
    return traits


def _client(args: argparse.Namespace, **options: Any) -> InteraktClient:
    api_key = credential(API_KEY_VARIABLE, what="the Secret Key from the Interakt dashboard")
    try:
        return InteraktClient(
            api_key,
            base_url=setting(HOST_VARIABLE, args.host, DEFAULT_HOST),
            max_retries=args.max_retries,
            **options,
        )
    except (ValueError, TypeError) as error:
        raise CommandError(str(error)) from None


def _send_user(args: argparse.Namespace) -> int:
    return _send(args, None)


def _send_event(args: argparse.Namespace) -> int:
    return _send(args, args.event)


def _send(args: argparse.Namespace, event: str | None) -> int:
    fields: dict[str, Any] = {
        "user_id": args.user_id,
        "phone_number": args.phone_number,
        "country_code": args.country_code,
        "traits": _traits(args),
        "created_at": args.created_at,
    }
    with _client(args, background=False) as client:
        try:
            answer = client.send_user(**fields) if event is None else client.send_event(event, **fields)
        except (ValueError, TypeError) as error:
            raise CommandError(str(error)) from None
        except TrackapisError as error:
            raise CommandError(f"not delivered: {error}", exit_status=1) from None
    shown = {"status": answer.status, "message": answer.message}
    if answer.id is not None:
        shown["id"] = answer.id
    print(json.dumps(shown))
    return EXIT_OK


INTERAKT_COMMANDS = CommandGroup("interakt", "send one user or event to Interakt", _register)


# -- import target ----------------------------------------------------------------------------------


class InteraktImportTarget(MatchedTarget[InteraktClient, InteraktMessage]):
    """Rows to Interakt through `InteraktClient`'s background delivery.

    Outcomes come back as messages (path and body) and are matched to rows as `MatchedTarget` says.
    """

    def submit(self, row: int, record: Mapping[str, Any]) -> None:
        fields = _row_fields(self._kind, record)
        with self._lock:
            try:
                if self._kind == "users":
                    accepted, message = self._client.queue_user(**fields)
                else:
                    event = fields.pop("event", None)
                    accepted, message = self._client.queue_event(event, **fields)
            except (ValueError, TypeError) as error:
                raise RowInvalid(str(error)) from None
            if accepted:
                self._remember(row, message)
        if not accepted:  # the queue was full: it was never sent
            self._sink.failed(row, "dropped: the client's queue was full")

    def _content_key(self, message: InteraktMessage) -> str:
        return message.path + json.dumps(message.body, sort_keys=True, separators=(",", ":"), default=str)


def _row_fields(kind: str, record: Mapping[str, Any]) -> dict[str, Any]:
    # A record with `traits` names its traits there, so any other key is a mistake worth an
    # error; a flat record (a CSV row) has its traits as the other columns.
    allowed = _FIELDS[kind]
    nested = "traits" in record
    fields: dict[str, Any] = {}
    traits: dict[str, Any] = {}
    for key, value in record.items():
        name = _ALIASES.get(key, key)
        if name in allowed:
            fields[name] = value
        elif nested:
            raise RowInvalid(f"unknown field {key!r} (the fields are: {', '.join(sorted(allowed))})")
        else:
            traits[key] = value
    if nested:
        given = fields["traits"]
        if isinstance(given, str):  # a CSV column holding a JSON object
            try:
                given = json.loads(given)
            except ValueError:
                raise RowInvalid(f"traits must be a JSON object, not {given!r}") from None
        if not isinstance(given, dict):
            raise RowInvalid(f"traits must be an object of trait names to values, not {given!r}")
        traits = given
    fields["traits"] = traits
    if kind == "events" and "event" not in fields:
        raise RowInvalid("event is missing: name the action, e.g. 'Order Placed'")
    return fields


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help=f"the API's base URL (default ${HOST_VARIABLE}, else {DEFAULT_HOST})")


def _import_identity(args: argparse.Namespace, kind: str) -> str:
    return f"interakt {kind} at {setting(HOST_VARIABLE, args.host, DEFAULT_HOST)}"


def _create_import_target(
    args: argparse.Namespace, kind: str, sink: OutcomeSink, settings: ImportSettings
) -> InteraktImportTarget:
    api_key = credential(API_KEY_VARIABLE, what="the Secret Key from the Interakt dashboard")
    host = setting(HOST_VARIABLE, args.host, DEFAULT_HOST)

    def client(**callbacks: Any) -> InteraktClient:
        try:
            return InteraktClient(
                api_key,
                base_url=host,
                max_retries=settings.max_retries,
                max_in_flight=settings.max_in_flight,
                rate_limit_per_minute=settings.rate_limit_per_minute,
                **callbacks,
            )
        except (ValueError, TypeError) as error:
            raise CommandError(str(error)) from None

    return InteraktImportTarget(kind, sink, client)


_ROW_HELP: Final = (
    "user_id or phone_number (+ country_code, default +91); optional created_at (ISO-8601); "
    "traits: in JSON Lines an object, in CSV every other column"
)

INTERAKT_IMPORT = ImportTargetSpec(
    name="interakt",
    help="users or events into the Interakt Track API (key in $INTERAKT_API_KEY)",
    kinds={"users": _ROW_HELP, "events": "event (its name), and " + _ROW_HELP},
    add_arguments=_import_arguments,
    identity=_import_identity,
    create=_create_import_target,
)
