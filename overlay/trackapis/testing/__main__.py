"""`python -m trackapis.testing serve|fuzz`: fakes on 127.0.0.1, or the contract suite against a server."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

from . import FAKES, AttributionFake, FakeAPI, InteraktFake, SevenSegmentsFake
from ._credentials import TEST_CREDENTIALS
from ._server import run_forever
from ._specs import API_NAMES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trackapis.testing",
        description="Run spec-validating fakes of the tracking APIs on a loopback address.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve one fake (or all) until interrupted",
        description="Serve fakes until interrupted. Prints the URL of each: one line for one API, "
        "'<api> <url>' lines for --api all. The credentials are test values for the fake only.",
    )
    serve.add_argument("--api", choices=[*API_NAMES, "all"], required=True, help="which API to fake")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    serve.add_argument("--interakt-api-key", default=TEST_CREDENTIALS["interakt"]["api_key"])
    serve.add_argument("--seven-segments-username", default=TEST_CREDENTIALS["seven_segments"]["username"])
    serve.add_argument("--seven-segments-password", default=TEST_CREDENTIALS["seven_segments"]["password"])
    serve.add_argument("--attributionio-public-key", default=TEST_CREDENTIALS["attributionio"]["public_key"])
    serve.add_argument("--attributionio-secret", default=TEST_CREDENTIALS["attributionio"]["secret"])
    fuzz = commands.add_parser(
        "fuzz",
        help="run the schemathesis contract suite against a server",
        description="Fuzz every operation of one API's packaged spec against a running server (a fake "
        "or your own implementation) and check each answer against the spec. Needs "
        "pip install 'trackapis[contract]'. Credentials come from the environment: "
        + "; ".join(f"{api}: {', '.join(_ENV[api].values())}" for api in API_NAMES)
        + " (default: the fakes' test values). Extra arguments after -- go to pytest.",
    )
    fuzz.add_argument("--api", choices=list(API_NAMES), required=True, help="which API's spec")
    fuzz.add_argument("--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8000")
    fuzz.add_argument("--max-examples", type=int, default=50, help="examples per operation (default 50)")
    fuzz.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    return parser


# Environment variables holding each API's credentials for `fuzz`.
_ENV = {
    "interakt": {"api_key": "INTERAKT_API_KEY"},
    "seven_segments": {"username": "SEVEN_SEGMENTS_USERNAME", "password": "SEVEN_SEGMENTS_PASSWORD"},
    "attributionio": {"public_key": "ATTRIBUTIONIO_API_KEY", "secret": "ATTRIBUTIONIO_API_SECRET"},
}


def _fuzz(args: argparse.Namespace) -> int:
    # Only looked up, not imported: schemathesis is a pytest plugin, which pytest must import itself.
    missing = [name for name in ("pytest", "schemathesis") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"error: fuzz needs {missing[0]}: pip install 'trackapis[contract]'", file=sys.stderr)
        return 2
    import pytest

    credentials = {name: os.environ[var] for name, var in _ENV[args.api].items() if os.environ.get(var)}
    os.environ.update(
        {
            "TRACKAPIS_CONTRACT_API": args.api,
            "TRACKAPIS_CONTRACT_URL": args.url,
            "TRACKAPIS_CONTRACT_MAX_EXAMPLES": str(args.max_examples),
            "TRACKAPIS_CONTRACT_CREDENTIALS": json.dumps(credentials),
        }
    )
    return int(
        pytest.main(
            [str(Path(__file__).with_name("_contract_suite.py")), "-p", "no:cacheprovider", *args.pytest_args]
        )
    )


def _build(api: str, args: argparse.Namespace) -> FakeAPI:
    if api == "interakt":
        return InteraktFake(api_key=args.interakt_api_key)
    if api == "seven_segments":
        return SevenSegmentsFake(args.seven_segments_username, args.seven_segments_password)
    return AttributionFake(args.attributionio_public_key, args.attributionio_secret)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "fuzz":
        return _fuzz(args)
    apis = list(FAKES) if args.api == "all" else [args.api]

    def announce(fakes: list[FakeAPI]) -> None:
        for fake in fakes:
            print(fake.url if len(fakes) == 1 else f"{fake.api} {fake.url}", flush=True)

    try:
        run_forever([_build(api, args) for api in apis], host=args.host, port=args.port, on_ready=announce)
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
