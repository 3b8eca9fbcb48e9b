"""The Redis store on its own (the Store protocol), against a real redis-server."""

from __future__ import annotations

import logging
import time

import pytest
from fleet_redis import RedisServer

from trackapis.delivery._redis import RedisStore, RedisStoreOptions, partition_of
from trackapis.delivery._store import StoreError, open_store

LEASE = 2.0


def _open(url: str, owner: str) -> RedisStore:
    store = RedisStore(url)
    store.open(owner, LEASE)
    return store


def test_url_options_are_taken_out_and_the_password_is_masked() -> None:
    options = RedisStoreOptions.parse(
        "rediss://:s3cret@cache.example:6380/2?prefix=svc&partitions=8&ssl_cert_reqs=none"
    )
    assert options.prefix == "svc"
    assert options.partitions == 8
    assert options.connection_url == "rediss://:s3cret@cache.example:6380/2?ssl_cert_reqs=none"
    assert "s3cret" not in options.description
    assert (
        options.description == "rediss://:***@cache.example:6380/2?prefix=svc&partitions=8&ssl_cert_reqs=none"
    )


@pytest.mark.parametrize(
    "url",
    [
        "redis://",
        "http://host/0",
        "redis://host/0?partitions=0",
        "redis://host/0?prefix=a{b}",
        "redis://h/0?lease=x",
    ],
)
def test_bad_urls_are_refused_with_a_clear_message(url: str) -> None:
    with pytest.raises(ValueError, match=r"store URL"):
        RedisStoreOptions.parse(url)


def test_open_store_knows_the_redis_schemes(redis_url: str) -> None:
    store = open_store(redis_url)
    assert isinstance(store, RedisStore)
    assert store.delivers_locally is False
    assert isinstance(open_store(redis_url.replace("redis://", "rediss://")), RedisStore)


def test_an_unreachable_server_is_a_store_error_at_open(redis_server: RedisServer) -> None:
    store = RedisStore(f"redis://127.0.0.1:{redis_server.port + 1}/0", socket_timeout=0.5)
    with pytest.raises(StoreError, match=r"cannot use the Redis store at redis://127\.0\.0\.1"):
        store.open("owner", LEASE)


def test_messages_written_by_one_owner_are_delivered_by_the_holder_in_order(redis_url: str) -> None:
    writer, holder = _open(redis_url, "writer"), _open(redis_url, "holder")
    added = [(f"user-{n % 7}", f"event-{n}".encode()) for n in range(50)]
    ids = writer.write("writer", added, [])
    assert ids == sorted(ids)
    assert [i % writer.partitions for i in ids] == [partition_of(k, writer.partitions) for k, _ in added]
    # Each holds its half of the partitions; together they read everything, each key from one.
    by_writer, by_holder = writer.claim("writer", LEASE, 100), holder.claim("holder", LEASE, 100)
    assert len(writer.held) == len(holder.held) == writer.partitions // 2
    assert not {m.key for m in by_writer} & {m.key for m in by_holder}
    assert [(m.key, m.data) for m in sorted(by_writer + by_holder, key=lambda m: m.id)] == added
    assert writer.count() == 50
    writer.write("writer", [], ids)
    assert writer.count() == 0
    assert writer.fleet_counters()["queued"] == writer.fleet_counters()["settled"] == 50


def test_partitions_are_shared_fairly_and_taken_over_when_a_holder_stops_renewing(redis_url: str) -> None:
    a = _open(redis_url + "&partitions=8", "a")
    a.claim("a", LEASE, 100)
    assert len(a.held) == 8
    b = _open(redis_url + "&partitions=8", "b")
    for store, owner in [(b, "b"), (a, "a"), (a, "a"), (b, "b")]:
        store._next_rebalance = 0.0  # rebalancing is at most once a second
        store.claim(owner, LEASE, 100)
    assert sorted(a.held + b.held) == list(range(8))
    assert len(a.held) == len(b.held) == 4
    # b dies without releasing: a takes its partitions once their leases expire.
    ids = b.write("b", [(f"k{n}", b"x") for n in range(40)], [])
    claimed_by_a = {m.id for m in a.claim("a", LEASE, 100)}
    time.sleep(LEASE + 0.2)
    a.renew("a", LEASE)
    a._next_rebalance = 0.0
    claimed_by_a |= {m.id for m in a.claim("a", LEASE, 100)}
    assert len(a.held) == 8
    assert claimed_by_a == set(ids)


def test_a_clean_release_hands_partitions_over_at_once(redis_url: str) -> None:
    a = _open(redis_url, "a")
    ids = a.write("a", [("k", b"1"), ("k", b"2")], [])
    assert [m.id for m in a.claim("a", LEASE, 10)] == ids  # takes the partitions, then reads
    assert a.claim("a", LEASE, 10) == []  # already handed over
    a.release("a")
    b = _open(redis_url, "b")
    assert [m.data for m in b.claim("b", LEASE, 10)] == [b"1", b"2"]  # unsettled: delivered again


def test_a_stored_partition_count_wins_unless_the_url_asks_for_another(redis_url: str) -> None:
    _open(redis_url + "&partitions=4", "a")
    assert _open(redis_url, "b").partitions == 4
    with pytest.raises(StoreError, match="has 4 partitions, not 5"):
        _open(redis_url + "&partitions=5", "c")


def test_writes_fail_over_to_memory_when_redis_is_down_and_resume_after(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = own_redis_server.store_url("failover")
    store = RedisStore(url, socket_timeout=0.5)
    store.open("a", LEASE)
    first = store.write("a", [("k", b"1")], [])
    own_redis_server.stop()
    with caplog.at_level(logging.WARNING, "trackapis.delivery"):
        local = store.write("a", [("k", b"2"), ("j", b"3")], first)
    assert all(i < 0 for i in local)
    assert store.failed_over == 2
    assert "queued in this process's memory" in caplog.text
    assert [(m.id, m.data) for m in store.claim("a", LEASE, 10)] == [(local[0], b"2"), (local[1], b"3")]
    own_redis_server.restart()
    store._down_until = 0.0
    store.write("a", [], local)  # the failed removal of `first` goes with this write
    assert store.count() == 0


def test_with_on_outage_drop_the_writes_are_refused_while_redis_is_down(
    own_redis_server: RedisServer,
) -> None:
    store = RedisStore(own_redis_server.store_url("drop", on_outage="drop"), socket_timeout=0.5)
    store.open("a", LEASE)
    own_redis_server.stop()
    assert store.write("a", [("k", b"1")], []) == [None]
    assert store.dropped_on_outage == 1
    assert store.claim("a", LEASE, 10) == []


def test_what_waits_in_memory_goes_to_redis_when_leaving_if_it_is_back(own_redis_server: RedisServer) -> None:
    store = RedisStore(own_redis_server.store_url("leave"), socket_timeout=0.5)
    store.open("a", LEASE)
    own_redis_server.stop()
    local = store.write("a", [("k", b"1"), ("k", b"2")], [])
    assert [m.id for m in store.claim("a", LEASE, 1)] == local[:1]  # one handed to the engine
    own_redis_server.restart()
    store.release("a")  # neither was delivered: both go to Redis for the fleet
    other = RedisStore(own_redis_server.store_url("leave"))
    other.open("b", LEASE)
    assert [m.data for m in other.claim("b", LEASE, 10)] == [b"1", b"2"]
