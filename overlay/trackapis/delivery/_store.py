"""The store interface: where the delivery engine keeps what it accepted and has not yet settled.

The engine does the scheduling (per-key lanes, retries, backoff timers, outcomes) in memory, the
same for every store. A store only makes the accepted messages outlive the process:

- `"memory"` (the default): no store at all. What is queued lives in the engine; a process that
  dies loses it. This is the fastest path and the one the engine takes when `store` is None.
- `"sqlite:///path/to/spool.db"`: a spool file on the local disk (`delivery/_store_sqlite.py`).
- further schemes register a factory in `STORE_SCHEMES` (the fleet's `redis://` store).

How the engine uses a store (one writer thread per engine, never the caller's thread):

1. `open(owner, lease)` once, at construction: check the store (a corrupt or locked file raises
   `StoreError` with a clear message there, not later), register `owner` with a lease.
2. `claim(owner, lease, limit)` right after `open()` and then every `lease / 3` seconds: the
   messages of owners that are gone (lease expired, or known dead) become `owner`'s, and the
   engine queues them in front of its own messages of the same keys, in `StoredMessage.id` order.
   This is how a restarted process delivers what a killed one left behind, and how processes
   sharing one store take over a dead peer's messages. A message claimed by a live owner is never
   returned, so no two live owners deliver the same message; only a message that was in flight
   when its owner died is sent again by the taker (at-least-once).
3. `write(owner, added, removed)` every `store_sync_interval` seconds (group commit), with the
   messages accepted since the last write (`(key, encoded payload)`, in acceptance order) and the
   ids of those settled (delivered, failed or reported dropped). Messages that were accepted and
   settled within one window are neither added nor removed. One call is one transaction.
4. `renew(owner, lease)` at least every `lease / 3` seconds: the owner is alive.
5. `release(owner)` at a clean shutdown: what is still stored becomes claimable at once by the
   next process (the engine leaves undelivered messages in a durable store instead of dropping
   them), then `close()`.

The interface is deliberately small so that a networked store (Redis) fits: an owner is a key
with a TTL (the lease), the messages of an owner a list or stream, `claim` an atomic move (a Lua
script or MULTI) of an expired owner's messages. A store that wants partitions (keys hashed into
partitions, each delivered by one owner at a time, so per-key order holds across a fleet) sets
`delivers_locally = False`: the engine then queues nothing at `submit()` and delivers only what
`claim()` returns, calling it every `store_sync_interval` (see `DeliveryEngine`).

Payloads are turned into bytes by a `Codec` that each facade supplies (the store never sees a
payload object, and `delivery/` imports neither httpx nor generated code).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol, TypeVar

import attrs

from .._errors import TrackapisError

P = TypeVar("P")

# How often the writer commits what was accepted: the most a kill -9 can lose, in seconds.
DEFAULT_STORE_SYNC_INTERVAL: Final = 0.05
# How long an owner's claim on its messages lasts without renewal. Another process takes over a
# dead owner's messages after this (at once, on the same host, when the owner's pid is gone).
DEFAULT_STORE_LEASE: Final = 10.0


# The owners of this process's open engines. A store may take any other owner that claims this
# process's pid as gone: a previous incarnation (pid 1 in a restarted container, for example).
LIVE_OWNERS: Final[set[str]] = set()


class StoreError(TrackapisError):
    """The store cannot be used: a corrupt or locked file, a wrong URL, an unreachable server."""


class Codec(Protocol[P]):
    """Turns a facade's queued payload into bytes and back. Supplied by each facade.

    `decode(encode(p))` must be equal to `p` for the sender (same request on the wire). Both run
    in the engine's writer thread (`encode`) or at claim time (`decode`), never in the caller's.
    """

    def encode(self, payload: P) -> bytes: ...

    def decode(self, data: bytes) -> P: ...


@attrs.frozen
class StoredMessage:
    """A message as the store holds it.

    Attributes:
        id: The store's id, increasing in the order the messages were written (per store); the
            engine keeps per-key order by it.
        key: The lane key (a user, a customer, a client id).
        data: The payload, encoded by the facade's `Codec`.
    """

    id: int
    key: str
    data: bytes = attrs.field(repr=False)


class Store(Protocol):
    """A durable place for accepted messages; see the module docstring for the engine's protocol.

    Every method may be called from the engine's writer thread only (one at a time per engine),
    except `open()` and `claim()`'s first call, which run in the constructor's thread. A store
    instance serves one engine; several engines (in one or many processes) share the underlying
    file or server through different instances, each with its own `owner`.
    """

    #: Where it is, for messages and reprs (never a secret).
    description: str
    #: False for a store that decides which process delivers what (partitions); see the module doc.
    delivers_locally: bool

    def open(self, owner: str, lease: float) -> None:
        """Create or check the store and register `owner`. Raises `StoreError` when unusable."""
        ...

    def write(self, owner: str, added: Sequence[tuple[str, bytes]], removed: Sequence[int]) -> list[int]:
        """One transaction: add `added` (claimed by `owner`) and delete `removed`.

        Returns the ids given to `added`, in order.
        """
        ...

    def renew(self, owner: str, lease: float) -> None:
        """Extend `owner`'s lease by `lease` seconds from now."""
        ...

    def claim(self, owner: str, lease: float, limit: int) -> list[StoredMessage]:
        """Take over up to `limit` messages of owners that are gone, oldest first; they become `owner`'s."""
        ...

    def count(self) -> int:
        """Messages stored, whoever owns them."""
        ...

    def release(self, owner: str) -> None:
        """`owner` is leaving: its messages become claimable by the next `claim()` at once."""
        ...

    def close(self) -> None: ...


class FleetStore(Store, Protocol):
    """A store that decides which process delivers what (`delivers_locally` False), e.g. Redis.

    Besides `Store`'s methods it has what a fleet needs; the engine looks each one up by name, so
    a plain `Store` (SQLite) has none of them and pays nothing for them.
    """

    #: Messages of this engine's queue still in the store when this process is its only owner
    #: (0 otherwise); `flush()` and `shutdown()` wait for it to reach 0.
    backlog: int

    def bind(self, name: str) -> None:
        """Called first, with the engine's name (`interakt`, ...): one queue per API in a shared store."""
        ...

    def rate_limiter(self, per_minute: float, owner: str) -> Any:
        """One `rate_limit_per_minute` for every process on the store: `acquire()` before a
        request returns a token, `finish(token)` after it."""
        ...

    def record_outcomes(self, counts: Mapping[str, int]) -> None:
        """Add this process's outcomes since the last call (delivered, failed, ...) to the fleet's."""
        ...

    def fleet_counters(self) -> dict[str, int]:
        """The fleet's counters, for `stats(fleet=True)`; raises `StoreError` when unreachable."""
        ...


# URL scheme -> "module:callable" taking the URL, imported on first use (a store's dependencies
# are paid for only by those who use it). "memory" is no store: see `open_store`.
STORE_SCHEMES: Final[dict[str, str]] = {
    "sqlite": "trackapis.delivery._store_sqlite:SQLiteStore.from_url",
    "redis": "trackapis.delivery._redis:RedisStore.from_url",
    "rediss": "trackapis.delivery._redis:RedisStore.from_url",
}


def open_store(url: Any, *, argument: str = "store") -> Store | None:
    """The store a `store=` option names; None for `"memory"` (or None): the engine's in-memory queue.

    Raises:
        TypeError: `url` is not a string.
        ValueError: An unknown scheme or a malformed URL, naming `argument`.
    """
    if url is None or url == "memory":
        return None
    if not isinstance(url, str):
        raise TypeError(
            f"{argument} must be 'memory' or a store URL such as 'sqlite:///spool.db', not {url!r}"
        )
    scheme, sep, _ = url.partition("://")
    target = STORE_SCHEMES.get(scheme) if sep else None
    if target is None:
        known = ", ".join(f"'{name}://...'" for name in sorted(STORE_SCHEMES))
        raise ValueError(f"{argument} must be 'memory' or one of {known}, not {url!r}")
    module_name, _, attribute = target.partition(":")
    factory: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        factory = getattr(factory, part)
    store: Store = factory(url)
    return store
