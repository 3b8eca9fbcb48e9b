"""Fixtures of the command-line tests."""

from __future__ import annotations

import pytest
from cli_helpers import API_KEY

from trackapis.testing import InteraktFake


@pytest.fixture
def in_env(interakt_fake: InteraktFake, monkeypatch: pytest.MonkeyPatch) -> InteraktFake:
    """The fake, with INTERAKT_API_KEY and INTERAKT_HOST pointing the in-process CLI at it."""
    monkeypatch.setenv("INTERAKT_API_KEY", API_KEY)
    monkeypatch.setenv("INTERAKT_HOST", interakt_fake.url)
    return interakt_fake
