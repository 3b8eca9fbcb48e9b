"""`InteraktClient`: background delivery through the engine, or sends in the caller (sync mode)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._config import DEFAULT_DEADLINE, TRACK_ANSWER_CAP, ConnectionConfig, DeliveryOptions, Verify
from .._errors import ClientClosedError, TrackapisError
from .._http._redact import Redactor
from .._lifecycle import Lifecycle, SyncClient, engine_options
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ..delivery import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DEFAULT_STORE_SYNC_INTERVAL,
    DeliveryEngine,
    EngineClosed,
    SendResult,
)
from ._auth import basic_authorization
from ._calls import Built, event_verb, user_verb
from ._lanes import LaneMemory
from ._payload import InteraktMessage
from ._response import TrackResponse, error_message_of

if TYPE_CHECKING:
    import httpx

    from .._http._answer import Answer
    from .._http._httpx import HttpxBackend
    from ._codec import InteraktCodec

logger = logging.getLogger("trackapis.interakt")

DEFAULT_HOST: Final = "https://api.interakt.ai"
# The original SDK's default, in seconds (it applied to connecting and to each read; here it
# bounds a whole attempt: connect, send and the full answer).
DEFAULT_TIMEOUT: Final = 10.0

_QUEUE_DOC: Final = "`{}()` in the background, also returning the queued request (path and JSON body)."
_SEND_DOC: Final = "`{}()`, sent now in the caller's thread with retries; returns the API's answer."

ErrorHandler = Callable[[TrackapisError, InteraktMessage], object]
DeliveredHandler = Callable[[InteraktMessage], object]


@attrs.frozen
class _Connection:
    """How to reach Interakt; everything a sender needs, safe to share between threads."""

    config: ConnectionConfig
    authorization: str = attrs.field(repr=False)
    transport: httpx.BaseTransport | None = attrs.field(repr=False)
    redact: Redactor = attrs.field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization}

    def backend(self, max_connections: int | None = None) -> HttpxBackend:
        from .._http._httpx import HttpxBackend

        return HttpxBackend(
            self.config,
            self.headers,
            max_connections=max_connections,
            transport=self.transport,
            redact=self.redact,
        )

    def sender(self) -> _LeanSender | _HttpxSender:
        from .._http._lean import lean_supported

        # A custom transport (a test's MockTransport) or an HTTPS proxy means httpx all the way.
        if self.transport is None and lean_supported(self.config):
            return _LeanSender(self)
        return _HttpxSender(self)


class _LeanSender:
    """One worker thread's sender: one lean keep-alive connection (see trackapis._http._lean)."""

    def __init__(self, connection: _Connection) -> None:
        from .._http._answer import Call
        from .._http._driver import attempt
        from .._http._lean import LeanConnection  # in the worker: `import track` stays light

        self._connection = connection
        self._wire = LeanConnection(connection.config, connection.headers, redact=connection.redact)
        self._call, self._attempt = Call, attempt

    def send(self, payloads: Sequence[InteraktMessage]) -> list[SendResult]:
        return [self._send_one(message) for message in payloads]

    def _send_one(self, message: InteraktMessage) -> SendResult:
        connection = self._connection
        config = connection.config
        call = self._call("POST", config.base_url, message.path, (), _JSON_HEADERS, _encode(message.body))
        result, answer = self._attempt(
            self._wire.exchange,
            call,
            config.timeout,
            config.policy,
            error_message_of,
            redact=connection.redact,
        )
        _log_attempt(message, result.error if answer is None else answer.status)
        return result

    def close(self) -> None:
        self._wire.close()


class _HttpxSender:
    """One worker thread's sender over httpx (a given transport, or an HTTPS proxy)."""

    def __init__(self, connection: _Connection) -> None:
        from .._http._answer import Call
        from .._http._driver import attempt
        from ._generated import request_kwargs

        # Imported here, when the engine makes the sender (a fork waits for that), not in send().
        self._call, self._attempt, self._request_kwargs = Call, attempt, request_kwargs
        self._connection = connection
        self._backend = connection.backend(max_connections=1)

    def send(self, payloads: Sequence[InteraktMessage]) -> list[SendResult]:
        Call, attempt, request_kwargs = self._call, self._attempt, self._request_kwargs
        connection = self._connection
        config = connection.config
        results = []
        for message in payloads:
            call = Call.from_kwargs(config.base_url, request_kwargs(message))
            result, answer = attempt(
                self._backend.exchange,
                call,
                config.timeout,
                config.policy,
                error_message_of,
                redact=connection.redact,
            )
            _log_attempt(message, result.error if answer is None else answer.status)
            results.append(result)
        return results

    def close(self) -> None:
        self._backend.close()


_JSON_HEADERS: Final = {"Content-Type": "application/json"}


def _log_attempt(message: InteraktMessage, outcome: object) -> None:
    # Each attempt and its status (a retry shows as another attempt); never the credential.
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("POST %s %s -> %s", message.path, message.body, outcome)


def _codec() -> InteraktCodec:
    from ._codec import InteraktCodec  # only with a store: `import track` stays light

    return InteraktCodec()


def _warn(error: TrackapisError, message: InteraktMessage) -> None:
    logger.warning("interakt: a request to %s was not delivered: %s", message.path, error)


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class InteraktClient(SyncClient):
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
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call sent in the caller's thread may take in all, retries included.
        max_retries: Retries after the first attempt, for network errors, timeouts, 408, 429
            and 5xx (but 501, 505, 511).
        retry_policy: Full control over retries (overrides `max_retries`).
        background: Deliver from worker threads (the default); False sends in the caller.
        max_queue_size: Requests queued at most; more are reported to `on_error` as dropped.
        max_in_flight: Requests sent at once, over that many keep-alive connections.
        rate_limit_per_minute: Stay under your plan's limit (Interakt allows 300 or 600 a minute).
        on_error: Called as `on_error(error, message)` for each request that failed or was dropped.
        on_delivered: Called as `on_delivered(message)` for each request delivered in the
            background (for checkpointing, e.g. a resumable import); it runs in a worker thread.
        shutdown_timeout: Seconds that closing (or exiting) keeps delivering before giving up.
        proxy: An http(s) proxy URL; None (the default) takes it from the environment
            (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR or REQUESTS_CA_BUNDLE when set, else
            certifi), an `ssl.SSLContext`, or a CA bundle path.
        transport: An httpx transport, for tests (all requests then go through httpx).
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
        deadline: float = DEFAULT_DEADLINE,
        proxy: str | bool | None = None,
        verify: Verify = True,
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
        config = ConnectionConfig.from_arguments(locals(), example=DEFAULT_HOST)
        options = DeliveryOptions.from_arguments(locals())
        authorization = basic_authorization(api_key)
        self._connection = _Connection(config, authorization, transport, Redactor(authorization))
        self.background = bool(background)
        self._engine = DeliveryEngine(  # it queues in either mode (`queue_user()`), with a store too
            self._connection.sender,
            name="interakt",
            retry_policy=config.policy,
            **engine_options(locals(), options, codec=_codec, message_of=lambda message: message, warn=_warn),
        )
        self._life = Lifecycle("InteraktClient", self._connection.backend, self._engine)
        self._lanes = LaneMemory()  # a phone-only message follows the user id last seen with it

    def __repr__(self) -> str:
        mode = "background" if self.background else "sync"
        return f"<InteraktClient base_url={self._connection.config.base_url!r} mode={mode}>"

    # -- tracking: the parameters and documentation of each verb are in _calls.py -------------------

    def _dispatch(self, built: Built) -> bool:
        if not self.background:
            self._send_now(built)
            return True
        return self._queue(built)[0]

    def _queue(self, built: Built) -> tuple[bool, InteraktMessage]:
        # `queue_user()`/`queue_event()` themselves: the caller's hot path (the `track` module's).
        lane, message = built
        if "phoneNumber" in message.body:  # a phone-only message may follow its user id's lane
            lane = self._lanes.lane(lane, message.body)
        try:
            return self._engine.submit(message, lane), message
        except EngineClosed:
            raise ClientClosedError("this InteraktClient was shut down; create a new one") from None

    def _send_now(self, built: Built) -> TrackResponse:
        from ._generated import request_kwargs
        from ._response import parse_response

        return parse_response(self._send_kwargs(request_kwargs(built[1])))

    user = user_verb(_dispatch, name="user")
    event = event_verb(_dispatch, name="event")
    queue_user = user_verb(_queue, name="queue_user", doc=_QUEUE_DOC.format("user"))
    queue_event = event_verb(_queue, name="queue_event", doc=_QUEUE_DOC.format("event"))
    send_user = user_verb(_send_now, name="send_user", doc=_SEND_DOC.format("user"))
    send_event = event_verb(_send_now, name="send_event", doc=_SEND_DOC.format("event"))

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
        from .._config import READ_ANSWER_CAP
        from .._operations import decoded
        from .._operations import operation as build
        from ._fields import OPERATIONS

        request = build(OPERATIONS, operation, body, params)
        answer = self._send_kwargs(request.kwargs, READ_ANSWER_CAP)
        return decoded(answer.content, answer.headers.get("content-type", ""))

    # -- internals ----------------------------------------------------------------------------------

    def _send_kwargs(self, kwargs: dict[str, Any], cap: int = TRACK_ANSWER_CAP) -> Answer:
        """Send a generated operation's request now, with retries within the deadline."""
        from .._http._answer import Call

        config = self._connection.config
        call = Call.from_kwargs(config.base_url, kwargs, cap=cap)
        return self._life.send(call, config, error_message_of, self._connection.redact)
