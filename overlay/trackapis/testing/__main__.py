"""`python -m trackapis.testing serve --api interakt --port 0`: run fakes on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys

from . import FAKES, AttributionFake, FakeAPI, InteraktFake, SevenSegmentsFake
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
    serve.add_argument("--interakt-api-key", default="test-interakt-key")
    serve.add_argument("--seven-segments-username", default="test-user")
    serve.add_argument("--seven-segments-password", default="test-password")
    serve.add_argument("--attributionio-public-key", default="test-public-key")
    serve.add_argument("--attributionio-secret", default="test-secret")
    return parser


def _build(api: str, args: argparse.Namespace) -> FakeAPI:
    if api == "interakt":
        return InteraktFake(api_key=args.interakt_api_key)
    if api == "seven_segments":
        return SevenSegmentsFake(args.seven_segments_username, args.seven_segments_password)
    return AttributionFake(args.attributionio_public_key, args.attributionio_secret)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
