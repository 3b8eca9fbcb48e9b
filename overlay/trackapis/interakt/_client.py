"""`InteraktClient`: background delivery through the engine, or sends in the caller (sync mode)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Unpack

import attrs

from .. import __version__
from .._errors import ClientClosedError, TrackapisError, TransportError
from .._lifecycle import EngineLifecycle
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ..delivery import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DEFAULT_STORE_SYNC_INTERVAL,
    DeliveryEngine,
    EngineClosed,
    SendResult,
    open_store,
)
from ._auth import basic_authorization
from ._fields import EventFields, UserFields
from ._lanes import LaneMemory
from ._payload import InteraktMessage, event_message, user_message
from ._response import TrackResponse, error_message_of

if TYPE_CHECKING:
    import httpx

    from .._transport import Poster

logger = logging.getLogger("trackapis.interakt")

DEFAULT_HOST: Final = "https://api.interakt.ai"
# The original SDK's default, in seconds, for connecting and for each read.
DEFAULT_TIMEOUT: Final = 10.0
USER_AGENT: Final = f"trackapis/{__version__}"

ErrorHandler = Callable[[TrackapisError, InteraktMessage], object]
DeliveredHandler = Callable[[InteraktMessage], object]


@attrs.frozen
class _Connection:
    """How to reach Interakt; everything a sender needs, safe to share between threads."""

    host: str
    authorization: str = attrs.field(repr=False)
    timeout: float
    transport: httpx.BaseTransport | None = attrs.field(repr=False)
    policy: RetryPolicy

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization, "User-Agent": USER_AGENT}

    def poster(self, max_connections: int | None = None) -> Poster:
        from .._transport import Poster

        return Poster(
            self.host, self.headers, self.timeout, transport=self.transport, max_connections=max_connections
        )

    def sender(self) -> _WireSender | _HttpxSender:
        # A custom transport (a test's MockTransport, a proxy) means httpx all the way.
        return _WireSender(self) if self.transport is None else _HttpxSender(self)


class _WireSender:
    """One worker thread's sender: one lean keep-alive connection (see trackapis._wire)."""

    def __init__(self, connection: _Connection) -> None:
        from .._wire import KeepAliveConnection  # in the worker: `import track` stays light

        self._policy = connection.policy
        self._wire = KeepAliveConnection(connection.host, connection.headers, connection.timeout)

    def send(self, payloads: Sequence[InteraktMessage]) -> list[SendResult]:
        return [self._send_one(message) for message in payloads]

    def _send_one(self, message: InteraktMessage) -> SendResult:
        try:
            response = self._wire.post_json(message.path, message.body)
        except TransportError as error:
            _log_attempt(message, error)
            return SendResult.retry(error)
        _log_attempt(message, response.status)
        if response.is_success:
            return SendResult.delivered()
        from .._transport import verdict

        return verdict(response.as_httpx(), "POST", message.path, self._policy, error_message_of)

    def close(self) -> None:
        self._wire.close()


class _HttpxSender:
    """One worker thread's sender over the configured httpx transport."""

    def __init__(self, connection: _Connection) -> None:
        self._policy = connection.policy
        self._poster = connection.poster(max_connections=1)

    def send(self, payloads: Sequence[InteraktMessage]) -> list[SendResult]:
        from .._transport import attempt
        from ._generated import request_kwargs

        results = []
        for message in payloads:
            result, response = attempt(self._poster, request_kwargs(message), self._policy, error_message_of)
            _log_attempt(message, result.error if response is None else response.status_code)
            results.append(result)
        return results

    def close(self) -> None:
        self._poster.close()


def _log_attempt(message: InteraktMessage, outcome: object) -> None:
    # Each attempt and its status (a retry shows as another attempt); never the credential.
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("POST %s %s -> %s", message.path, message.body, outcome)


def _store_options(store: str, sync_interval: float) -> dict[str, Any]:
    spool = open_store(store)
    if spool is None:
        return {"store_sync_interval": sync_interval}
    from ._codec import InteraktCodec

    return {"store": spool, "codec": InteraktCodec(), "store_sync_interval": sync_interval}


def _check_base_url(host: str) -> str:
    if not isinstance(host, str) or not host.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http(s) URL such as {DEFAULT_HOST!r}, not {host!r}")
    return host.rstrip("/")


def _check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    return float(timeout)


class InteraktClient(EngineLifecycle):
    """A client of the Interakt Track API.

    By default `user()` and `event()` validate their arguments, queue the request and return at
    once; worker threads deliver it with retries. With `background=False` they send in the
    caller's thread (with the same retries) and raise on failure. `send_user()` and
    `send_event()` always send in the caller and return the parsed answer.

    Use it as a context manager, or call `shutdown()`: closing delivers what is queued (up to
    `shutdown_timeout` seconds). A process that exits without closing does the same.

    Args:
        api_key: The Secret Key as the dashboard shows it, or the decoded key.
        base_url: The API's base URL.
        timeout: Seconds to connect and to wait for each read.
        max_retries: Retries after the first attempt, for network errors, timeouts, 429 and 5xx.
        retry_policy: Full control over retries (overrides `max_retries`).
        background: Deliver from worker threads (the default); False sends in the caller.
        max_queue_size: Requests queued at most; more are reported to `on_error` as dropped.
        max_in_flight: Requests sent at once, over that many keep-alive connections.
        rate_limit_per_minute: Stay under your plan's limit (Interakt allows 300 or 600 a minute).
        on_error: Called as `on_error(error, message)` for each request that failed or was dropped.
        on_delivered: Called as `on_delivered(message)` for each request delivered in the
            background (for checkpointing, e.g. a resumable import); it runs in a worker thread.
        shutdown_timeout: Seconds that closing (or exiting) keeps delivering before giving up.
        transport: An httpx transport, for tests.
        store: Where the queue lives: `"memory"` (default), or a spool file that survives a crash
            or kill, `"sqlite:///path/to/spool.db"` (see docs/delivery.md).
        store_sync_interval: With a spool: seconds between its commits, the most a kill -9 can lose.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        background: bool = True,
        max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        rate_limit_per_minute: float | None = None,
        on_error: ErrorHandler | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        on_delivered: DeliveredHandler | None = None,
        store: str = "memory",
        store_sync_interval: float = DEFAULT_STORE_SYNC_INTERVAL,
    ) -> None:
        policy = retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
        self._connection = _Connection(
            _check_base_url(base_url),
            basic_authorization(api_key),
            _check_timeout(timeout),
            transport,
            policy,
        )
        self.background = bool(background)
        if on_error is not None and not callable(on_error):
            raise TypeError(f"on_error must be callable, not {type(on_error).__name__}")
        self._on_error = on_error
        if on_delivered is not None and not callable(on_delivered):
            raise TypeError(f"on_delivered must be callable, not {type(on_delivered).__name__}")
        self._on_delivered = on_delivered
        self._engine = DeliveryEngine(
            self._connection.sender,
            name="interakt",
            max_queue_size=max_queue_size,
            max_in_flight=max_in_flight,
            retry_policy=policy,
            rate_limit_per_minute=rate_limit_per_minute,
            on_error=self._report,
            shutdown_timeout=shutdown_timeout,
            on_delivered=None if on_delivered is None else self._report_delivered,
            **_store_options(store, store_sync_interval),
        )
        self._direct_lock = threading.Lock()
        self._direct = None
        self._lanes = LaneMemory()  # a phone-only message follows the user id last seen with it

    def __repr__(self) -> str:
        mode = "background" if self.background else "sync"
        return f"<InteraktClient base_url={self._connection.host!r} mode={mode}>"

    # -- tracking ---------------------------------------------------------------------------------

    def user(
        self,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[UserFields],
    ) -> bool:
        """Create or update a user; its traits replace earlier values of the same traits.

        Args:
            user_id: Your id for the user (numbers are sent as strings). This, or `phone_number`.
            phone_number: Digits only, without the country code.
            country_code: The phone number's country calling code.
            traits: JSON-compatible values; datetimes, dates, Decimals, UUIDs and Enums are encoded.
            created_at: When it happened: a timezone-aware datetime or an ISO-8601 string
                (sent in UTC, as `2024-05-01T12:00:00Z`).
            **fields: The request schema's other properties, derived from specs/interakt.yaml
                (`UserFields`, `EventFields`): `full_phone_number`, `tags`, and whatever a
                regenerated spec adds. None means not sent.

        Returns:
            True once queued (or sent, in sync mode); False when the queue was full, in which case
            the message was reported to `on_error` as dropped.

        Raises:
            ValueError, TypeError: A bad argument (nothing is queued).
            ClientClosedError: After `shutdown()`.
            APIError, TransportError: In sync mode, when delivery failed.
        """
        lane, message = user_message(
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._dispatch(message, lane)

    def event(
        self,
        event: str,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[EventFields],
    ) -> bool:
        """Record an event (an action) of a user; see `user()` for the arguments and errors."""
        lane, message = event_message(
            event,
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._dispatch(message, lane)

    def queue_user(
        self,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[UserFields],
    ) -> tuple[bool, InteraktMessage]:
        """`user()` in the background, also returning the queued request (path and JSON body)."""
        lane, message = user_message(
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._queue(message, lane), message

    def queue_event(
        self,
        event: str,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[EventFields],
    ) -> tuple[bool, InteraktMessage]:
        """`event()` in the background, also returning the queued request (path and JSON body)."""
        lane, message = event_message(
            event,
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._queue(message, lane), message

    def send_user(
        self,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[UserFields],
    ) -> TrackResponse:
        """`user()`, sent now in the caller's thread with retries; returns the API's answer."""
        _, message = user_message(
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._send_now(message)

    def send_event(
        self,
        event: str,
        *,
        user_id: str | int | None = None,
        phone_number: str | None = None,
        country_code: str = "+91",
        traits: dict[str, Any] | None = None,
        created_at: Any = None,
        **fields: Unpack[EventFields],
    ) -> TrackResponse:
        """`event()`, sent now in the caller's thread with retries; returns the API's answer."""
        _, message = event_message(
            event,
            user_id=user_id,
            phone_number=phone_number,
            country_code=country_code,
            traits=traits,
            created_at=created_at,
            fields=fields,
        )
        return self._send_now(message)

    def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/interakt.yaml by its operationId, now, in the caller's thread.

        For operations the methods above do not cover yet (a regenerated spec's new ones): the
        same credentials, retries and errors, with the body as given (checked as JSON).

        Returns:
            The answer's JSON (its text when not JSON; None when empty).

        Raises:
            ValueError, TypeError: An unknown operation, a bad body or parameter.
            APIError, TransportError: When delivery failed.
        """
        from .._operations import decoded
        from .._operations import operation as build
        from .._transport import send_now
        from ._fields import OPERATIONS

        request = build(OPERATIONS, operation, body, params)
        if self._engine.closed:
            raise ClientClosedError("this InteraktClient was shut down; create a new one")
        response = send_now(self._direct_client(), request.kwargs, self._connection.policy, error_message_of)
        return decoded(response.content, response.headers.get("content-type", ""))

    # -- internals ----------------------------------------------------------------------------------

    def _dispatch(self, message: InteraktMessage, lane: str) -> bool:
        if not self.background:
            self._send_now(message)
            return True
        return self._queue(message, lane)

    def _queue(self, message: InteraktMessage, lane: str) -> bool:
        try:
            return self._engine.submit(message, self._lanes.lane(lane, message.body))
        except EngineClosed:
            raise ClientClosedError("this InteraktClient was shut down; create a new one") from None

    def _send_now(self, message: InteraktMessage) -> TrackResponse:
        from .._transport import send_now
        from ._generated import request_kwargs
        from ._response import parse_response

        if self._engine.closed:
            raise ClientClosedError("this InteraktClient was shut down; create a new one")
        kwargs = request_kwargs(message)
        return parse_response(
            send_now(self._direct_client(), kwargs, self._connection.policy, error_message_of)
        )

    def _direct_client(self) -> Poster:
        # One shared poster for sends in callers' threads (its transport is thread-safe), made
        # anew in a forked child, whose inherited connections belong to the parent.
        with self._direct_lock:
            if self._direct is None or self._direct[0] != os.getpid():
                self._direct = (os.getpid(), self._connection.poster())
            return self._direct[1]

    def _report_delivered(self, message: InteraktMessage) -> None:
        if self._on_delivered is not None:
            self._on_delivered(message)

    def _report(self, error: TrackapisError, message: InteraktMessage) -> None:
        if self._on_error is None:
            logger.warning("interakt: a request to %s was not delivered: %s", message.path, error)
            return
        self._on_error(error, message)
