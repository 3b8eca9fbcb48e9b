"""`trackapis fakes serve`: the spec-validating fakes, for test suites in any language."""

from __future__ import annotations

import argparse
import sys

from ._common import EXIT_OK, CommandError, CommandGroup, add_group_parser

_EXAMPLES = """\
examples:
  trackapis fakes serve --api interakt              # prints the URL, serves until Ctrl-C
  trackapis fakes serve --api all                   # one '<api> <url>' line per fake
  trackapis fakes serve --api interakt --port 8000 --interakt-api-key my-test-key

Point the code under test at the printed URL, with the test credentials (defaults below).
The fakes validate every request against the API's OpenAPI document: a request the real API
would reject gets the error the spec documents. They bind to 127.0.0.1 only. They need the
testing extra: pip install 'trackapis[testing]'.
"""


def _register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], group: CommandGroup) -> None:
    parser = add_group_parser(
        subparsers, group, description="Run the fake APIs on 127.0.0.1.", epilog=_EXAMPLES
    )
    commands = parser.add_subparsers(dest="fakes_command", required=True, metavar="{serve}")
    serve = commands.add_parser(
        "serve",
        help="serve one fake (or all) until interrupted",
        description="Serve fakes until Ctrl-C. Prints each URL on stdout as soon as it listens.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--api",
        choices=["interakt", "seven_segments", "attributionio", "all"],
        required=True,
        help="which API to fake",
    )
    serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    serve.add_argument(
        "--spec", help="an OpenAPI document of your own (one --api): validate against it, answer its examples"
    )
    serve.add_argument(
        "--seed", help="a JSON file of data to serve (one --api), as POST /__fake/seed takes it"
    )
    credentials = serve.add_argument_group("test credentials the fakes expect (not real ones)")
    credentials.add_argument("--interakt-api-key", default="test-interakt-key")
    credentials.add_argument("--seven-segments-username", default="test-user")
    credentials.add_argument("--seven-segments-password", default="test-password")
    credentials.add_argument("--attributionio-public-key", default="test-public-key")
    credentials.add_argument("--attributionio-secret", default="test-secret")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    try:
        from ..testing import __main__ as testing_cli
    except ImportError as error:
        raise CommandError(
            f"the fakes need the testing extra ({error.name} is missing): pip install 'trackapis[testing]'"
        ) from None
    forwarded = [
        "serve",
        "--api",
        args.api,
        "--port",
        str(args.port),
        "--interakt-api-key",
        args.interakt_api_key,
        "--seven-segments-username",
        args.seven_segments_username,
        "--seven-segments-password",
        args.seven_segments_password,
        "--attributionio-public-key",
        args.attributionio_public_key,
        "--attributionio-secret",
        args.attributionio_secret,
        *(["--spec", args.spec] if args.spec else []),
        *(["--seed", args.seed] if args.seed else []),
    ]
    status = testing_cli.main(forwarded)
    if status != EXIT_OK:
        sys.stderr.flush()
    return status


FAKES_COMMANDS = CommandGroup("fakes", "run the fake APIs on 127.0.0.1 for tests in any language", _register)
