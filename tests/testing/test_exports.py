"""The public surface of `trackapis.testing`."""

from __future__ import annotations

import importlib

import trackapis.testing
from trackapis.testing import API_NAMES, FAKES, FakeAPI


def test_all_is_sorted_and_without_duplicates() -> None:
    # The order of ruff's RUF022 (as tests/test_exported_members.py checks for every module):
    # SCREAMING_SNAKE_CASE, then CamelCase, then the rest.
    names = trackapis.testing.__all__

    # ruff's isort-style order (CONSTANTS, Classes, the rest), as tests/test_exported_members.py holds
    assert (
        sorted(names, key=lambda name: (0 if name.isupper() else 1 if name[0].isupper() else 2, name))
        == names
    )
    assert len(set(names)) == len(names)


def test_every_name_in_all_is_importable() -> None:
    module = importlib.import_module("trackapis.testing")

    missing = [name for name in module.__all__ if not hasattr(module, name)]

    assert missing == []
    namespace: dict[str, object] = {}
    exec(f"from trackapis.testing import {', '.join(module.__all__)}", namespace)
    assert set(module.__all__) <= set(namespace)


def test_every_fake_is_exported_under_its_api_name() -> None:
    assert list(API_NAMES) == list(FAKES)
    for api, fake in FAKES.items():
        assert issubclass(fake, FakeAPI)
        assert api == fake.api
        assert fake.__name__ in trackapis.testing.__all__
