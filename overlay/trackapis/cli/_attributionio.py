"""`trackapis attributionio identity|event|customer`: one-off calls to Attribution.io."""

from __future__ import annotations

from typing import Any, Final

import attrs
import click

from ..attributionio import DEFAULT_PRIVATE_HOST, DEFAULT_PUBLIC_HOST, AttributionClient
from ._common import (
    EXIT_FAILED,
    BaseUrl,
    CommandError,
    F,
    command_errors,
    credential,
    max_retries_option,
    print_json,
)

API_KEY_VARIABLE: Final = "ATTRIBUTIONIO_API_KEY"
API_SECRET_VARIABLE: Final = "ATTRIBUTIONIO_API_SECRET"
BASE_URL_VARIABLE: Final = "ATTRIBUTIONIO_BASE_URL"
PRIVATE_BASE_URL_VARIABLE: Final = "ATTRIBUTIONIO_PRIVATE_BASE_URL"
# The earlier names still work.
BASE_URL: Final = BaseUrl(
    BASE_URL_VARIABLE,
    DEFAULT_PUBLIC_HOST,
    ("--public-host",),
    ("ATTRIBUTIONIO_PUBLIC_HOST",),
    what="The public API's",
)
PRIVATE_BASE_URL: Final = BaseUrl(
    PRIVATE_BASE_URL_VARIABLE,
    DEFAULT_PRIVATE_HOST,
    ("--private-host",),
    ("ATTRIBUTIONIO_PRIVATE_HOST",),
    name="--private-base-url",
    dest="private_base_url",
    what="The private API's",
)

_EXAMPLES = f"""\b
Credentials are read from the environment, never from the command line:
  export {API_KEY_VARIABLE}=<the account's public API key>
  export {API_SECRET_VARIABLE}=<the API secret>      # for `customer` only
  export {BASE_URL_VARIABLE}=http://127.0.0.1:8000           # optional; default {DEFAULT_PUBLIC_HOST}
  export {PRIVATE_BASE_URL_VARIABLE}=http://127.0.0.1:8000   # optional; default {DEFAULT_PRIVATE_HOST}

\b
examples:
  trackapis attributionio identity <AttrioP cookie value> --client-id john@example.com
  trackapis attributionio event <AttrioP cookie value> signup --client-id john@example.com
  trackapis attributionio event <AttrioP cookie value> signup      # a client id is generated
  trackapis attributionio customer john@example.com --events --identities

Each call is sent at once (with retries on network errors, 429 and 5xx) and prints the result as
JSON; without --client-id, the generated client id is in it (store it to reuse it).
Exit status: 0 done, 1 not delivered or no such customer (the reason on stderr), 2 bad arguments.
"""


@click.group("attributionio", epilog=_EXAMPLES)
def attributionio_commands() -> None:
    """Link visitors to customers, record events and fetch customers at Attribution.io."""


def _connection_options(function: F) -> F:
    return BASE_URL(PRIVATE_BASE_URL(max_retries_option(function)))


def _visitor_options(function: F) -> F:
    function = _connection_options(function)
    function = click.option("--user-agent", help="The visitor's User-Agent (default: 'User-Agent unknown').")(
        function
    )
    return click.option("--client-id", help="Your id for the customer (default: a generated one).")(function)


def _call(params: dict[str, Any], *, secret: bool, call: Any) -> Any:
    api_key = credential(API_KEY_VARIABLE, what="the account's public API key")
    api_secret = credential(API_SECRET_VARIABLE, what="the API secret") if secret else None
    base_url, private = BASE_URL.resolve(params), PRIVATE_BASE_URL.resolve(params)
    with command_errors():
        client = AttributionClient(
            api_key,
            api_secret,
            base_url=base_url,
            private_base_url=private,
            max_retries=params["max_retries"],
        )
        with client:
            return call(client)


@attributionio_commands.command("identity", epilog=_EXAMPLES)
@click.argument("attributionio_id")
@_visitor_options
def _identity(attributionio_id: str, client_id: str | None, user_agent: str | None, **params: Any) -> None:
    """Link a visitor, named by their AttrioP_<key> cookie's value, to a client id."""
    result = _call(
        params,
        secret=False,
        call=lambda client: client.trigger_identity(
            attributionio_id, client_id=client_id, user_agent=user_agent
        ),
    )
    print_json(attrs.asdict(result, filter=_sent_at_once))


@attributionio_commands.command("event", epilog=_EXAMPLES)
@click.argument("attributionio_id")
@click.argument("event_key")
@_visitor_options
@click.option("--last-url", help="The last URL the visitor saw (default: 'URL unknown').")
def _event(
    attributionio_id: str,
    event_key: str,
    client_id: str | None,
    user_agent: str | None,
    last_url: str | None,
    **params: Any,
) -> None:
    """Record an event of a visitor (a client id is generated when none is given)."""
    result = _call(
        params,
        secret=False,
        call=lambda client: client.trigger_event(
            attributionio_id, event_key, client_id=client_id, user_agent=user_agent, last_url=last_url
        ),
    )
    print_json(attrs.asdict(result, filter=_sent_at_once))


def _sent_at_once(field: attrs.Attribute[Any], value: object) -> bool:
    """A trigger result's fields as printed: all but `queued` (these commands send at once)."""
    return field.name != "queued"


_LISTS: Final = ("pageviews", "touchpoints", "events", "identities", "full")


@attributionio_commands.command("customer", epilog=_EXAMPLES)
@click.argument("client_id")
@click.option("--pageviews", is_flag=True, help="Include the pageviews.")
@click.option("--touchpoints", is_flag=True, help="Include the touchpoints.")
@click.option("--events", is_flag=True, help="Include the events.")
@click.option("--identities", is_flag=True, help="Include the identities.")
@click.option("--full", is_flag=True, help="Include everything.")
@_connection_options
def _customer(client_id: str, **params: Any) -> None:
    """Fetch what Attribution.io knows of a customer (needs the API secret); prints it as JSON."""
    flags = {name: params.pop(name) for name in _LISTS}
    customer = _call(params, secret=True, call=lambda client: client.fetch_customer(client_id, **flags))
    if customer is None:
        raise CommandError(f"no such customer: {client_id!r}", exit_status=EXIT_FAILED)
    print_json(customer.to_dict(), indent=2)
