"""Clients of the served `AttributionFake` with fast retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis.attributionio import AttributionClient
from trackapis.testing import AttributionFake


@pytest.fixture
def client(attributionio_fake: AttributionFake) -> Iterator[AttributionClient]:
    with AttributionClient(
        KEY,
        SECRET,
        private_base_url=attributionio_fake.url,
        base_url=attributionio_fake.url,
        retry_policy=FAST_RETRIES,
        timeout=2,
        deadline=5,
    ) as made:
        yield made
    attributionio_fake.disabled = False
