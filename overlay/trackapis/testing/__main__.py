"""`python -m trackapis.testing serve|fuzz`: fakes on 127.0.0.1, or the contract suite against a server."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

from . import FAKES
from ._credentials import TEST_CREDENTIALS
from ._serve_fakes import serve_fakes
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
        "'<api> <url>' lines for --api all; then '#' lines with the credentials each fake accepts "
        "and its control plane (GET /__fake/health, GET /__fake/received, POST /__fake/reset, "
        "/__fake/faults, /__fake/seed). The credentials are test values for the fake only.",
    )
    serve.add_argument("--api", choices=[*API_NAMES, "all"], required=True, help="which API to fake")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    serve.add_argument(
        "--spec",
        type=Path,
        help="an OpenAPI document of your own for the one --api served: requests are validated "
        "against it, and operations the fake has no state for answer the spec's examples",
    )
    serve.add_argument(
        "--seed",
        type=Path,
        help="a JSON file of data for the one --api served, as POST /__fake/seed takes it "
        "(7SEGMENTS campaigns and analyses, Attribution.io customers, Interakt users)",
    )
    serve.add_argument("--interakt-api-key", default=TEST_CREDENTIALS["interakt"]["api_key"])
    serve.add_argument("--seven-segments-username", default=TEST_CREDENTIALS["seven_segments"]["username"])
    serve.add_argument("--seven-segments-password", default=TEST_CREDENTIALS["seven_segments"]["password"])
    serve.add_argument("--attributionio-public-key", default=TEST_CREDENTIALS["attributionio"]["public_key"])
    serve.add_argument("--attributionio-secret", default=TEST_CREDENTIALS["attributionio"]["secret"])
    fuzz = commands.add_parser(
        "fuzz",
        help="run the schemathesis contract suite against a server",
        description="Fuzz every operation of one API's spec (packaged, or --spec) against a running server "
        "(a fake or your own implementation) and check each answer against the spec. Prints a table per "
        "operation (examples, statuses seen, checks failed) and fails when any check fails or any "
        "operation never got a 2xx answer. Needs "
        "pip install 'trackapis[contract]'. Credentials come from the environment: "
        + "; ".join(f"{api}: {', '.join(_ENV[api].values())}" for api in API_NAMES)
        + " (default: the fakes' test values). Extra arguments after -- go to pytest.",
    )
    fuzz.add_argument("--api", choices=list(API_NAMES), required=True, help="which API's spec")
    fuzz.add_argument("--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8000")
    fuzz.add_argument(
        "--spec",
        type=Path,
        help="an OpenAPI document of your own (YAML or JSON) instead of the packaged one; --api still "
        "names the credentials its security schemes take",
    )
    fuzz.add_argument("--max-examples", type=int, default=50, help="examples per operation (default 50)")
    fuzz.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    return parser


# Environment variables holding each API's credentials for `fuzz`.
_ENV = {
    "interakt": {"api_key": "INTERAKT_API_KEY"},
    "seven_segments": {"username": "SEVEN_SEGMENTS_USERNAME", "password": "SEVEN_SEGMENTS_PASSWORD"},
    "attributionio": {"public_key": "ATTRIBUTIONIO_API_KEY", "secret": "ATTRIBUTIONIO_API_SECRET"},
}


# How each API carries the credentials `serve` prints.
def _fuzz(args: argparse.Namespace) -> int:
    # Only looked up, not imported: schemathesis is a pytest plugin, which pytest must import itself.
    missing = [name for name in ("pytest", "schemathesis") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"error: fuzz needs {missing[0]}: pip install 'trackapis[contract]'", file=sys.stderr)
        return 2
    import pytest

    if args.spec is not None and not args.spec.is_file():
        print(f"error: --spec: no such file {str(args.spec)!r}", file=sys.stderr)
        return 2
    credentials = {name: os.environ[var] for name, var in _ENV[args.api].items() if os.environ.get(var)}
    os.environ.update(
        {
            "TRACKAPIS_CONTRACT_API": args.api,
            "TRACKAPIS_CONTRACT_URL": args.url,
            "TRACKAPIS_CONTRACT_MAX_EXAMPLES": str(args.max_examples),
            "TRACKAPIS_CONTRACT_CREDENTIALS": json.dumps(credentials),
            "TRACKAPIS_CONTRACT_SPEC": str(args.spec.resolve()) if args.spec is not None else "",
        }
    )
    return int(
        pytest.main(
            [
                str(Path(__file__).with_name("_contract_suite.py")),
                "-p",
                "no:cacheprovider",
                "-p",
                "trackapis.testing._contract_plugin",
                *args.pytest_args,
            ]
        )
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "fuzz":
        return _fuzz(args)
    apis = list(FAKES) if args.api == "all" else [args.api]
    credentials = {
        option: getattr(args, option)
        for option in (
            "interakt_api_key",
            "seven_segments_username",
            "seven_segments_password",
            "attributionio_public_key",
            "attributionio_secret",
        )
    }
    try:
        serve_fakes(
            apis, host=args.host, port=args.port, credentials=credentials, spec=args.spec, seed=args.seed
        )
    except (ValueError, RuntimeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
