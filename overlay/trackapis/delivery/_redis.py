"""The fleet store: one durable queue in Redis, shared by any number of processes on any number of hosts.

`store="redis://host:6379/0?prefix=myservice"` (also `rediss://`, `redis://:password@host/0`). Every
process using the same URL (and the same prefix) shares one queue:

- Messages are hashed by key into `partitions` Redis streams (`{prefix}:p:<n>`). A partition is
  delivered by one process at a time, under a lease (`{prefix}:lease:<n>`, a key with a TTL that its
  holder renews), so per-key order holds across the fleet. Each live process holds about
  `partitions / processes` of them; a process that joins gets its share as the others release
  theirs (a holder releases a partition only once what it read from it has settled).
- A message is added by the process that accepted it (in the engine's writer thread, group-committed
  every `store_sync_interval`) and deleted by the one that settled it. A process killed with
  kill -9 leaves its partitions' messages in Redis; after its lease expires, others take the
  partitions over and deliver them from the oldest, so only what was in flight at the crash is sent
  twice (at-least-once).
- When Redis cannot be reached to write, the accepted messages fail over to the process's own
  memory queue (a warning, and the `failed_over` counter), so the caller is never blocked; the
  store reconnects at the next write. Those messages are delivered by this process and are lost if
  it dies before Redis comes back.

Store ids are `sequence * partitions + partition`: increasing in the order they were written
(one counter per store, `{prefix}:seq`), and each names its partition without a lookup.

Every key shares one hash tag (`{prefix}`), so the Lua scripts also run on a Redis Cluster (the
whole fleet then lives on one shard).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import urllib.parse
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from ._redis_rate import FleetRateLimiter
from ._store import StoredMessage, StoreError

logger = logging.getLogger("trackapis.delivery")

# Partitions a new store is created with: 8 processes hold 8 each; more processes than partitions
# leave some idle. Fixed for the life of a store (the ids name their partition).
DEFAULT_PARTITIONS: Final = 64
DEFAULT_PREFIX: Final = "trackapis"
# The fleet's rate limit is counted over this many seconds (a minute: `rate_limit_per_minute`).
DEFAULT_RATE_WINDOW: Final = 60.0
# How long a call to Redis may take before the store counts the server as unreachable.
DEFAULT_SOCKET_TIMEOUT: Final = 2.0
# After a failed call, the store waits this long before it tries the server again, so that a
# writer thread failing over does not pay a connect timeout every store_sync_interval.
_RECONNECT_BACKOFF: Final = 1.0
# Fallback (memory) ids: negative, increasing, below every Redis id.
_FALLBACK_BASE: Final = -(2**62)
# Most messages of one partition handed to the engine and not yet settled. A holder reads only
# this far ahead, so that a partition changes hands quickly (its holder releases it once what it
# read has settled) and a crash leaves little that was read and never sent. Each key sends one
# message at a time, so a partition's keys rarely have more than this in flight.
DEFAULT_READ_AHEAD: Final = 8
_URL_OPTIONS: Final = ("prefix", "partitions", "lease", "rate_window", "read_ahead", "on_outage")
_OUTCOMES: Final = ("delivered", "failed", "dropped", "retried")

# KEYS[1] = the sequence, KEYS[2] = the fleet counters. ARGV = ns, partitions, added count,
# the outcomes to count (delivered, failed, dropped, retried), then (partition, key, data) per
# added message, then the ids removed. Returns the ids given to the added messages.
_WRITE = """
local ns, parts, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local outcomes = {'delivered', 'failed', 'dropped', 'retried'}
for j = 1, 4 do
  if ARGV[3 + j] ~= '0' then redis.call('HINCRBY', KEYS[2], outcomes[j], ARGV[3 + j]) end
end
local ids = {}
local i = 8
if n > 0 then
  local last = redis.call('INCRBY', KEYS[1], n)
  local seq = last - n
  for j = 1, n do
    seq = seq + 1
    local p = tonumber(ARGV[i])
    local id = seq * parts + p
    local stream, entry = ns .. ':p:' .. p, '0-' .. string.format('%.0f', id)
    redis.call('XADD', stream, entry, 'k', ARGV[i + 1], 'd', ARGV[i + 2])
    ids[j] = id
    i = i + 3
  end
  redis.call('HINCRBY', KEYS[2], 'queued', n)
end
local removed = 0
while i <= #ARGV do
  local id = tonumber(ARGV[i])
  removed = removed + redis.call('XDEL', ns .. ':p:' .. string.format('%.0f', id % parts), '0-' .. ARGV[i])
  i = i + 1
end
if removed > 0 then
  redis.call('HINCRBY', KEYS[2], 'settled', removed)
end
return ids
"""

# KEYS[1] = the owners (a sorted set: owner -> lease expiry in ms, Redis time).
# ARGV = ns, owner, lease ms, partitions in all, then the partitions held, then '|', then the
# partitions this owner may take if they are free (in the order to try them).
# Renews the owner and its partitions (re-taking a held one whose lease lapsed while nobody else
# took it), then takes free ones up to its share: partitions / live owners, rounded up.
# Returns {partitions held after the call..., live owners}.
_LEASE = """
local ns, owner, lease, parts = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + lease, owner)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local owners = redis.call('ZCARD', KEYS[1])
local share = math.ceil(parts / owners)
local held = {}
local i = 5
while i <= #ARGV and ARGV[i] ~= '|' do
  local key = ns .. ':lease:' .. ARGV[i]
  local holder = redis.call('GET', key)
  if holder == owner then
    redis.call('PEXPIRE', key, lease)
    held[#held + 1] = tonumber(ARGV[i])
  elseif not holder then
    redis.call('SET', key, owner, 'PX', lease)
    held[#held + 1] = tonumber(ARGV[i])
  end
  i = i + 1
end
i = i + 1
while i <= #ARGV and #held < share do
  if redis.call('SET', ns .. ':lease:' .. ARGV[i], owner, 'PX', lease, 'NX') then
    held[#held + 1] = tonumber(ARGV[i])
  end
  i = i + 1
end
held[#held + 1] = owners
return held
"""

# KEYS[1] = the owners. ARGV = ns, owner, then partitions to give up (all of them: leaving).
_RELEASE = """
local ns, owner = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  local key = ns .. ':lease:' .. ARGV[i]
  if redis.call('GET', key) == owner then
    redis.call('DEL', key)
  end
end
if #ARGV == 2 then
  redis.call('ZREM', KEYS[1], owner)
end
return 0
"""


@attrs.frozen
class RedisStoreOptions:
    """What a `redis://` or `rediss://` store URL says, our options taken out of its query."""

    connection_url: str
    description: str
    prefix: str
    partitions: int | None
    lease: float | None
    rate_window: float | None
    read_ahead: int | None
    drop_on_outage: bool

    @classmethod
    def parse(cls, url: str) -> RedisStoreOptions:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(
                f"a Redis store URL looks like 'redis://host:6379/0?prefix=name', not {_masked(url)!r}"
            )
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        ours = {name: value for name, value in query if name in _URL_OPTIONS}
        rest = [(name, value) for name, value in query if name not in _URL_OPTIONS]
        prefix = ours.get("prefix", DEFAULT_PREFIX)
        if not prefix or any(c in prefix for c in "{}") or any(c.isspace() for c in prefix):
            raise ValueError(
                f"the store URL's prefix must be a non-empty name without braces or spaces, not {prefix!r}"
            )
        partitions = _option(ours, "partitions", int, 1, 16384)
        lease = _option(ours, "lease", float, 0.1, 3600.0)
        rate_window = _option(ours, "rate_window", float, 0.1, 3600.0)
        read_ahead = _option(ours, "read_ahead", int, 1, 100_000)
        on_outage = ours.get("on_outage", "memory")
        if on_outage not in ("memory", "drop"):
            raise ValueError(f"the store URL's on_outage must be 'memory' or 'drop', not {on_outage!r}")
        connection_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(rest)))
        return cls(
            connection_url,
            _masked(url),
            prefix,
            partitions,
            lease,
            rate_window,
            read_ahead,
            on_outage == "drop",
        )


def _option(options: dict[str, str], name: str, kind: type[Any], low: float, high: float) -> Any:
    if name not in options:
        return None
    try:
        value = kind(options[name])
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValueError(
            f"the store URL's {name} must be a number from {low} to {high}, not {options[name]!r}"
        )
    return value


def _masked(url: str) -> str:
    """The URL without its password, for messages and reprs."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def partition_of(key: str, partitions: int) -> int:
    """The partition a key's messages go to: the same in every process (crc32, not `hash()`)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % partitions


@attrs.define
class _Partition:
    cursor: int = 0  # the last id handed to the engine
    outstanding: set[int] = attrs.field(factory=set)  # handed to the engine, not yet removed
    draining: bool = False  # read nothing more; release once outstanding is empty


class RedisStore:
    """A `Store` on Redis streams, for a fleet of processes; see the module docstring.

    Args:
        url: `redis://[[user]:password@]host[:port][/db][?prefix=...&partitions=...&lease=...]`
            or `rediss://...` (TLS). `prefix` names the queue (every process of one fleet uses
            the same; clients of different APIs or accounts use different ones); `partitions`
            is used when the store is created; `lease` (seconds) overrides the client's
            `store_lease`. Other query parameters go to redis-py (`?ssl_cert_reqs=none`...).
    """

    delivers_locally = False

    def __init__(self, url: str, *, socket_timeout: float = DEFAULT_SOCKET_TIMEOUT) -> None:
        try:
            import redis
        except ImportError as error:  # pragma: no cover - the extra is installed in tests
            raise StoreError("store='redis://...' needs redis-py: pip install 'trackapis[redis]'") from error
        self.options = RedisStoreOptions.parse(url)
        self.description = self.options.description
        self._ns = "{" + self.options.prefix + "}"
        self._redis = redis.Redis.from_url(
            self.options.connection_url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=30,
        )
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._write_script = self._redis.register_script(_WRITE)
        self._lease_script = self._redis.register_script(_LEASE)
        self._release_script = self._redis.register_script(_RELEASE)
        self.partitions = self.options.partitions or DEFAULT_PARTITIONS
        self.read_ahead = self.options.read_ahead or DEFAULT_READ_AHEAD
        self._held: dict[int, _Partition] = {}
        self._owners = 1
        self._lease_ms = 0
        self._next_rebalance = 0.0
        self._lock = threading.Lock()  # the counters below are read by stats() from any thread
        self._fallback: list[StoredMessage] = []
        self._fallback_claimed: dict[int, StoredMessage] = {}  # handed to the engine, not yet settled
        self._fallback_ids = iter(range(_FALLBACK_BASE, 0))
        self._unremoved: list[int] = []  # removals that could not reach Redis, sent with the next write
        # Counted by the next write or claim (`settled`: by claim, for the removals done without a script).
        self._outcomes = dict.fromkeys((*_OUTCOMES, "settled"), 0)
        self._down_until = 0.0
        self.failed_over = 0  # messages queued in memory because Redis was unreachable
        self.dropped_on_outage = 0  # with ?on_outage=drop
        # Not 0 while this process, alone on the store, may have messages it has not read in its
        # partitions (as of the last claim): the engine's flush() waits for them too. 0 with other
        # live processes (theirs to deliver if this one leaves), and while Redis is unreachable.
        self.backlog = 0
        self._rng = random.Random()

    def bind(self, name: str) -> None:
        """Called by the engine before anything else: its queue's keys are `{prefix:name}:...`, so
        clients of different APIs (`interakt`, `seven_segments`, `attributionio`) share a Redis and
        a prefix without sharing a queue or a rate limit."""
        self._ns = "{" + f"{self.options.prefix}:{name}" + "}"

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        return cls(url)

    def __repr__(self) -> str:
        return f"RedisStore({self.description!r})"

    @property
    def _owners_key(self) -> str:
        return self._ns + ":owners"

    # -- the Store protocol ---------------------------------------------------------------------

    def open(self, owner: str, lease: float) -> None:
        """Check the server and register `owner`; also in a forked child, which starts afresh
        (what the parent held, read or queued in memory stays the parent's)."""
        with self._lock:
            self._held.clear()
            self._fallback.clear()
            self._fallback_claimed.clear()
            self._unremoved = []
            self._outcomes = dict.fromkeys(self._outcomes, 0)
            self.backlog = 0
        self._down_until = 0.0
        self._lease_ms = int(1000 * (self.options.lease or lease))
        try:
            self._redis.ping()
            meta = self._ns + ":meta"
            self._redis.hsetnx(meta, "partitions", self.partitions)
            stored = int(self._redis.hget(meta, "partitions") or self.partitions)
        except self._errors as error:
            raise StoreError(f"cannot use the Redis store at {self.description}: {error}") from error
        if stored != self.partitions:
            if self.options.partitions is not None:
                raise StoreError(
                    f"the Redis store at {self.description} (prefix {self.options.prefix!r}) has "
                    f"{stored} partitions, not {self.options.partitions}: use another prefix to change it"
                )
            self.partitions = stored
        self._lease_call(owner, [])

    def write(
        self, owner: str, added: Sequence[tuple[str, bytes]], removed: Sequence[int]
    ) -> list[int | None]:
        """Add and delete in one Lua call; when Redis is unreachable, `added` fails over to memory
        (or, with `?on_outage=drop`, gets None ids: the engine reports them dropped)."""
        remote = [i for i in removed if i >= 0]
        if len(remote) < len(removed):
            with self._lock:
                for message_id in removed:
                    self._fallback_claimed.pop(message_id, None)
        if self._unremoved:
            remote, self._unremoved = self._unremoved + remote, []
        if not added:
            self._remove(remote)
            return []
        with self._lock:
            outcomes = {name: self._outcomes[name] for name in _OUTCOMES}
            self._outcomes.update(dict.fromkeys(_OUTCOMES, 0))
        args: list[Any] = [self._ns, self.partitions, len(added), *(outcomes[name] for name in _OUTCOMES)]
        for key, data in added:
            args += (partition_of(key, self.partitions), key, data)
        args += remote
        if time.monotonic() >= self._down_until:
            try:
                ids = self._write_script(keys=[self._ns + ":seq", self._ns + ":stats"], args=args)
            except self._errors as error:
                self._went_down(error)
            else:
                self._forget(remote)
                return [int(i) for i in ids]
        # Unreachable: the removals are retried by the next write, the additions go to memory.
        # (A removal that never reaches Redis is delivered again by whoever holds its partition.)
        self._unremoved = remote
        self.record_outcomes(outcomes)
        return self._fail_over(added)

    def renew(self, owner: str, lease: float) -> None:
        if time.monotonic() < self._down_until:
            return
        with self._lock:
            held = list(self._held)
        self._lease_call(owner, held)

    def claim(self, owner: str, lease: float, limit: int) -> list[StoredMessage]:
        """What this process should deliver next: messages failed over to memory, then new
        messages of the partitions it holds (taking its share of the free ones first)."""
        with self._lock:
            taken, self._fallback = self._fallback[:limit], self._fallback[limit:]
            self._fallback_claimed.update((message.id, message) for message in taken)
        limit -= len(taken)
        if limit <= 0 or time.monotonic() < self._down_until:
            return taken
        try:
            self._count_outcomes()
            if time.monotonic() >= self._next_rebalance:
                self._rebalance(owner)
            taken += self._read(limit)
        except self._errors as error:
            self._went_down(error)
        return taken

    def count(self) -> int:
        try:
            pipe = self._redis.pipeline(transaction=False)
            for p in range(self.partitions):
                pipe.xlen(f"{self._ns}:p:{p}")
            return sum(int(n) for n in pipe.execute()) + len(self._fallback)
        except self._errors as error:
            raise StoreError(f"cannot count the Redis store at {self.description}: {error}") from error

    def release(self, owner: str) -> None:
        with self._lock:
            self._held.clear()
            self.backlog = 0
        self._save_fallback(owner)
        try:
            self._count_outcomes()
            self._release_script(keys=[self._owners_key], args=[self._ns, owner])
            # Deleting every lease this owner holds, not only the ones it knows of.
            for p in range(0, self.partitions, 256):
                chunk = list(range(p, min(p + 256, self.partitions)))
                self._release_script(keys=[self._owners_key], args=[self._ns, owner, *chunk])
        except self._errors as error:
            logger.warning(
                "%s: could not release its Redis leases (they expire): %s", self.description, error
            )

    def close(self) -> None:
        self._redis.close()

    # -- fleet extras (the engine uses them when a store has them) ------------------------------

    def rate_limiter(self, per_minute: float, owner: str) -> FleetRateLimiter:
        """One `rate_limit_per_minute` for every process on this store."""
        window = self.options.rate_window or DEFAULT_RATE_WINDOW
        return FleetRateLimiter(self._redis, self._ns, owner, per_minute, window=window)

    def record_outcomes(self, counts: Mapping[str, int]) -> None:
        """Add this process's outcomes since the last call to the fleet's counters (with the next write)."""
        with self._lock:
            for name in self._outcomes:
                self._outcomes[name] += counts.get(name, 0) if name in _OUTCOMES else 0

    def fleet_counters(self) -> dict[str, int]:
        """The fleet's counters: `queued` (written to Redis), `settled` (deleted from it),
        `delivered`, `failed`, `dropped` and `retried` (outcomes, counted by the processes that
        settled them), and `stored` (in Redis now). Raises `StoreError` when Redis is unreachable."""
        try:
            self._count_outcomes()  # this process's own, not yet sent
            raw = self._redis.hgetall(self._ns + ":stats")
        except self._errors as error:
            raise StoreError(f"cannot read the fleet's counters at {self.description}: {error}") from error
        counters = dict.fromkeys(("queued", "settled", *_OUTCOMES), 0)
        counters.update({_text(name): int(value) for name, value in raw.items()})
        counters["stored"] = self.count()
        return counters

    @property
    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._held)

    # -- inside ---------------------------------------------------------------------------------

    def _lease_call(self, owner: str, held: list[int], candidates: Sequence[int] = ()) -> None:
        try:
            result = self._lease_script(
                keys=[self._owners_key],
                args=[self._ns, owner, self._lease_ms, self.partitions, *held, "|", *candidates],
            )
        except self._errors as error:
            if not held and not candidates:
                raise StoreError(f"cannot use the Redis store at {self.description}: {error}") from error
            self._went_down(error)
            return
        *now_held, owners = (int(x) for x in result)
        with self._lock:
            self._owners = max(1, owners)
            for p in set(self._held) - set(now_held):
                # Lost (another process took it while our lease had lapsed): what the engine has
                # from it may now be sent twice; the cursor starts over if it comes back.
                logger.warning("%s: lost the lease on partition %d", self.description, p)
                del self._held[p]
            for p in now_held:
                self._held.setdefault(p, _Partition())

    def _rebalance(self, owner: str) -> None:
        """Take free partitions up to this process's fair share; give up what is above it."""
        self._next_rebalance = time.monotonic() + min(1.0, self._lease_ms / 3000)
        with self._lock:
            held = list(self._held)
            share = -(-self.partitions // self._owners)
            above = max(0, len(held) - share)
            by_load = sorted(held, key=lambda p: len(self._held[p].outstanding))
            for n, p in enumerate(by_load):
                self._held[p].draining = n < above
            releasing = [p for p in held if self._held[p].draining and not self._held[p].outstanding]
            for p in releasing:
                del self._held[p]
        if releasing:
            self._release_script(keys=[self._owners_key], args=[self._ns, owner, *releasing])
        held = [p for p in held if p not in releasing]
        candidates: list[int] = []
        if not above:
            candidates = [p for p in range(self.partitions) if p not in self._held and p not in releasing]
            self._rng.shuffle(candidates)
        self._lease_call(owner, held, candidates)

    def _read(self, limit: int) -> list[StoredMessage]:
        with self._lock:
            reading = [
                (p, state.cursor, self.read_ahead - len(state.outstanding))
                for p, state in self._held.items()
                if not state.draining and len(state.outstanding) < self.read_ahead
            ]
            # Partitions that may hold more than was read: full read-ahead now, or a full read below.
            backlog = sum(
                1
                for state in self._held.values()
                if not state.draining and len(state.outstanding) >= self.read_ahead
            )
        if not reading:
            self.backlog = backlog if self._owners == 1 else 0
            return []
        pipe = self._redis.pipeline(transaction=False)
        for p, cursor, room in reading:
            pipe.xrange(f"{self._ns}:p:{p}", min=f"0-{cursor + 1}", count=room)
        results = pipe.execute()
        backlog += sum(
            1 for (_, _, room), entries in zip(reading, results, strict=True) if len(entries) == room
        )
        found = [
            StoredMessage(int(entry_id.split(b"-")[1]), fields[b"k"].decode(), fields[b"d"])
            for entries in results
            for entry_id, fields in entries
        ]
        # The oldest `limit` of them: a prefix of each partition's, so the cursors stay exact.
        found.sort(key=lambda message: message.id)
        taken = found[:limit]
        with self._lock:
            for message in taken:
                state = self._held.get(message.id % self.partitions)
                if state is None:  # lost meanwhile
                    continue
                state.cursor = max(state.cursor, message.id)
                state.outstanding.add(message.id)
        # Only alone: a fleet's member leaves what it has not read to the others (a busy fleet
        # would otherwise keep its flush() waiting); a process alone must deliver it itself.
        self.backlog = backlog + (len(found) > len(taken)) if self._owners == 1 else 0
        return taken

    def _save_fallback(self, owner: str) -> None:
        """Leaving: what waits in memory since an outage goes to Redis for the fleet, if it is back."""
        with self._lock:
            waiting = sorted([*self._fallback, *self._fallback_claimed.values()], key=lambda m: m.id)
            self._fallback, self._fallback_claimed = [], {}
        if not waiting:
            return
        args: list[Any] = [self._ns, self.partitions, len(waiting), 0, 0, 0, 0]
        for message in waiting:
            args += (partition_of(message.key, self.partitions), message.key, message.data)
        try:
            self._write_script(keys=[self._ns + ":seq", self._ns + ":stats"], args=args)
        except self._errors as error:
            logger.warning(
                "%s: Redis is still unreachable (%s); %d message(s) queued in memory meanwhile are lost",
                self.description,
                error,
                len(waiting),
            )
        else:
            logger.info(
                "%s: %d message(s) queued in memory during an outage are now in Redis",
                self.description,
                len(waiting),
            )

    def _remove(self, remote: list[int]) -> None:
        """Only removals (a worker's, for what it delivered): plain XDELs in one round trip, no script."""
        if not remote:
            return
        if time.monotonic() < self._down_until:
            self._unremoved = remote
            return
        by_partition: dict[int, list[str]] = {}
        for message_id in remote:
            by_partition.setdefault(message_id % self.partitions, []).append(f"0-{message_id}")
        pipe = self._redis.pipeline(transaction=False)
        for p, entries in by_partition.items():
            pipe.xdel(f"{self._ns}:p:{p}", *entries)
        try:
            deleted = sum(int(n) for n in pipe.execute())
        except self._errors as error:
            self._went_down(error)
            self._unremoved = remote
            return
        self._forget(remote)
        with self._lock:
            self._outcomes["settled"] += deleted

    def _count_outcomes(self) -> None:
        """Add the outcomes recorded since the last write to the fleet's counters (no write carried them)."""
        with self._lock:
            outcomes, self._outcomes = self._outcomes, dict.fromkeys(self._outcomes, 0)
        if not any(outcomes.values()):
            return
        try:
            pipe = self._redis.pipeline(transaction=True)
            for name, n in outcomes.items():
                if n:
                    pipe.hincrby(self._ns + ":stats", name, n)
            pipe.execute()
        except BaseException:
            self.record_outcomes(outcomes)
            raise

    def _forget(self, removed: Sequence[int]) -> None:
        with self._lock:
            for message_id in removed:
                if message_id < 0:
                    continue
                state = self._held.get(message_id % self.partitions)
                if state is not None:
                    state.outstanding.discard(message_id)

    def _fail_over(self, added: Sequence[tuple[str, bytes]]) -> list[int | None]:
        if self.options.drop_on_outage:  # the engine reports them dropped
            with self._lock:
                self.dropped_on_outage += len(added)
            return [None] * len(added)
        ids = [next(self._fallback_ids) for _ in added]
        with self._lock:
            self._fallback += (StoredMessage(i, key, data) for i, (key, data) in zip(ids, added, strict=True))
            self.failed_over += len(added)
        if added:
            logger.warning(
                "%s: Redis is unreachable; %d message(s) are queued in this process's memory instead",
                self.description,
                len(added),
            )
        return list[int | None](ids)

    def _went_down(self, error: Exception) -> None:
        self.backlog = 0
        if time.monotonic() >= self._down_until:
            logger.warning(
                "%s: Redis is unreachable (%s); retrying in %.0f s",
                self.description,
                error,
                _RECONNECT_BACKOFF,
            )
        self._down_until = time.monotonic() + _RECONNECT_BACKOFF
