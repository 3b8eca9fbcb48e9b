"""The original client's command line, plus `export`: `python -m seven_segments track TOKEN JOHN purchase`.

`main(argv)` returns the exit code: 0 done, 1 the API or the network failed, 2 bad usage. Each
error is one line on stderr. Export credentials come from `SEVEN_SEGMENTS_USERNAME` and
`SEVEN_SEGMENTS_PASSWORD`, or a prompt in a terminal; never from the command line, where other
users of the machine could read them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from .._config import check_base_url
from .._errors import TrackapisError
from ._client import SevenSegmentsClient
from ._connection import DEFAULT_TARGET, DEFAULT_TIMEOUT
from ._export import AuthenticatedSevenSegmentsClient
from ._payload import Customer, export_call
from ._response import ANALYSIS_TYPES, EXPORT_FORMATS

__all__ = [
    "PASSWORD_VARIABLE",
    "USERNAME_VARIABLE",
    "export_credentials",
    "main",
    "parse_customer",
]

USERNAME_VARIABLE = "SEVEN_SEGMENTS_USERNAME"
PASSWORD_VARIABLE = "SEVEN_SEGMENTS_PASSWORD"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message} (see --help)")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Track events, update customers, get campaign HTML, export.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--target", default=DEFAULT_TARGET, help=f"the API's base URL ({DEFAULT_TARGET})")
    common.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per request")
    who = _Parser(add_help=False)
    who.add_argument("token", help="the company token")
    who.add_argument("customer", help='the registered id, or ids as JSON: \'{"cookie": "..."}\'')

    track = commands.add_parser(
        "track", parents=[who, common], help="track an event", description="Track an event of a customer."
    )
    track.add_argument("event_type", help="the event, e.g. purchase")
    track.add_argument("--properties", nargs="*", default=[], metavar="KEY=VALUE", help="event properties")
    track.add_argument("--timestamp", type=float, help="when it happened, in UNIX seconds")

    update = commands.add_parser(
        "update",
        parents=[who, common],
        help="update a customer's properties",
        description="Identify a customer and update its properties.",
    )
    update.add_argument("properties", nargs="*", metavar="KEY=VALUE", help="customer properties")

    html = commands.add_parser(
        "get_html",
        parents=[who, common],
        help="print a campaign's HTML",
        description="Print a campaign's HTML.",
    )
    html.add_argument("html_campaign_name", help="the HTML campaign's name")

    export = commands.add_parser(
        "export",
        parents=[common],
        help="export an analysis (authenticated)",
        description=f"Print an analysis as JSON (or CSV). Credentials: ${USERNAME_VARIABLE} and "
        f"${PASSWORD_VARIABLE}, or a prompt in a terminal.",
    )
    export.add_argument("analysis_type", choices=ANALYSIS_TYPES)
    export.add_argument("analysis_id")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="native-json")
    export.add_argument("--timezone", help="evaluate in this time zone (the API's default: UTC)")
    export.add_argument("--execution-time", type=float, help="evaluate as of this UNIX time")
    export.add_argument("--company", help="the company token, when the user has several companies")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str = "python -m seven_segments",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line with `argv` (default `sys.argv[1:]`); returns the exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser(prog).parse_args(argv)
        check_base_url(args.target, argument="--target", example=DEFAULT_TARGET)
        if args.command == "export":
            _export(args, out)
        else:
            _track(args, out)
    except _UsageError as error:
        print(f"error: {error}", file=err)
        return 2
    except TrackapisError as error:
        print(f"error: {_one_line(str(error))}", file=err)
        return 1
    except (ValueError, TypeError) as error:
        print(f"error: {_one_line(str(error))}", file=err)
        return 2
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    except KeyboardInterrupt:
        print("error: interrupted", file=err)
        return 130
    return 0


def _track(args: argparse.Namespace, out: TextIO) -> None:
    customer = parse_customer(args.customer)
    with SevenSegmentsClient(args.token, base_url=args.target, timeout=args.timeout) as client:
        if args.command == "track":
            client.track(
                customer, args.event_type, properties=_pairs(args.properties), timestamp=args.timestamp
            )
        elif args.command == "update":
            client.update(customer, _pairs(args.properties))
        else:
            print(client.get_html(customer, args.html_campaign_name), file=out)


def _export(args: argparse.Namespace, out: TextIO) -> None:
    call = export_call(
        args.analysis_type,
        args.analysis_id,
        format=args.format,
        timezone=args.timezone,
        execution_time=args.execution_time,
        company=args.company,
    )
    username, password = export_credentials()
    with AuthenticatedSevenSegmentsClient(
        username, password, base_url=args.target, timeout=args.timeout
    ) as client:
        typed, raw = client._export(call)
    if raw is None:
        out.write(str(typed))
    else:
        print(json.dumps(raw, indent=2, ensure_ascii=False), file=out)


def export_credentials() -> tuple[str, str]:
    """The export's username and password: the environment, else a prompt in a terminal.

    Raises:
        ValueError: Not set, and no terminal to ask in; the message says what to set.
    """
    username = os.environ.get(USERNAME_VARIABLE)
    password = os.environ.get(PASSWORD_VARIABLE)
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if not username:
        if not interactive:
            raise ValueError(f"set ${USERNAME_VARIABLE} and ${PASSWORD_VARIABLE} for export")
        username = input("7SEGMENTS username: ").strip()
    if password is None:
        if not interactive:
            raise ValueError(f"set ${PASSWORD_VARIABLE} for export")
        password = getpass.getpass("7SEGMENTS password: ")
    return username, password


def parse_customer(text: str) -> Customer:
    """A customer on the command line: a registered id, or ids as a JSON object.

    Raises:
        ValueError: It starts with `{` and is not a JSON object.
    """
    if not text.startswith("{"):
        return text
    try:
        ids: Any = json.loads(text)
    except ValueError:
        raise ValueError(f"customer: not valid JSON ids: {text!r}") from None
    if not isinstance(ids, dict):
        raise ValueError(f'customer: expected a JSON object such as {{"cookie": "..."}}, not {text!r}')
    return ids


def _pairs(items: Sequence[str]) -> dict[str, str]:
    # Values are sent as strings: a command line cannot tell the number 5 from the text '5'.
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _UsageError(f"properties must look like KEY=VALUE, not {item!r}")
        pairs[key] = value
    return pairs


def _one_line(text: str) -> str:
    return " ".join(text.split())
