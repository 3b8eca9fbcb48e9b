"""`trackapis fakes serve`: the spec-validating fakes, for test suites in any language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ._common import CommandError, F

_EXAMPLES = """\b
examples:
  trackapis fakes serve --api interakt              # prints the URL, serves until Ctrl-C
  trackapis fakes serve --api all                   # one '<api> <url>' line per fake
  trackapis fakes serve --api interakt --port 8000 --interakt-api-key my-test-key

Point the code under test at the printed URL, with the test credentials (by default the fakes'
own, `trackapis.testing.TEST_CREDENTIALS`: e.g. Interakt's key is test-interakt-key). The fakes
validate every request against the API's OpenAPI document: a request the real API would reject
gets the error the spec documents. They bind to
127.0.0.1 only. They need the testing extra: pip install 'trackapis[testing]'.
"""

_APIS = ("interakt", "seven_segments", "attributionio")


@click.group("fakes", epilog=_EXAMPLES)
def fakes_commands() -> None:
    """Run the fake APIs on 127.0.0.1 for tests in any language."""


def _credential_option(name: str, api: str, key: str) -> Callable[[F], F]:
    return click.option(name, help=f"A test credential (default: TEST_CREDENTIALS[{api!r}][{key!r}]).")


@fakes_commands.command("serve", epilog=_EXAMPLES)
@click.option("--api", type=click.Choice([*_APIS, "all"]), required=True, help="Which API to fake.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="The port; 0 picks a free one.")
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An OpenAPI document of your own (one --api): validate against it, answer its examples.",
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON file of data to serve (one --api), as POST /__fake/seed takes it.",
)
@_credential_option("--interakt-api-key", "interakt", "api_key")
@_credential_option("--seven-segments-username", "seven_segments", "username")
@_credential_option("--seven-segments-password", "seven_segments", "password")
@_credential_option("--attributionio-public-key", "attributionio", "public_key")
@_credential_option("--attributionio-secret", "attributionio", "secret")
def _serve(api: str, port: int, spec: Path | None, seed: Path | None, **credentials: str | None) -> None:
    """Serve one fake (or all) until Ctrl-C; prints each URL on stdout as soon as it listens,
    then the credentials each accepts and its control plane (/__fake/)."""
    try:
        from ..testing import serve_fakes
    except ImportError as error:
        raise CommandError(
            f"the fakes need the testing extra ({error.name} is missing): pip install 'trackapis[testing]'"
        ) from None
    apis = list(_APIS) if api == "all" else [api]
    try:
        serve_fakes(apis, port=port, credentials=credentials, spec=spec, seed=seed)
    except (ValueError, RuntimeError, OSError) as error:
        raise CommandError(str(error)) from None
