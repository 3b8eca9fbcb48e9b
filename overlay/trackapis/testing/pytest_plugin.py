"""pytest fixtures serving the fakes on 127.0.0.1.

Enable with `-p trackapis.testing.pytest_plugin` or `pytest_plugins = ["trackapis.testing.pytest_plugin"]`.
Each fake is started once per session and reset (state, recorded requests, faults) before
every test that uses it. Override `interakt_fake_options` (and the others) to change the
credentials the fakes expect.

Clients pointed at the fakes: `interakt_fake_client` (an `InteraktClient` with the fake's key;
call `.flush()` before asserting), and `interakt_fake_env` (sets `INTERAKT_API_KEY` and
`INTERAKT_HOST` for code that reads its settings from the environment);
`seven_segments_fake_client` (a buffered `SevenSegmentsClient`), `seven_segments_fake_exports`
(an `AuthenticatedSevenSegmentsClient` with the fake's username and password) and
`attributionio_fake_client` (an `AttributionClient` with the fake's key and secret).

The options fixtures take the fakes' keyword arguments, `spec` (an OpenAPI document of your own)
included. After the run, the per-operation table of each `trackapis.testing.contract.ContractReport`
is printed, and the session fails when an operation was fuzzed but never got a 2xx answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypedDict

import pytest

from ._attributionio import AttributionFake
from ._contract_plugin import pytest_sessionfinish, pytest_terminal_summary  # noqa: F401 - contract reports
from ._credentials import TEST_CREDENTIALS
from ._interakt import InteraktFake
from ._server import serve
from ._seven_segments import SevenSegmentsFake

if TYPE_CHECKING:
    from ..attributionio import AttributionClient
    from ..interakt import InteraktClient
    from ..seven_segments import AuthenticatedSevenSegmentsClient, SevenSegmentsClient

__all__ = [
    "SEVEN_SEGMENTS_TEST_TOKEN",
    "AttributionFakeOptions",
    "InteraktFakeOptions",
    "SevenSegmentsFakeOptions",
    "attributionio_fake",
    "attributionio_fake_client",
    "attributionio_fake_options",
    "attributionio_fake_session",
    "interakt_fake",
    "interakt_fake_client",
    "interakt_fake_env",
    "interakt_fake_options",
    "interakt_fake_session",
    "seven_segments_fake",
    "seven_segments_fake_client",
    "seven_segments_fake_exports",
    "seven_segments_fake_options",
    "seven_segments_fake_session",
]

SEVEN_SEGMENTS_TEST_TOKEN = "test-company-token"


class InteraktFakeOptions(TypedDict, total=False):
    """What `interakt_fake_options` may return: keyword arguments of `InteraktFake`."""

    api_key: str
    spec: str | os.PathLike[str]


class SevenSegmentsFakeOptions(TypedDict, total=False):
    """What `seven_segments_fake_options` may return: keyword arguments of `SevenSegmentsFake`."""

    username: str
    password: str
    company_tokens: frozenset[str] | set[str]
    spec: str | os.PathLike[str]


class AttributionFakeOptions(TypedDict, total=False):
    """What `attributionio_fake_options` may return: keyword arguments of `AttributionFake`."""

    public_key: str
    secret: str
    disabled: bool
    spec: str | os.PathLike[str]


@pytest.fixture(scope="session")
def interakt_fake_options() -> InteraktFakeOptions:
    """Keyword arguments of `InteraktFake`."""
    return {}


@pytest.fixture(scope="session")
def seven_segments_fake_options() -> SevenSegmentsFakeOptions:
    """Keyword arguments of `SevenSegmentsFake`."""
    return {}


@pytest.fixture(scope="session")
def attributionio_fake_options() -> AttributionFakeOptions:
    """Keyword arguments of `AttributionFake`."""
    return {}


@pytest.fixture(scope="session")
def interakt_fake_session(interakt_fake_options: InteraktFakeOptions) -> Iterator[InteraktFake]:
    """The session's served `InteraktFake`, not reset: for schemathesis tests (`@schema.parametrize()`),
    which Hypothesis' `function_scoped_fixture` health check forbids `interakt_fake` in."""
    with serve(InteraktFake(**interakt_fake_options)) as fake:
        yield fake


@pytest.fixture(scope="session")
def seven_segments_fake_session(
    seven_segments_fake_options: SevenSegmentsFakeOptions,
) -> Iterator[SevenSegmentsFake]:
    """The session's served `SevenSegmentsFake`, not reset (see `interakt_fake_session`)."""
    with serve(SevenSegmentsFake(**seven_segments_fake_options)) as fake:
        yield fake


@pytest.fixture(scope="session")
def attributionio_fake_session(
    attributionio_fake_options: AttributionFakeOptions,
) -> Iterator[AttributionFake]:
    """The session's served `AttributionFake`, not reset (see `interakt_fake_session`)."""
    with serve(AttributionFake(**attributionio_fake_options)) as fake:
        yield fake


@pytest.fixture
def interakt_fake(interakt_fake_session: InteraktFake) -> InteraktFake:
    """A served, freshly reset `InteraktFake`; its base URL is `.url`."""
    interakt_fake_session.reset()
    return interakt_fake_session


@pytest.fixture
def seven_segments_fake(seven_segments_fake_session: SevenSegmentsFake) -> SevenSegmentsFake:
    """A served, freshly reset `SevenSegmentsFake`; its base URL is `.url`."""
    seven_segments_fake_session.reset()
    return seven_segments_fake_session


@pytest.fixture
def attributionio_fake(attributionio_fake_session: AttributionFake) -> AttributionFake:
    """A served, freshly reset `AttributionFake`; its base URL is `.url`."""
    attributionio_fake_session.reset()
    return attributionio_fake_session


# -- clients pointed at the fakes ---------------------------------------------------------------------


def _interakt_key(options: InteraktFakeOptions) -> str:
    return options.get("api_key", TEST_CREDENTIALS["interakt"]["api_key"])


@pytest.fixture
def interakt_fake_client(
    interakt_fake: InteraktFake, interakt_fake_options: InteraktFakeOptions
) -> Iterator[InteraktClient]:
    """An `InteraktClient` pointed at `interakt_fake`, shut down after the test."""
    from ..interakt import InteraktClient

    client = InteraktClient(
        _interakt_key(interakt_fake_options), base_url=interakt_fake.url, shutdown_timeout=5
    )
    try:
        yield client
    finally:
        client.shutdown()


@pytest.fixture
def interakt_fake_env(
    interakt_fake: InteraktFake, interakt_fake_options: InteraktFakeOptions, monkeypatch: pytest.MonkeyPatch
) -> InteraktFake:
    """`INTERAKT_API_KEY` and `INTERAKT_HOST` set to the fake's, for the test's duration."""
    monkeypatch.setenv("INTERAKT_API_KEY", _interakt_key(interakt_fake_options))
    monkeypatch.setenv("INTERAKT_HOST", interakt_fake.url)
    return interakt_fake


@pytest.fixture
def seven_segments_fake_client(
    seven_segments_fake: SevenSegmentsFake, seven_segments_fake_options: SevenSegmentsFakeOptions
) -> Iterator[SevenSegmentsClient]:
    """A buffered `SevenSegmentsClient` pointed at `seven_segments_fake`, with a company token the
    fake accepts (the first of `company_tokens` in sorted order, else `test-company-token`); call
    `.flush()` before asserting. Shut down after the test."""
    from ..seven_segments import SevenSegmentsClient

    tokens = sorted(seven_segments_fake_options.get("company_tokens") or ())
    token = tokens[0] if tokens else SEVEN_SEGMENTS_TEST_TOKEN
    client = SevenSegmentsClient(token, base_url=seven_segments_fake.url, background=True, shutdown_timeout=5)
    try:
        yield client
    finally:
        client.shutdown()


@pytest.fixture
def seven_segments_fake_exports(
    seven_segments_fake: SevenSegmentsFake, seven_segments_fake_options: SevenSegmentsFakeOptions
) -> Iterator[AuthenticatedSevenSegmentsClient]:
    """An `AuthenticatedSevenSegmentsClient` with the fake's username and password."""
    from ..seven_segments import AuthenticatedSevenSegmentsClient

    client = AuthenticatedSevenSegmentsClient(
        seven_segments_fake_options.get("username", TEST_CREDENTIALS["seven_segments"]["username"]),
        seven_segments_fake_options.get("password", TEST_CREDENTIALS["seven_segments"]["password"]),
        base_url=seven_segments_fake.url,
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def attributionio_fake_client(
    attributionio_fake: AttributionFake, attributionio_fake_options: AttributionFakeOptions
) -> Iterator[AttributionClient]:
    """An `AttributionClient` (sending at once) with the fake's public key and secret, both hosts
    pointed at `attributionio_fake`. Closed after the test."""
    from ..attributionio import AttributionClient

    client = AttributionClient(
        attributionio_fake_options.get("public_key", TEST_CREDENTIALS["attributionio"]["public_key"]),
        attributionio_fake_options.get("secret", TEST_CREDENTIALS["attributionio"]["secret"]),
        base_url=attributionio_fake.url,
        private_base_url=attributionio_fake.url,
    )
    try:
        yield client
    finally:
        client.close()
