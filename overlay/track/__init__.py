"""Drop-in replacement for `interakt-track-python`'s `track` module, on `trackapis.interakt`.

    import track

    track.api_key = "YOUR_SECRET_KEY"    # as the dashboard shows it; decoding it is optional
    track.user(user_id="42", traits={"name": "John Doe"})
    track.event(user_id="42", event="Order Placed", traits={"orderValue": "50.00"})
    track.shutdown()                     # delivers everything queued, as the original did

The original's modules and names are all here (`track.Client`, `track.client`, `track.consumer`,
`track.request.APIError`/`post`, `track.utils`, `track.const`, `track.version`, `track.VERSION`,
`track.default_client`), with the same settings, functions, arguments and defaults, without its
faults: settings changed after the first call take effect for new messages, while what is already
queued is still delivered, in order, with the settings it was queued with; `flush()`, `join()` and
`shutdown()` deliver everything (or stop at an optional `timeout` and say what was delivered); a
process that exits without `shutdown()` delivers what is queued (within `shutdown_timeout`
seconds) and exits; `on_error` may raise; `Retry-After` is honoured; a call after `shutdown()`
starts afresh instead of being lost.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import types
from typing import Any, Unpack

import attrs

from trackapis.delivery import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_SHUTDOWN_TIMEOUT,
    FlushResult,
    MessageDropped,
)
from trackapis.interakt import EventFields, InteraktMessage, UserFields

from . import client, const, consumer, request, utils, version
from .client import _NO_LIMIT, Client, ErrorHandler, _arguments, _set_debug
from .utils import InputError
from .version import VERSION

__all__ = [
    "VERSION",
    "Client",
    "api_key",
    "client",
    "const",
    "consumer",
    "debug",
    "default_client",
    "event",
    "flush",
    "handle_sigterm",
    "host",
    "join",
    "max_in_flight",
    "max_queue_size",
    "max_retries",
    "on_error",
    "rate_limit_per_minute",
    "request",
    "shutdown",
    "shutdown_timeout",
    "store",
    "sync_mode",
    "timeout",
    "user",
    "utils",
    "version",
]

__version__ = VERSION

logger = logging.getLogger("interakt")

# -- settings ---------------------------------------------------------------------------------------
api_key: str | None = None
host: str | None = None
sync_mode: bool = False
debug: bool = False
timeout: float = 10
max_retries: int = 3
max_queue_size: int = 10000
on_error: ErrorHandler | None = None
# Not in the original:
max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
rate_limit_per_minute: float | None = None
shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT
store: str = "memory"  # or "sqlite:///path/to/spool.db": a queue that survives a crash
handle_sigterm: bool = False  # True: deliver what is queued on SIGTERM (see trackapis.handle_sigterm)

# The client the module functions use: built at the first call from the settings, or assigned.
default_client: Client | None = None

_lock = threading.RLock()
_built: Client | None = None  # the client this module built from the settings
_built_with: tuple[Any, ...] | None = None
# Each assignment of a setting that needs a new client counts one more generation; `_built` was
# made from the settings of `_built_generation` (so it is current while the two are equal).
_generation = 0
_built_generation = -1
_handover: _Handover | None = None
_carried = FlushResult(0, 0, 0, 0)  # retired clients' outcomes, reported by the next flush

# Settings that change how requests are made: a new client takes over (see _Handover). `debug`
# and `on_error` apply at once to the current client, without one.
_CLIENT_SETTINGS = (
    "api_key",
    "host",
    "sync_mode",
    "timeout",
    "max_retries",
    "max_queue_size",
    "max_in_flight",
    "rate_limit_per_minute",
    "shutdown_timeout",
    "store",
    "handle_sigterm",
)


class _TrackModule(types.ModuleType):
    # Assigning a setting marks the client stale, so that a call does not have to compare every
    # setting to find out (the call is on the caller's hot path).
    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _CLIENT_SETTINGS:
            super().__setattr__("_generation", _generation + 1)
        elif name == "debug":
            _set_debug(bool(value))
            if _built is not None:
                _built.debug = bool(value)
        elif name == "on_error" and _built is not None:
            _built.on_error = value


sys.modules[__name__].__class__ = _TrackModule


def user(
    user_id: str | int | None = None,
    country_code: str = "+91",
    phone_number: str | None = None,
    traits: dict[Any, Any] = {},  # noqa: B006 - the original's default; never modified
    created_at: Any = None,
    **fields: Unpack[UserFields],
) -> Any:
    """Create or update a user. Returns `(queued, queue_msg)`, or the API's answer in sync mode.

    `**fields` (new): the spec's other user properties, e.g. `tags=["vip"]`, `full_phone_number=`.
    """
    return _call(
        "user", _arguments("user", (user_id, country_code, phone_number, traits, created_at), fields)
    )


def event(  # noqa: PLR0917 - the original's signature
    user_id: str | int | None = None,
    event: str | None = None,
    traits: dict[Any, Any] = {},  # noqa: B006 - the original's default; never modified
    country_code: str = "+91",
    phone_number: str | None = None,
    created_at: Any = None,
    **fields: Unpack[EventFields],
) -> Any:
    """Record an event of a user. Returns `(queued, queue_msg)`, or the API's answer in sync mode.

    `**fields` (new): the spec's other event properties, e.g. `tags=["vip"]`, `full_phone_number=`.
    """
    current = default_client
    if (
        current is not None
        and _handover is None
        and not current.sync_mode
        and (current is not _built or _built_generation == _generation)
    ):
        return current._enqueue(
            "event", event, user_id, country_code, phone_number, traits, created_at, fields
        )
    return _call(
        "event", _arguments("event", (user_id, event, traits, country_code, phone_number, created_at), fields)
    )


def flush(timeout: float | None = None) -> FlushResult:
    """Wait until everything queued is delivered or failed (no limit unless `timeout` seconds).

    Returns what settled since the last flush, and what is still pending after a timeout.
    """
    deadline = _Deadline(timeout)
    handover = _handover
    if handover is not None:
        handover.wait(deadline.left())
    current = default_client
    result = current.flush(deadline.left()) if current is not None else FlushResult(0, 0, 0, 0)
    return _with_carried(result)


def join(timeout: float | None = None) -> FlushResult:
    """Deliver everything queued (no limit unless `timeout`), then stop the workers."""
    return shutdown(timeout)


def shutdown(timeout: float | None = None) -> FlushResult:
    """Deliver everything queued (no limit unless `timeout`), then stop. A `timeout` that expires
    reports the rest to `on_error`. Idempotent; a later call starts afresh."""
    deadline = _Deadline(timeout)
    handover = _handover
    if handover is not None:
        handover.wait(deadline.left())
        if not handover.released:
            handover.finish(deadline.left() or 0.0)
    current = default_client
    result = current.shutdown(deadline.left()) if current is not None else FlushResult(0, 0, 0, 0)
    return _with_carried(result)


# -- internals ----------------------------------------------------------------------------------------


def _call(kind: str, kwargs: dict[str, Any]) -> Any:
    current = _current()
    handover = _handover
    if handover is not None and not handover.released:
        if current.sync_mode:
            handover.wait(None)  # what the background client holds goes first
        else:
            held = handover.hold(kind, kwargs)
            if held is not None:
                return held
    return current._track(kind, kwargs)


def _settings() -> tuple[Any, ...]:
    return tuple(globals()[name] for name in _CLIENT_SETTINGS)


def _current() -> Client:
    global default_client, _built, _built_with, _built_generation, _handover  # noqa: PLW0603 - the holder
    current = default_client
    if current is not None and (current is not _built or _built_generation == _generation):
        return current
    with _lock:
        if default_client is not None and default_client is not _built:
            return default_client  # assigned by the application: used as it is
        generation = _generation  # before reading them: a later assignment is a newer generation
        settings = _settings()
        if _built is not None and settings == _built_with:
            default_client = _built
            _built_generation = generation
            return _built
        if api_key is None:
            raise InputError(
                "track.api_key is not set: use the Secret Key from Interakt's Developer Settings"
            )
        new = Client(
            api_key,
            host,
            debug,
            sync_mode,
            timeout,
            max_queue_size,
            on_error,
            max_retries,
            max_in_flight=max_in_flight,
            rate_limit_per_minute=rate_limit_per_minute,
            shutdown_timeout=shutdown_timeout,
            store=store,
        )
        if handle_sigterm:
            import trackapis

            trackapis.handle_sigterm()
        # Published in this order for the calls that do not take the lock: the handover before the
        # new client (no call reaches the new client around it), the generation last (until then a
        # call that still sees the old client comes here, waits, and gets the new one).
        old = _built
        if old is not None:
            # What the old client holds is delivered first, with the settings it was queued with.
            _handover = _Handover(old, new, _handover)
        default_client = new
        _built, _built_with = new, settings
        _built_generation = generation
        return new


class _Handover:
    """A settings change: the old client delivers everything it holds; meanwhile new messages are
    held here, in order, and go to the new client once the old one is done. So nothing queued is
    dropped and one user's messages keep their order across the change."""

    def __init__(self, old: Client, new: Client, previous: _Handover | None) -> None:
        self.old, self.new, self.previous = old, new, previous
        self.released = False
        self._held: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._releasing = threading.Lock()
        self._done = threading.Event()
        threading.Thread(target=self.finish, args=(_NO_LIMIT,), name="track-handover", daemon=True).start()

    def hold(self, kind: str, kwargs: dict[str, Any]) -> tuple[bool, dict[str, Any]] | None:
        """Hold a call for the new client: `(queued, queue_msg)`, or None once released."""
        queue_msg = self.new._prepare(kind, kwargs)  # a bad call raises now, as it would directly
        with self._lock:
            if self.released:
                return None
            if not 0 < self.new.queue.maxsize <= len(self._held):  # 0 or less: no limit
                self._held.append((kind, kwargs))
                return True, queue_msg
        self.new._report(
            MessageDropped(f"the queue is full ({self.new.queue.maxsize} messages pending)"),
            InteraktMessage(queue_msg["path"], queue_msg["body"]),
        )
        return False, queue_msg

    def finish(self, limit: float) -> None:
        """Let the old client deliver (up to `limit` seconds), then pass the held calls on."""
        global _handover  # noqa: PLW0603 - cleared when done: calls take the fast path again
        deadline = _Deadline(limit)
        if self.previous is not None:
            self.previous.finish(deadline.left() or 0.0)
        _carry(self.old._retire(deadline.left() or 0.0))
        with self._releasing:  # one releaser at a time: the held calls keep their order
            while True:
                with self._lock:
                    batch, self._held = self._held, []
                    if not batch:
                        self.released = True
                        break
                for kind, kwargs in batch:
                    try:
                        self.new._track(kind, kwargs)
                    except Exception:
                        logger.exception("track: a held message could not be queued")
        with _lock:
            if _handover is self:
                _handover = None
        self._done.set()

    def wait(self, timeout: float | None) -> bool:
        return self._done.wait(timeout)


class _Deadline:
    def __init__(self, timeout: float | None) -> None:
        import time

        self._time = time.monotonic
        self._end = None if timeout is None else self._time() + timeout

    def left(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - self._time())


def _carry(result: FlushResult) -> None:
    global _carried  # noqa: PLW0603
    with _lock:
        _carried = _plus(_carried, result)


def _with_carried(result: FlushResult) -> FlushResult:
    global _carried
    with _lock:
        carried, _carried = _carried, FlushResult(0, 0, 0, 0)
    return _plus(carried, result)


def _plus(earlier: FlushResult, later: FlushResult) -> FlushResult:
    """Outcomes added up; `pending` is the later one's."""
    counts = {
        field.name: getattr(earlier, field.name) + getattr(later, field.name)
        for field in attrs.fields(FlushResult)
        if field.name != "pending"
    }
    return attrs.evolve(later, **counts)


def _at_exit() -> None:
    # Runs before the delivery engines' own exit hook (registered earlier): a settings change
    # still being handed over finishes within shutdown_timeout, and the new client's queue is
    # then delivered by that hook.
    handover = _handover
    if handover is not None and not handover.released:
        handover.finish(float(shutdown_timeout))


atexit.register(_at_exit)
