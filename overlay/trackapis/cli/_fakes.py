"""`trackapis fakes serve`: the spec-validating fakes, for test suites in any language."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

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
@_credential_option("--interakt-api-key", "interakt", "api_key")
@_credential_option("--seven-segments-username", "seven_segments", "username")
@_credential_option("--seven-segments-password", "seven_segments", "password")
@_credential_option("--attributionio-public-key", "attributionio", "public_key")
@_credential_option("--attributionio-secret", "attributionio", "secret")
def _serve(api: str, port: int, **credentials: str) -> None:
    """Serve one fake (or all) until Ctrl-C; prints each URL on stdout as soon as it listens."""
    try:
        from ..testing import (
            TEST_CREDENTIALS,
            AttributionFake,
            FakeAPI,
            InteraktFake,
            SevenSegmentsFake,
            serve,
        )
    except ImportError as error:
        raise CommandError(
            f"the fakes need the testing extra ({error.name} is missing): pip install 'trackapis[testing]'"
        ) from None
    for option, value in list(credentials.items()):
        if value is None:
            for api_name in _APIS:
                if option.startswith(api_name + "_"):
                    credentials[option] = TEST_CREDENTIALS[api_name][option[len(api_name) + 1 :]]
    apis = list(_APIS) if api == "all" else [api]
    if port and len(apis) > 1:
        raise CommandError("--port must be 0 (free ports) when serving several fakes")
    builders: dict[str, Any] = {
        "interakt": lambda: InteraktFake(api_key=credentials["interakt_api_key"]),
        "seven_segments": lambda: SevenSegmentsFake(
            credentials["seven_segments_username"], credentials["seven_segments_password"]
        ),
        "attributionio": lambda: AttributionFake(
            credentials["attributionio_public_key"], credentials["attributionio_secret"]
        ),
    }
    fakes: list[FakeAPI] = [builders[name]() for name in apis]
    with contextlib.ExitStack() as stack:
        try:
            for fake in fakes:
                stack.enter_context(serve(fake, port=port))
        except (ValueError, RuntimeError, OSError) as error:
            raise CommandError(str(error)) from None
        for fake in fakes:
            click.echo(fake.url if len(fakes) == 1 else f"{fake.api} {fake.url}")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
