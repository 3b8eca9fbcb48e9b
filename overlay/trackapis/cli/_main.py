"""`trackapis`: the top-level parser and `main(argv) -> exit status`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ._common import EXIT_INTERRUPTED, EXIT_USAGE, CommandError, CommandGroup
from ._registry import COMMAND_GROUPS

_DESCRIPTION = """\
trackapis: send users and events to Interakt, 7SEGMENTS and Attribution.io, load files of them
resumably, and run fake APIs for tests.

Credentials come from environment variables only (never the command line), e.g.
  export INTERAKT_API_KEY=<the Secret Key from the Interakt dashboard>
  export SEVEN_SEGMENTS_TOKEN=<the company token>          # for `import seven-segments`
  export SEVEN_SEGMENTS_USERNAME=... SEVEN_SEGMENTS_PASSWORD=...   # for `seven-segments export`
  export ATTRIBUTIONIO_API_KEY=<public key> ATTRIBUTIONIO_API_SECRET=<secret>
"""

_EPILOG = """\
examples:
  trackapis interakt user --user-id 42 --trait name="John Doe"
  trackapis interakt event "Order Placed" --user-id 42 --trait orderValue=50.00
  trackapis import interakt users users.csv          # run again after Ctrl-C to resume
  trackapis seven-segments track <company token> john123 purchase --properties amount=5
  trackapis seven-segments export funnel <analysis id>
  trackapis import seven-segments events events.jsonl
  trackapis attributionio event <AttrioP cookie value> signup --client-id john@example.com
  trackapis fakes serve --api interakt               # a fake Interakt on 127.0.0.1

`trackapis <command> --help` explains each command.
"""


def build_parser(groups: Sequence[CommandGroup] = COMMAND_GROUPS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trackapis",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"trackapis {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in groups:
        group.register(subparsers, group)
    return parser


def main(argv: Sequence[str] | None = None, *, groups: Sequence[CommandGroup] = COMMAND_GROUPS) -> int:
    """Run `trackapis` with `argv` (default: the process's arguments); returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    forwarded = {group.name: group.forward for group in groups if group.forward is not None}
    try:
        if arguments and arguments[0] in forwarded:
            return forwarded[arguments[0]](arguments[1:])
        args = build_parser(groups).parse_args(arguments)
        status: int = args.handler(args)
    except CommandError as error:
        print(f"trackapis: error: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("trackapis: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return status


__all__ = ["EXIT_USAGE", "build_parser", "main"]
