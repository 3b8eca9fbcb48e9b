"""`trackapis attributionio identity|event|customer`: one-off calls to Attribution.io."""

from __future__ import annotations

import argparse
import json
from typing import Any, Final

from ..attributionio import DEFAULT_PRIVATE_HOST, DEFAULT_PUBLIC_HOST, AttributionClient, TrackapisError
from ._common import EXIT_FAILED, EXIT_OK, CommandError, CommandGroup, add_group_parser, credential, setting

API_KEY_VARIABLE: Final = "ATTRIBUTIONIO_API_KEY"
API_SECRET_VARIABLE: Final = "ATTRIBUTIONIO_API_SECRET"
PUBLIC_HOST_VARIABLE: Final = "ATTRIBUTIONIO_PUBLIC_HOST"
PRIVATE_HOST_VARIABLE: Final = "ATTRIBUTIONIO_PRIVATE_HOST"

_EXAMPLES = f"""\
Credentials are read from the environment, never from the command line:
  export {API_KEY_VARIABLE}=<the account's public API key>
  export {API_SECRET_VARIABLE}=<the API secret>      # for `customer` only
  export {PUBLIC_HOST_VARIABLE}=http://127.0.0.1:8000    # optional; default {DEFAULT_PUBLIC_HOST}
  export {PRIVATE_HOST_VARIABLE}=http://127.0.0.1:8000   # optional; default {DEFAULT_PRIVATE_HOST}

examples:
  trackapis attributionio identity <AttrioP cookie value> --client-id john@example.com
  trackapis attributionio event <AttrioP cookie value> signup --client-id john@example.com
  trackapis attributionio event <AttrioP cookie value> signup      # a client id is generated
  trackapis attributionio customer john@example.com --events --identities

Each call is sent at once (with retries on network errors, 429 and 5xx) and prints the result as
JSON; without --client-id, the generated client id is in it (store it to reuse it).
Exit status: 0 done, 1 not delivered or no such customer (the reason on stderr), 2 bad arguments.
"""


def _register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], group: CommandGroup) -> None:
    parser = add_group_parser(
        subparsers,
        group,
        description="Link a visitor to a customer, record an event, or fetch a customer, at Attribution.io.",
        epilog=_EXAMPLES,
    )
    commands = parser.add_subparsers(
        dest="attributionio_command", required=True, metavar="{identity,event,customer}"
    )

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help,
            description=description,
            epilog=_EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    identity = command(
        "identity",
        "link a visitor (their AttrioP_<key> cookie) to a client id",
        "Link a visitor, named by their AttrioP_<key> cookie's value, to a client id.",
    )
    identity.add_argument("attributionio_id", help="the value of the visitor's AttrioP_<key> cookie")
    _add_visitor_arguments(identity)
    identity.set_defaults(handler=_identity)

    event = command(
        "event",
        "record an event of a visitor (and link the visitor to the client id)",
        "Record an event of a visitor; the identity linking the visitor is sent with it.",
    )
    event.add_argument("attributionio_id", help="the value of the visitor's AttrioP_<key> cookie")
    event.add_argument("event_key", help="the event's key, as set in the Attribution.io dashboard")
    _add_visitor_arguments(event)
    event.add_argument("--last-url", help="the last URL the visitor saw (default: 'URL unknown')")
    event.set_defaults(handler=_event)

    customer = command(
        "customer",
        "fetch what Attribution.io knows of a customer (needs the API secret)",
        "Fetch a customer by client id from the private API; prints it as JSON.",
    )
    customer.add_argument("client_id", help="an id the customer was identified by")
    lists = customer.add_argument_group("lists to include")
    for name in ("pageviews", "touchpoints", "events", "identities", "full"):
        lists.add_argument(
            f"--{name}", action="store_true", help=f"include {name}" if name != "full" else "all"
        )
    _add_connection_arguments(customer)
    customer.set_defaults(handler=_customer)


def _add_visitor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-id", help="your id for the customer (default: a generated one)")
    parser.add_argument("--user-agent", help="the visitor's User-Agent (default: 'User-Agent unknown')")
    _add_connection_arguments(parser)


def _add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    connection = parser.add_argument_group("connection")
    connection.add_argument(
        "--public-host",
        help=f"the public API's base URL (default ${PUBLIC_HOST_VARIABLE}, else {DEFAULT_PUBLIC_HOST})",
    )
    connection.add_argument(
        "--private-host",
        help=f"the private API's base URL (default ${PRIVATE_HOST_VARIABLE}, else {DEFAULT_PRIVATE_HOST})",
    )
    connection.add_argument(
        "--max-retries", type=int, default=3, help="retries after the first attempt (default 3)"
    )


def _client(args: argparse.Namespace, *, secret: bool) -> AttributionClient:
    api_key = credential(API_KEY_VARIABLE, what="the account's public API key")
    api_secret = credential(API_SECRET_VARIABLE, what="the API secret") if secret else None
    try:
        return AttributionClient(
            api_key,
            api_secret,
            base_url=setting(PUBLIC_HOST_VARIABLE, args.public_host, DEFAULT_PUBLIC_HOST),
            private_base_url=setting(PRIVATE_HOST_VARIABLE, args.private_host, DEFAULT_PRIVATE_HOST),
            max_retries=args.max_retries,
        )
    except (ValueError, TypeError) as error:
        raise CommandError(str(error)) from None


def _call(args: argparse.Namespace, *, secret: bool, call: Any) -> Any:
    with _client(args, secret=secret) as client:
        try:
            return call(client)
        except (ValueError, TypeError) as error:
            raise CommandError(str(error)) from None
        except TrackapisError as error:
            raise CommandError(f"not delivered: {error}", exit_status=EXIT_FAILED) from None


def _identity(args: argparse.Namespace) -> int:
    result = _call(
        args,
        secret=False,
        call=lambda client: client.trigger_identity(
            args.attributionio_id, client_id=args.client_id, user_agent=args.user_agent
        ),
    )
    shown = {"client_id": result.client_id, "client_id_generated": result.client_id_generated}
    print(json.dumps({**shown, "status": result.status}))
    return EXIT_OK


def _event(args: argparse.Namespace) -> int:
    result = _call(
        args,
        secret=False,
        call=lambda client: client.trigger_event(
            args.attributionio_id,
            args.event_key,
            client_id=args.client_id,
            user_agent=args.user_agent,
            last_url=args.last_url,
        ),
    )
    shown: dict[str, Any] = {
        "client_id": result.client_id,
        "client_id_generated": result.client_id_generated,
        "transaction_id": result.transaction_id,
        "event_status": result.event_status,
        "identity_status": result.identity_status,
    }
    print(json.dumps(shown))
    return EXIT_OK


def _customer(args: argparse.Namespace) -> int:
    flags = {
        name: getattr(args, name) for name in ("pageviews", "touchpoints", "events", "identities", "full")
    }
    customer = _call(args, secret=True, call=lambda client: client.fetch_customer(args.client_id, **flags))
    if customer is None:
        raise CommandError(f"no such customer: {args.client_id!r}", exit_status=EXIT_FAILED)
    print(json.dumps(customer.to_dict(), indent=2, ensure_ascii=False, default=str))
    return EXIT_OK


ATTRIBUTIONIO_COMMANDS = CommandGroup(
    "attributionio", "link visitors, record events and fetch customers at Attribution.io", _register
)
