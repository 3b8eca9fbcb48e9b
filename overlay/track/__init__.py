"""Drop-in replacement for `interakt-track-python`'s `track` module, on `trackapis.interakt`.

    import track

    track.api_key = "YOUR_SECRET_KEY"    # as the dashboard shows it; decoding it is optional
    track.user(user_id="42", traits={"name": "John Doe"})
    track.event(user_id="42", event="Order Placed", traits={"orderValue": "50.00"})

Same settings, functions, argument names and defaults as the original, without its faults:
settings changed after the first call take effect; `flush()` takes a timeout and says what was
delivered; a process that exits without `shutdown()` delivers what is queued (within
`shutdown_timeout` seconds) and exits; `on_error` may raise; `Retry-After` is honoured; a call
after `shutdown()` starts a fresh client instead of being lost.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar, Unpack

from trackapis import __version__ as _trackapis_version
from trackapis.delivery import DEFAULT_MAX_IN_FLIGHT, DEFAULT_SHUTDOWN_TIMEOUT, FlushResult
from trackapis.interakt import (
    DEFAULT_HOST,
    EventFields,
    InteraktClient,
    InteraktMessage,
    TrackResponse,
    UserFields,
)

__all__ = [
    "api_key",
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
    "shutdown",
    "shutdown_timeout",
    "store",
    "sync_mode",
    "timeout",
    "user",
]

__version__ = _trackapis_version

_P = ParamSpec("_P")
_T = TypeVar("_T")

# -- settings: read on every call -----------------------------------------------------------------
api_key: str | None = None
host: str | None = None
sync_mode: bool = False
debug: bool = False
timeout: float = 10
max_retries: int = 3
max_queue_size: int = 10000
on_error: Callable[[Exception, dict[str, Any]], object] | None = None
# Not in the original:
max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
rate_limit_per_minute: float | None = None
shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT
store: str = "memory"  # or "sqlite:///path/to/spool.db": a queue that survives a crash
handle_sigterm: bool = False  # True: deliver what is queued on SIGTERM (see trackapis.handle_sigterm)

default_client: InteraktClient | None = None

_lock = threading.Lock()
_built_with: tuple[Any, ...] | None = None
_stale = True  # a setting was assigned since the client was built


class _TrackModule(types.ModuleType):
    # Assigning a setting marks the client stale, so that a call does not have to compare every
    # setting to find out (the call is on the caller's hot path).
    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _SETTING_NAMES:
            super().__setattr__("_stale", True)


_SETTING_NAMES = frozenset(
    {
        "api_key",
        "host",
        "sync_mode",
        "debug",
        "timeout",
        "max_retries",
        "max_queue_size",
        "on_error",
        "max_in_flight",
        "rate_limit_per_minute",
        "shutdown_timeout",
        "store",
        "handle_sigterm",
    }
)
sys.modules[__name__].__class__ = _TrackModule


def user(
    user_id: str | int | None = None,
    country_code: str = "+91",
    phone_number: str | None = None,
    traits: dict[str, Any] | None = None,
    created_at: Any = None,
    **fields: Unpack[UserFields],
) -> tuple[bool, dict[str, Any]] | TrackResponse:
    """Create or update a user. Returns `(queued, queue_msg)`, or the API's answer in sync mode.

    `**fields` (new): the spec's other user properties, e.g. `tags=["vip"]`, `full_phone_number=`.
    """
    client = _client()
    if not client.background:
        return _with(client.send_user, fields)(
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
        )
    queued, message = _with(client.queue_user, fields)(
        user_id=user_id,
        phone_number=phone_number,
        country_code=country_code,
        traits=traits,
        created_at=created_at,
    )
    return queued, {"path": message.path, "body": message.body}


def event(  # noqa: PLR0917 - the original's signature
    user_id: str | int | None = None,
    event: str | None = None,
    traits: dict[str, Any] | None = None,
    country_code: str = "+91",
    phone_number: str | None = None,
    created_at: Any = None,
    **fields: Unpack[EventFields],
) -> tuple[bool, dict[str, Any]] | TrackResponse:
    """Record an event of a user. Returns `(queued, queue_msg)`, or the API's answer in sync mode.

    `**fields` (new): the spec's other event properties, e.g. `tags=["vip"]`, `full_phone_number=`.
    """
    client = _client()
    if not client.background:
        return _with(client.send_event, fields)(
            event,  # type: ignore[arg-type]  # None is refused with a clear error
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
        )
    queued, message = _with(client.queue_event, fields)(
        event,  # type: ignore[arg-type]
        user_id=user_id,
        phone_number=phone_number,
        country_code=country_code,
        traits=traits,
        created_at=created_at,
    )
    return queued, {"path": message.path, "body": message.body}


def _with(method: Callable[_P, _T], fields: Mapping[str, Any]) -> Callable[_P, _T]:
    # Forwarding `**fields` would make every call a keyword-unpacking call, which costs about
    # a microsecond on this hot path; most calls have no fields.
    return functools.partial(method, **fields) if fields else method


def flush(timeout: float | None = None) -> FlushResult:
    """Wait until what is queued is delivered or failed (or `timeout` seconds); say what happened."""
    client = default_client
    return client.flush(timeout) if client is not None else FlushResult(0, 0, 0, 0)


def join(timeout: float | None = None) -> FlushResult:
    """Deliver what is queued, then stop the workers (as `shutdown()`)."""
    return shutdown(timeout)


def shutdown(timeout: float | None = None) -> FlushResult:
    """Deliver what is queued (up to `timeout`, default `shutdown_timeout`), then stop. Idempotent."""
    client = default_client
    return client.shutdown(timeout) if client is not None else FlushResult(0, 0, 0, 0)


def _settings() -> tuple[Any, ...]:
    return (
        api_key,
        host,
        sync_mode,
        debug,
        timeout,
        max_retries,
        max_queue_size,
        on_error,
        max_in_flight,
        rate_limit_per_minute,
        shutdown_timeout,
        store,
        handle_sigterm,
    )


def _client() -> InteraktClient:
    global default_client, _built_with, _stale  # noqa: PLW0603 - the module is the client holder
    client = default_client
    if client is not None and not _stale and not client.closed:
        return client
    with _lock:
        _stale = False  # before reading them: an assignment from now on marks it stale again
        settings = _settings()
        if default_client is not None and settings == _built_with and not default_client.closed:
            return default_client
        if api_key is None:
            raise ValueError(
                "track.api_key is not set: use the Secret Key from Interakt's Developer Settings"
            )
        logging.getLogger("trackapis.interakt").setLevel(logging.DEBUG if debug else logging.NOTSET)
        new = InteraktClient(
            api_key,
            base_url=host or DEFAULT_HOST,
            timeout=timeout,
            max_retries=max_retries,
            background=not sync_mode,
            max_queue_size=max_queue_size,
            max_in_flight=max_in_flight,
            rate_limit_per_minute=rate_limit_per_minute,
            on_error=_adapt(on_error),
            shutdown_timeout=shutdown_timeout,
            store=store,
        )
        if handle_sigterm:
            import trackapis

            trackapis.handle_sigterm()
        old, default_client, _built_with = default_client, new, settings
    if old is not None and not old.closed:
        # Settings changed: the old client delivers what it holds in the background.
        threading.Thread(target=old.shutdown, name="track-retire", daemon=True).start()
    return new


def _adapt(
    callback: Callable[[Exception, dict[str, Any]], object] | None,
) -> Callable[[Exception, InteraktMessage], object] | None:
    if callback is None:
        return None

    def call(error: Exception, message: InteraktMessage) -> object:
        return callback(error, {"path": message.path, "body": message.body})

    return call
