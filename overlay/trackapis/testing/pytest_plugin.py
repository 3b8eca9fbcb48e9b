"""pytest fixtures serving the fakes on 127.0.0.1.

Enable with `-p trackapis.testing.pytest_plugin` or `pytest_plugins = ["trackapis.testing.pytest_plugin"]`.
Each fake is started once per session and reset (state, recorded requests, faults) before
every test that uses it. Override `interakt_fake_options` (and the others) to change the
credentials the fakes expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._attributionio import AttributionFake
from ._interakt import InteraktFake
from ._server import serve
from ._seven_segments import SevenSegmentsFake


@pytest.fixture(scope="session")
def interakt_fake_options() -> dict[str, Any]:
    """Keyword arguments of `InteraktFake`."""
    return {}


@pytest.fixture(scope="session")
def seven_segments_fake_options() -> dict[str, Any]:
    """Keyword arguments of `SevenSegmentsFake`."""
    return {}


@pytest.fixture(scope="session")
def attributionio_fake_options() -> dict[str, Any]:
    """Keyword arguments of `AttributionFake`."""
    return {}


@pytest.fixture(scope="session")
def _interakt_fake_server(interakt_fake_options: dict[str, Any]) -> Iterator[InteraktFake]:
    with serve(InteraktFake(**interakt_fake_options)) as fake:
        yield fake


@pytest.fixture(scope="session")
def _seven_segments_fake_server(seven_segments_fake_options: dict[str, Any]) -> Iterator[SevenSegmentsFake]:
    with serve(SevenSegmentsFake(**seven_segments_fake_options)) as fake:
        yield fake


@pytest.fixture(scope="session")
def _attributionio_fake_server(attributionio_fake_options: dict[str, Any]) -> Iterator[AttributionFake]:
    with serve(AttributionFake(**attributionio_fake_options)) as fake:
        yield fake


@pytest.fixture
def interakt_fake(_interakt_fake_server: InteraktFake) -> InteraktFake:
    """A served, freshly reset `InteraktFake`; its base URL is `.url`."""
    _interakt_fake_server.reset()
    return _interakt_fake_server


@pytest.fixture
def seven_segments_fake(_seven_segments_fake_server: SevenSegmentsFake) -> SevenSegmentsFake:
    """A served, freshly reset `SevenSegmentsFake`; its base URL is `.url`."""
    _seven_segments_fake_server.reset()
    return _seven_segments_fake_server


@pytest.fixture
def attributionio_fake(_attributionio_fake_server: AttributionFake) -> AttributionFake:
    """A served, freshly reset `AttributionFake`; its base URL is `.url`."""
    _attributionio_fake_server.reset()
    return _attributionio_fake_server
