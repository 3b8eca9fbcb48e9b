"""Serve fakes in the foreground for other languages' test suites: the one implementation behind
`python -m trackapis.testing serve` and `trackapis fakes serve`."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from ._app import FakeAPI
from ._attributionio import AttributionFake
from ._credentials import TEST_CREDENTIALS
from ._interakt import InteraktFake
from ._server import run_forever
from ._seven_segments import SevenSegmentsFake

_AUTH_HINT = {
    "interakt": "Basic auth: the API key as username, empty password",
    "seven_segments": "Basic auth on /analytics; company_id in tracking bodies",
    "attributionio": "public_key in bodies and paths, ?secret= on the private API",
}


def _credential(credentials: Mapping[str, str | None], api: str, key: str) -> str:
    given = credentials.get(f"{api}_{key}")
    return given if given is not None else TEST_CREDENTIALS[api][key]


def _build(api: str, credentials: Mapping[str, str | None], spec: Path | None) -> FakeAPI:
    if api == "interakt":
        return InteraktFake(api_key=_credential(credentials, api, "api_key"), spec=spec)
    if api == "seven_segments":
        return SevenSegmentsFake(
            _credential(credentials, api, "username"), _credential(credentials, api, "password"), spec=spec
        )
    return AttributionFake(
        _credential(credentials, api, "public_key"), _credential(credentials, api, "secret"), spec=spec
    )


def serve_fakes(
    apis: Sequence[str],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    credentials: Mapping[str, str | None] | None = None,
    spec: Path | None = None,
    seed: Path | None = None,
    out: TextIO | None = None,
) -> None:
    """Serve the fakes of `apis` until interrupted, printing each URL first, then for people
    '#' lines with the credentials each accepts and its control plane.

    Args:
        apis: API names (`interakt`, `seven_segments`, `attributionio`).
        host: A loopback address.
        port: The port (0: a free one; several fakes need 0).
        credentials: Test credentials by option name (`interakt_api_key`, `seven_segments_username`,
            ...); missing or None ones are `TEST_CREDENTIALS`'.
        spec: An OpenAPI document of the user's own for the one API served.
        seed: A JSON file of data for the one API served, as `POST /__fake/seed` takes it.
        out: Where the lines go (default stdout).

    Raises:
        ValueError: Options that do not fit together, a bad spec or seed, a non-loopback host.
        OSError, RuntimeError: The port cannot be bound.
    """
    stream = out or sys.stdout
    for option, value in (("spec", spec), ("seed", seed)):
        if value is not None and len(apis) != 1:
            raise ValueError(f"--{option} needs one --api, not all")
    fakes = [_build(api, credentials or {}, spec) for api in apis]
    if seed is not None:
        data = json.loads(seed.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"--seed: {str(seed)!r} must hold a JSON object")
        fakes[0].seed(data)

    def announce(fakes: list[FakeAPI]) -> None:
        # The URL lines first (scripts read them), then '#' lines for people.
        for fake in fakes:
            print(fake.url if len(fakes) == 1 else f"{fake.api} {fake.url}", file=stream)
        for fake in fakes:
            accepted = ", ".join(f"{name}={value}" for name, value in fake.credentials().items())
            print(f"# {fake.api} accepts {accepted} ({_AUTH_HINT[fake.api]})", file=stream)
            print(
                f"# {fake.api} control plane: {fake.url}/__fake/ (health, received, reset, faults, seed)",
                file=stream,
            )
        stream.flush()

    run_forever(fakes, host=host, port=port, on_ready=announce)
