"""httpx clients pointed at the plugin's fakes, carrying the credentials the fakes expect by default."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake

INTERAKT_KEY = "test-interakt-key"
SEVEN_SEGMENTS_USER = "test-user"
SEVEN_SEGMENTS_PASSWORD = "test-password"
ATTRIBUTION_PUBLIC_KEY = "test-public-key"
ATTRIBUTION_SECRET = "test-secret"


@pytest.fixture
def interakt_client(interakt_fake: InteraktFake) -> Iterator[httpx.Client]:
    """A client with the Interakt fake's API key as Basic-auth username and an empty password."""
    with httpx.Client(
        base_url=interakt_fake.url, auth=httpx.BasicAuth(INTERAKT_KEY, ""), timeout=5
    ) as client:
        yield client


@pytest.fixture
def seven_segments_client(seven_segments_fake: SevenSegmentsFake) -> Iterator[httpx.Client]:
    """A client without credentials: tracking calls carry none."""
    with httpx.Client(base_url=seven_segments_fake.url, timeout=5) as client:
        yield client


@pytest.fixture
def attributionio_client(attributionio_fake: AttributionFake) -> Iterator[httpx.Client]:
    """A client without credentials: the public API carries the public key in the body."""
    with httpx.Client(base_url=attributionio_fake.url, timeout=5) as client:
        yield client
