"""`trackapis interakt user|event` and Interakt as a target of `trackapis import`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import click

from ..interakt import DEFAULT_HOST, InteraktClient, InteraktMessage
from ._common import (
    BaseUrl,
    F,
    command_errors,
    credential,
    json_object,
    max_retries_option,
    name_value_pairs,
    options_of,
    print_json,
)
from ._matched import MatchedTarget, matched_import
from ._targets import Columns, RowInvalid, row_fields

API_KEY_VARIABLE: Final = "INTERAKT_API_KEY"
BASE_URL_VARIABLE: Final = "INTERAKT_BASE_URL"
BASE_URL: Final = BaseUrl(BASE_URL_VARIABLE, DEFAULT_HOST, ("--host",), ("INTERAKT_HOST",))

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
_IDENTITY: Final = ("user_id", "userId", "phone_number", "phoneNumber")
COLUMNS: Final = {
    "users": Columns(_FIELDS["users"] | frozenset(_ALIASES), (_IDENTITY,), "traits"),
    "events": Columns(_FIELDS["events"] | frozenset(_ALIASES), (_IDENTITY, ("event",)), "traits"),
}

_EXAMPLES = f"""\b
The API key is read from the environment, never from the command line:
  export {API_KEY_VARIABLE}=<the Secret Key from the Interakt dashboard>
  export {BASE_URL_VARIABLE}=http://127.0.0.1:8000      # optional; default {DEFAULT_HOST}

\b
examples:
  trackapis interakt user --user-id 42 --trait name="John Doe" --trait email=john@example.com
  trackapis interakt user --phone-number 9999999999 --country-code +91 --traits '{{"age": 24}}'
  trackapis interakt event "Order Placed" --user-id 42 --trait orderValue=50.00

Each call is sent at once (with retries on network errors, 429 and 5xx) and prints the API's
answer as JSON. Exit status: 0 delivered, 1 not delivered (the reason on stderr), 2 bad arguments.
"""


# -- one-off calls ------------------------------------------------------------------------------------


@click.group("interakt", epilog=_EXAMPLES)
def interakt_commands() -> None:
    """Send one user or event to the Interakt Track API."""


def _call_options(function: F) -> F:
    options: list[Callable[[F], F]] = list(
        [
            click.option("--user-id", help="Your id for the user."),
            click.option("--phone-number", help="Digits only, without the country code."),
            click.option(
                "--country-code", default="+91", show_default=True, help="The phone number's country code."
            ),
            click.option(
                "--trait",
                "trait_items",
                multiple=True,
                metavar="NAME=VALUE",
                help="A trait with a string value (repeat for more).",
            ),
            click.option("--traits", metavar="JSON", help="Traits as a JSON object, for numbers, lists..."),
            click.option(
                "--created-at", metavar="ISO-8601", help="When it happened, e.g. 2024-05-01T10:00:00Z."
            ),
            BASE_URL,
            max_retries_option,
        ]
    )
    for option in reversed(options):
        function = option(function)
    return function


@interakt_commands.command("user", epilog=_EXAMPLES)
@_call_options
def _user(**params: Any) -> None:
    """Create or update a user; traits replace earlier values of the same traits."""
    _send(params, None)


@interakt_commands.command("event", epilog=_EXAMPLES)
@click.argument("event")
@_call_options
def _event(event: str, **params: Any) -> None:
    """Record an event (an action) of a user, e.g. 'Order Placed'."""
    _send(params, event)


def _send(params: dict[str, Any], event: str | None) -> None:
    traits = json_object(params["traits"], "--traits")
    traits.update(name_value_pairs(params["trait_items"], "--trait"))
    fields = {**options_of(params, "user_id", "phone_number", "country_code", "created_at"), "traits": traits}
    api_key = credential(API_KEY_VARIABLE, what="the Secret Key from the Interakt dashboard")
    options = {
        "base_url": BASE_URL.resolve(params),
        "max_retries": params["max_retries"],
        "background": False,
    }
    with command_errors(), InteraktClient(api_key, **options) as client:
        answer = client.send_user(**fields) if event is None else client.send_event(event, **fields)
    shown = {"status": answer.status, "message": answer.message}
    if answer.id is not None:
        shown["id"] = answer.id
    print_json(shown)


# -- import target ----------------------------------------------------------------------------------


class InteraktImportTarget(MatchedTarget[InteraktClient, InteraktMessage]):
    """Rows to Interakt through `InteraktClient`'s background delivery.

    Outcomes come back as messages (path and body) and are matched to rows as `MatchedTarget` says.
    """

    def _queue(self, record: Mapping[str, Any]) -> tuple[bool, str]:
        fields = _row_fields(self._kind, record, extra_as_traits=self._extra_as_traits)
        if self._kind == "users":
            accepted, message = self._client.queue_user(**fields)
        else:
            accepted, message = self._client.queue_event(fields.pop("event", None), **fields)
        return accepted, self._content_key(message)

    def _content_key(self, message: InteraktMessage) -> str:
        return message.path + json.dumps(message.body, sort_keys=True, separators=(",", ":"), default=str)


def _row_fields(kind: str, record: Mapping[str, Any], *, extra_as_traits: bool = False) -> dict[str, Any]:
    shape = "an object of trait names to values"
    fields = row_fields(record, _FIELDS[kind], _ALIASES, "traits", extra=extra_as_traits, shape=shape)
    if kind == "events" and "event" not in fields:
        raise RowInvalid("event is missing: name the action, e.g. 'Order Placed'")
    return fields


_ROW_HELP: Final = (
    "user_id or phone_number (+ country_code, default +91); optional created_at (ISO-8601); "
    "traits: a traits object (in CSV a JSON cell), traits.<name> columns, or with "
    "--traits-from-extra-columns every other column"
)

INTERAKT_IMPORT = matched_import(
    InteraktImportTarget,
    InteraktClient,
    base_url=BASE_URL,
    credential_variable=API_KEY_VARIABLE,
    credential_what="the Secret Key from the Interakt dashboard",
    client_options={},
    name="interakt",
    help="users or events into the Interakt Track API (key in $INTERAKT_API_KEY)",
    kinds={"users": _ROW_HELP, "events": "event (its name), and " + _ROW_HELP},
    columns=COLUMNS,
    credentials=f"check {API_KEY_VARIABLE} (the Secret Key from the Interakt dashboard) and the base URL",
)
