"""`track.Client`: the original's client class, delivering through `trackapis.interakt.InteraktClient`.

One client per key, as with the original (the analytics-python pattern)::

    from track import Client

    client = Client(api_key="KEY", host="https://api.interakt.ai")
    client.event(user_id="42", event="Order Placed", traits={"orderValue": "50.00"})
    client.shutdown()          # delivers everything queued, then stops
"""

from __future__ import annotations

import json
import logging
import numbers
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, Unpack

from trackapis.delivery import DEFAULT_MAX_IN_FLIGHT, DEFAULT_SHUTDOWN_TIMEOUT, FlushResult, MessageDropped
from trackapis.interakt import (
    ClientClosedError,
    EventFields,
    InteraktClient,
    InteraktMessage,
    UserFields,
    event_message,
    user_message,
)

from .const import DEFAULT_HOST, ApiPaths
from .consumer import Consumer, QueueView
from .request import Response, _shim_error
from .utils import input_error, require

__all__ = ["ID_TYPES", "NO_TIMEOUT_BOUND", "Client", "ErrorHandler"]

# "No limit" for the engine's flush and shutdown: far beyond any delivery, within what
# `threading` waits accept.
_NO_LIMIT = 1e9

ErrorHandler = Callable[[Exception, dict[str, Any]], object]

# The original's id types (what its `require()` took): numbers are sent as `str(number)`. Here
# a bool is refused (the original sent "True"), and a non-integral number is sent as it did.
ID_TYPES = (numbers.Number, str)
# `timeout=None` meant "no limit" to `requests`; an attempt here always ends: it gets this long.
NO_TIMEOUT_BOUND = 60.0


class Client:
    """An Interakt Track client with the original's constructor, methods and return values.

    Args:
        api_key: The Secret Key as the dashboard shows it, or the decoded key.
        host: The API's base URL (default `https://api.interakt.ai`).
        debug: Log each request, retry and outcome on the `interakt` logger.
        sync_mode: Send in the caller's thread and return the answer (raising on failure).
        timeout: Seconds to connect and to wait for each read.
        max_queue_size: Messages queued at most; more are dropped (`(False, msg)`) and reported.
        on_error: Called as `on_error(error, queue_msg)` for each message not delivered.
        max_retries: Retries for network errors, timeouts, 429 and 5xx (also in sync mode).
        flush_interval: Accepted for compatibility; delivery does not poll here.
        max_in_flight: Requests in flight at once (new).
        rate_limit_per_minute: Optional ceiling on requests per minute (new).
        shutdown_timeout: Seconds an exiting process keeps delivering (new; explicit
            `flush()`/`join()`/`shutdown()` without a timeout have no limit).
        client_options: Further keyword arguments of `InteraktClient` (e.g. `store=`).
    """

    logger = logging.getLogger("interakt")

    def __init__(  # noqa: PLR0917 - the original's signature
        self,
        api_key: str | None = None,
        host: str | None = None,
        debug: bool = False,
        sync_mode: bool = False,
        timeout: float = 10,
        max_queue_size: int = 10000,
        on_error: ErrorHandler | None = None,
        max_retries: int = 3,
        flush_interval: float = 0.5,
        *,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        rate_limit_per_minute: float | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
        **client_options: Any,
    ) -> None:
        require("api_key", api_key, str)
        assert isinstance(api_key, str)
        self.api_key = api_key
        self.host = host
        self.debug = debug
        self.sync_mode = sync_mode
        self.timeout = timeout
        self.on_error = on_error
        self.max_retries = max_retries
        self.flush_interval = flush_interval
        if debug:
            _set_debug(True)
        options = {
            "base_url": host or DEFAULT_HOST,
            "timeout": _attempt_timeout(timeout),
            "max_retries": max_retries,
            "background": not sync_mode,
            # As `queue.Queue(maxsize)`: 0 or less is no limit.
            "max_queue_size": max_queue_size
            if not _number(max_queue_size) or max_queue_size > 0
            else sys.maxsize,
            "max_in_flight": max_in_flight,
            "rate_limit_per_minute": rate_limit_per_minute,
            "shutdown_timeout": shutdown_timeout,
            "on_error": self._report,
            **client_options,
        }
        self._make: Callable[[], InteraktClient] = lambda: InteraktClient(api_key, **options)
        try:
            self._client = self._make()
        except (ValueError, TypeError) as error:
            raise input_error(error) from None
        self._lock = threading.Lock()
        self.queue = QueueView(self, max_queue_size)
        self.consumer = None if sync_mode else Consumer(self)

    def __repr__(self) -> str:
        return f"<track.Client host={self.host or DEFAULT_HOST!r} sync_mode={self.sync_mode}>"

    # -- the original's methods ----------------------------------------------------------------------

    def user(
        self,
        user_id: str | int | None = None,
        country_code: str = "+91",
        phone_number: str | None = None,
        traits: dict[Any, Any] = {},  # noqa: B006 - the original's default; never modified
        created_at: Any = None,
        **fields: Unpack[UserFields],
    ) -> tuple[bool, dict[str, Any]] | Response:
        """Create or update a user. Returns `(queued, queue_msg)`, or the answer in sync mode.

        Raises:
            AssertionError: A bad argument (also a `ValueError` or `TypeError`).
            APIError, OSError: In sync mode, when delivery failed (see `track.request`).
        """
        if self.sync_mode:
            values = (user_id, country_code, phone_number, traits, created_at)
            return self._track("user", _arguments("user", values, fields))
        return self._enqueue("user", None, user_id, country_code, phone_number, traits, created_at, fields)

    def event(  # noqa: PLR0917 - the original's signature
        self,
        user_id: str | int | None = None,
        event: str | None = None,
        traits: dict[Any, Any] = {},  # noqa: B006 - the original's default; never modified
        country_code: str = "+91",
        phone_number: str | None = None,
        created_at: Any = None,
        **fields: Unpack[EventFields],
    ) -> tuple[bool, dict[str, Any]] | Response:
        """Record an event of a user; see `user()`."""
        if self.sync_mode:
            values = (user_id, event, traits, country_code, phone_number, created_at)
            return self._track("event", _arguments("event", values, fields))
        return self._enqueue("event", event, user_id, country_code, phone_number, traits, created_at, fields)

    def flush(self, timeout: float | None = None) -> FlushResult:
        """Wait until everything queued is delivered or failed (no limit unless `timeout`).

        Returns what settled since the last flush, and what is still pending (after a timeout).
        """
        result = self._typed().flush(_NO_LIMIT if timeout is None else timeout)
        self.logger.debug("Successfully flushed about %s items.", result.delivered)
        return result

    def join(self, timeout: float | None = None) -> FlushResult:
        """Deliver everything queued (no limit unless `timeout`), then stop the workers."""
        return self.shutdown(timeout)

    def shutdown(self, timeout: float | None = None) -> FlushResult:
        """Deliver everything queued (no limit unless `timeout`), then stop; a later call starts
        afresh. What a `timeout` leaves undelivered is reported to `on_error`. Idempotent."""
        return self._typed().shutdown(_NO_LIMIT if timeout is None else timeout)

    # -- internals -------------------------------------------------------------------------------------

    def _typed(self) -> InteraktClient:
        client = self._client
        if client.closed:  # a call after shutdown() starts a fresh client, not a lost message
            with self._lock:
                if self._client.closed:
                    self._client = self._make()
                client = self._client
        return client

    def _retire(self, timeout: float) -> FlushResult:
        """Deliver what is queued (up to `timeout`), then stop, without starting afresh."""
        return self._client.shutdown(timeout)

    def _pending(self) -> int:
        return self._client.stats().pending

    def _prepare(self, kind: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The queue message a call would queue, checked as `user()`/`event()` check it; queues nothing."""
        if kwargs["traits"] is not None:
            kwargs["traits"] = _json_keys(kwargs["traits"])
        known = {name: kwargs[name] for name in _PARAMETERS[kind]}
        fields = {name: value for name, value in kwargs.items() if name not in known}
        try:
            _, message = (user_message if kind == "user" else event_message)(**known, fields=fields)
        except (ValueError, TypeError) as error:
            raise input_error(error) from None
        return {"path": message.path, "body": message.body}

    def _track(self, kind: str, kwargs: dict[str, Any]) -> tuple[bool, dict[str, Any]] | Response:
        """`user()`/`event()` with their arguments by name (the module's calls, held calls)."""
        if self.sync_mode:
            if kind == "event":
                kwargs["traits"], kwargs["user_id"] = _no_traits(kwargs["traits"]), _id(kwargs["user_id"])
            elif kind == "user":
                kwargs["user_id"] = _id(kwargs["user_id"])
            if kwargs["traits"] is not None:
                kwargs["traits"] = _json_keys(kwargs["traits"])
            return self._send_now(self._typed(), kind, kwargs)
        fields = dict(kwargs)
        # `event` is an argument of event() only: passed to user(), it stays a field and is refused.
        event = fields.pop("event", None) if kind == "event" else None
        user_id, country_code, phone_number, traits, created_at = (
            fields.pop(name, None) for name in _ENQUEUED[1:]
        )
        return self._enqueue(kind, event, user_id, country_code, phone_number, traits, created_at, fields)

    def _enqueue(  # noqa: PLR0917 - positional on purpose: this is the caller's hot path
        self,
        kind: str,
        event: Any,
        user_id: Any,
        country_code: Any,
        phone_number: Any,
        traits: Any,
        created_at: Any,
        fields: Mapping[str, Any],
    ) -> tuple[bool, dict[str, Any]]:
        """Queue a `user` or `event` call: `(queued, queue_msg)`."""
        # The common call, kept flat (the benchmark holds its cost to the original's): anything
        # unusual (a closed client, a bad argument, non-string trait keys, the spec's other
        # fields, whose `**` alone costs half a microsecond) takes _enqueue_slowly.
        if fields:
            return self._enqueue_slowly(
                kind, (event, user_id, country_code, phone_number, traits, created_at), fields
            )
        try:
            if kind == "event":
                queued, message = self._client.queue_event(
                    event,
                    user_id=user_id,
                    phone_number=phone_number,
                    country_code=country_code,
                    traits=traits,
                    created_at=created_at,
                )
            else:
                queued, message = self._client.queue_user(
                    user_id=user_id,
                    phone_number=phone_number,
                    country_code=country_code,
                    traits=traits,
                    created_at=created_at,
                )
        except (ClientClosedError, ValueError, TypeError):
            arguments = (event, user_id, country_code, phone_number, traits, created_at)
            return self._enqueue_slowly(kind, arguments, fields)
        if not queued:
            self.logger.warning("track-python queue is full")
        else:
            self.logger.debug("Enqueued msg for %s", message.path)
        return queued, {"path": message.path, "body": message.body}

    def _enqueue_slowly(
        self, kind: str, arguments: tuple[Any, ...], fields: Mapping[str, Any]
    ) -> tuple[bool, dict[str, Any]]:
        event, user_id, country_code, phone_number, traits, created_at = arguments
        # What the original took and the typed client does not: an empty non-dict `traits` in
        # event() (it used `traits or {}`), a float or other non-int number as an id.
        user_id = _id(user_id)
        if kind == "event":
            traits = _no_traits(traits)
        converted = False
        while True:
            client = self._client
            try:
                queue, leading = (client.queue_user, ()) if kind == "user" else (client.queue_event, (event,))
                queued, message = queue(
                    *leading,
                    user_id=user_id,
                    phone_number=phone_number,
                    country_code=country_code,
                    traits=traits,
                    created_at=created_at,
                    **fields,
                )
                break
            except ClientClosedError:
                self._typed()  # a call after shutdown() starts afresh
            except (ValueError, TypeError) as error:
                # Non-string keys are written as json.dumps writes them; checked only when the
                # call failed, so that the common call pays nothing for it.
                if not converted and isinstance(error, TypeError) and not _string_keys(traits):
                    traits, converted = _keys_of(traits), True
                    continue
                raise input_error(error) from None
        if queued:
            self.logger.debug("Enqueued msg for %s", message.path)
        else:
            self.logger.warning("track-python queue is full")
        return queued, {"path": message.path, "body": message.body}

    def _send_now(self, client: InteraktClient, kind: str, kwargs: dict[str, Any]) -> Response:
        from trackapis.interakt import TrackapisError

        self.logger.debug("Making request: %s", kwargs)
        try:
            answer = (client.send_user if kind == "user" else client.send_event)(**kwargs)
        except (ValueError, TypeError) as error:
            raise input_error(error) from None
        except TrackapisError as error:
            self.logger.debug("Request failed: %s", error)
            raise _shim_error(error) from error
        self.logger.debug("Data uploaded successfully")
        path = ApiPaths.User.value if kind == "user" else ApiPaths.Event.value
        return Response(
            answer.status, answer.headers, answer.content, (self.host or DEFAULT_HOST).rstrip("/") + path
        )

    def _report(self, error: Exception, message: InteraktMessage) -> None:
        # As the original's consumer: a warning, then on_error (read now, so that a later
        # assignment of `client.on_error` or `track.on_error` takes effect).
        error = _shim_error(error)
        # A full queue was logged by the call that found it so, with the original's line.
        if not (isinstance(error, MessageDropped) and str(error).startswith(_QUEUE_FULL)):
            self.logger.warning("Error uploading: %s", error)
        if self.on_error is not None:
            self.on_error(error, {"path": message.path, "body": message.body})


# The engine's words for a message refused by a full queue (see _report).
_QUEUE_FULL = "the queue is full"
# `_enqueue`'s arguments after `kind`.
_ENQUEUED = ("event", "user_id", "country_code", "phone_number", "traits", "created_at")
# The original's positional order of `user()` and `event()` (created_at and **fields are new).
_PARAMETERS = {
    "user": ("user_id", "country_code", "phone_number", "traits", "created_at"),
    "event": ("user_id", "event", "traits", "country_code", "phone_number", "created_at"),
}


def _attempt_timeout(timeout: Any) -> Any:
    """The original's `timeout` (passed to `requests`) as the seconds one attempt may take."""
    if timeout is None:
        return NO_TIMEOUT_BOUND
    if isinstance(timeout, tuple) and len(timeout) == 2 and all(_number(part) for part in timeout):
        return timeout[0] + timeout[1]  # (connect, read): here one bound for the whole attempt
    return timeout


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _no_traits(traits: Any) -> Any:
    """event()'s `traits or {}`: an empty list, string or zero was sent as `{}` by the original."""
    if traits is None or isinstance(traits, dict):
        return traits
    try:
        return traits if traits else {}
    except Exception:  # an object without a truth value: refused by name later
        return traits


def _id(value: Any) -> Any:
    """A non-integral number as the original sent it (`str(1.5)`); anything else unchanged."""
    if isinstance(value, numbers.Number) and not isinstance(value, (bool, numbers.Integral)):
        return str(value)
    return value


def _arguments(kind: str, values: tuple[Any, ...], fields: Mapping[str, Any]) -> dict[str, Any]:
    """A `user`/`event` call's arguments by name."""
    return {**dict(zip(_PARAMETERS[kind], values, strict=True)), **fields}


def _json_keys(traits: Any) -> Any:
    """`traits` with non-string mapping keys turned into strings as `json.dumps` does (1 -> "1",
    True -> "true", None -> "null"); other keys stay, to be refused by name."""
    return traits if _string_keys(traits) else _keys_of(traits)


# Deeper than this (or cyclic), traits are left as they are for the encoder to refuse by name:
# it allows less nesting than this, so nothing it would accept is left unconverted.
_KEY_DEPTH = 64


def _string_keys(value: Any, depth: int = 0) -> bool:
    """Whether every mapping key in `value`, at any depth, is a string (nothing to convert)."""
    if depth > _KEY_DEPTH:
        return True
    if isinstance(value, dict):
        return all(isinstance(key, str) and _string_keys(item, depth + 1) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return all(_string_keys(item, depth + 1) for item in value)
    return True


def _keys_of(value: Any, depth: int = 0) -> Any:
    if depth > _KEY_DEPTH:
        return value
    if isinstance(value, dict):
        return {_json_key(key): _keys_of(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_keys_of(item, depth + 1) for item in value]
    return value


def _json_key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)  # None -> "null", True -> "true", 1.5 -> "1.5"
    return key


_debug_forwarding = False
_levels_before: dict[str, int] = {}  # what _set_debug(True) replaced, by logger name


def _set_debug(on: bool) -> None:
    """Debug logs on the `interakt` logger (the original's) and trackapis' `trackapis.interakt`."""
    global _debug_forwarding  # noqa: PLW0603 - one handler per process
    loggers = [logging.getLogger("interakt"), logging.getLogger("trackapis.interakt")]
    if on:
        for one in loggers:
            if one.level != logging.DEBUG:
                _levels_before[one.name] = one.level
                one.setLevel(logging.DEBUG)
    else:
        # Off again: the levels it found, unless the application has set them since (the
        # original never lowered a level, so `debug = False` alone changes nothing there).
        for one in loggers:
            before = _levels_before.pop(one.name, None)
            if before is not None and one.level == logging.DEBUG:
                one.setLevel(before)
    if on and not _debug_forwarding:
        loggers[1].addHandler(_ToInteraktHandlers())
        _debug_forwarding = True


class _ToInteraktHandlers(logging.Handler):
    """Hands trackapis.interakt's records to the handlers set on the `interakt` logger, which the
    original logged on (the root logger gets them once, by propagation)."""

    def emit(self, record: logging.LogRecord) -> None:
        for handler in logging.getLogger("interakt").handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
