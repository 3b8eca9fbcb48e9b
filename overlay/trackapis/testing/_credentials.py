"""The test credentials the fakes expect by default: the one place they are written.

Stdlib only, so that `trackapis fakes serve --help` can show them without importing the fakes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# Per API, the credentials its security schemes need (keyed as `contract.CREDENTIALS` and the
# fakes' constructors name them). Not secrets: anyone may use them against a fake.
TEST_CREDENTIALS: Final[Mapping[str, Mapping[str, str]]] = {
    "interakt": {"api_key": "test-interakt-key"},
    "seven_segments": {"username": "test-user", "password": "test-password"},
    "attributionio": {"public_key": "test-public-key", "secret": "test-secret"},
}
