"""`AttributionClient`: the private customer API and the public triggers, sent in the caller's
thread (both requests of `trigger_event` at once) or, in background mode, through the engine."""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import httpx

from attributionio_client.api.customers import get_customer
from attributionio_client.models import EventRequest, IdentityRequest

from .._config import READ_ANSWER_CAP, ConnectionConfig, DeliveryOptions, Verify, positive_int
from .._errors import APIError, ClientClosedError, TrackapisError
from .._http._answer import Answer, Call
from .._http._driver import attempt
from .._http._httpx import HttpxBackend
from .._http._redact import Redactor
from .._lifecycle import Lifecycle, SyncClient, engine_options
from .._retry import DEFAULT_MAX_RETRIES, Deadline, RetryPolicy
from ..delivery import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DEFAULT_STORE_SYNC_INTERVAL,
    DeliveryEngine,
    EngineClosed,
    SendResult,
)
from ._calls import Arguments, fetch_customer_verb, trigger_event_verb, trigger_identity_verb
from ._codec import TriggerCodec
from ._fields import OPERATIONS
from ._identity import required_id
from ._models import Customer, EventOutcomes, EventResult, IdentityResult, parse_customer
from ._payload import (
    TriggerMessage,
    TriggerRequest,
    Who,
    as_message,
    event_requests,
    identity_request,
    request_kwargs,
    who,
)

logger = logging.getLogger("trackapis.attributionio")

DEFAULT_PRIVATE_HOST: Final = "https://attribution.io"
DEFAULT_PUBLIC_HOST: Final = "https://api.attribution.io"
# The original had no timeout at all. Five seconds for a whole attempt is generous for an API
# that answers in milliseconds, and short enough that a hung server shows up quickly.
DEFAULT_TIMEOUT: Final = 5.0
# A call (its attempts and the waits between them) ends within this many seconds, where the
# original could stall for 50 (ten tries, five seconds apart) and then return None.
DEFAULT_DEADLINE: Final = 15.0
# Connections kept alive (per process) for calls made in callers' threads.
DEFAULT_MAX_CONNECTIONS: Final = 16

ErrorHandler = Callable[[TrackapisError, TriggerMessage], object]
DeliveredHandler = Callable[[TriggerMessage], object]
# One request's answer (any 2xx), or why there was none worth having.
Outcome = Answer | TrackapisError


def check_credentials(api_key: Any, api_secret: Any) -> tuple[str, str | None]:
    if not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string, not {type(api_key).__name__}")
    if not api_key.strip():
        raise ValueError("api_key must not be empty: use the public API key from Attribution.io's settings")
    if api_secret is None:
        return api_key, None
    if not isinstance(api_secret, str):
        raise TypeError(f"api_secret must be a string or None, not {type(api_secret).__name__}")
    if not api_secret.strip():
        raise ValueError("api_secret must not be empty (pass None when you only use the public API)")
    return api_key, api_secret


def _message(payload: Any) -> str | None:
    message = payload.get("message") if isinstance(payload, dict) else None
    return message if isinstance(message, str) and message else None


@attrs.frozen
class Settings:
    """What both clients need to reach Attribution.io; the secret never shows in its repr."""

    public_key: str
    secret: str | None = attrs.field(repr=False)
    public: ConnectionConfig
    private: ConnectionConfig
    redact: Redactor = attrs.field(repr=False)

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any]) -> Settings:
        """The settings from a client constructor's own arguments (its `locals()`), by their names."""
        key, secret = check_credentials(arguments["api_key"], arguments["api_secret"])
        public = ConnectionConfig.from_arguments(arguments, example=DEFAULT_PUBLIC_HOST)
        private = public.at(
            arguments["private_base_url"], argument="private_base_url", example=DEFAULT_PRIVATE_HOST
        )
        return cls(key, secret, public, private, Redactor(secret))

    def shown(self) -> str:
        """The clients' repr: key and base URLs (never the secret)."""
        urls = f"base_url={self.public.base_url!r} private_base_url={self.private.base_url!r}"
        return f"public_key={self.public_key!r} {urls}"

    def customer_request(self, arguments: Mapping[str, Any]) -> tuple[str, Call]:
        """`fetch_customer()`'s request, from its arguments by name, and the id it asks for."""
        shown = show_flags(arguments)
        if self.secret is None:
            raise ValueError("api_secret is required for the private API: pass it to the client")
        cid = required_id(arguments["client_id"], argument="client_id")
        kwargs = get_customer._get_kwargs(self.public_key, cid, **{k: True for k, v in shown.items() if v})
        # The secret goes last, as the original sent it.
        call = Call.from_kwargs(
            self.private.base_url, kwargs, extra_params={"secret": self.secret}, cap=READ_ANSWER_CAP
        )
        return cid, call

    def identity_request(self, arguments: Mapping[str, Any]) -> tuple[Who, IdentityRequest]:
        """`trigger_identity()`'s client id and request, from its arguments by name."""
        client = who(arguments["client_id"])
        alias, agent = arguments["attributionio_id"], arguments["user_agent"]
        return client, identity_request(self.public_key, alias, client, agent, fields=arguments["fields"])

    def event_requests(
        self, arguments: Mapping[str, Any]
    ) -> tuple[EventResult, IdentityRequest, EventRequest]:
        """`trigger_event()`'s result (no statuses yet) and its two requests, from its arguments by name."""
        client = who(arguments["client_id"])
        identity, event = event_requests(
            self.public_key,
            arguments["attributionio_id"],
            arguments["event_key"],
            client,
            user_agent=arguments["user_agent"],
            last_url=arguments["last_url"],
            fields=arguments["fields"],
        )
        return EventResult(client.client_id, client.generated, event.event.transaction_id), identity, event

    def trigger_request(self, model: TriggerRequest) -> Call:
        return Call.from_kwargs(self.public.base_url, request_kwargs(model))

    def backend(self, max_connections: int | None, transport: Any) -> HttpxBackend:
        return HttpxBackend(
            self.public, {}, max_connections=max_connections, transport=transport, redact=self.redact
        )

    def operation_request(self, operation_id: Any, body: Any, params: Mapping[str, Any]) -> Call:
        """Any operation of the spec (`call()`): with the secret on the private API when it needs it."""
        from .._operations import operation

        built = operation(OPERATIONS, operation_id, body, params, defaults={"public_key": self.public_key})
        if not built.authenticated:
            return Call.from_kwargs(self.public.base_url, built.kwargs, cap=READ_ANSWER_CAP)
        if self.secret is None:
            raise ValueError(f"api_secret is required for {operation_id}: pass it to the client")
        return Call.from_kwargs(
            self.private.base_url, built.kwargs, extra_params={"secret": self.secret}, cap=READ_ANSWER_CAP
        )


def show_flags(arguments: Mapping[str, Any]) -> dict[str, bool]:
    """`fetch_customer()`'s flags by query name."""
    flags = {
        "show_all": arguments["full"],
        "show_pageviews": arguments["pageviews"],
        "show_touchpoints": arguments["touchpoints"],
        "show_events": arguments["events"],
        "show_identities": arguments["identities"],
    }
    for name, value in flags.items():
        if not isinstance(value, bool):
            argument = "full" if name == "show_all" else name.removeprefix("show_")
            raise TypeError(f"{argument} must be True or False, not {value!r}")
    return flags


def customer_of(cid: str, response: Answer) -> Customer:
    """`fetch_customer()`'s answer read: a customer, or `InvalidResponseError`."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return parse_customer(cid, payload)


def no_customer(error: APIError) -> Customer | None:
    """`fetch_customer()`'s error: None for 404 (no such customer), else raised."""
    if error.status == 404:
        return None
    raise error


def event_result(
    result: EventResult, event_outcome: Answer | BaseException, identity_outcome: Answer | BaseException
) -> EventResult:
    """`trigger_event()`'s result from its two outcomes (answers or errors); the event's error first."""
    if isinstance(event_outcome, BaseException):
        if isinstance(identity_outcome, BaseException):
            event_outcome.add_note(f"The identity request failed too: {identity_outcome}")
        raise event_outcome
    if isinstance(identity_outcome, BaseException):
        raise identity_outcome
    return attrs.evolve(
        result, event_status=event_outcome.status_code, identity_status=identity_outcome.status_code
    )


def event_outcomes(result: EventResult, event_outcome: Outcome, identity_outcome: Outcome) -> EventOutcomes:
    """Both requests' outcomes: the status of each answer, the error of each that failed."""
    event_status = None if isinstance(event_outcome, TrackapisError) else event_outcome.status_code
    identity_status = None if isinstance(identity_outcome, TrackapisError) else identity_outcome.status_code
    return EventOutcomes(
        attrs.evolve(result, event_status=event_status, identity_status=identity_status),
        event_outcome if isinstance(event_outcome, TrackapisError) else None,
        identity_outcome if isinstance(identity_outcome, TrackapisError) else None,
    )


_OUTCOMES_DOC: Final = """Send `trigger_event()`'s two requests now; return each outcome, not raising it.

For callers that report the two separately: `trigger_event()` raises the first error. This
sends both at once (the identity request on a pool thread), with the same retries and deadline,
in background mode too: then past the queue, the store, the rate limit and the callbacks.
The arguments are `trigger_event()`'s.

Returns:
    `EventOutcomes`: the result (with the status of each request answered with 2xx), and the
    error of each request that failed (`APIError` with its status, or `TransportError`).

Raises:
    ValueError, TypeError: A bad argument (nothing is sent).
    ClientClosedError: After `close()`.
"""


class _Sender:
    """A background worker's sender: one keep-alive connection; the engine does the retrying."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None) -> None:
        self._settings = settings
        self._backend = settings.backend(1, transport)

    def send(self, payloads: Sequence[TriggerRequest]) -> list[SendResult]:
        settings, exchange = self._settings, self._backend.exchange
        return [  # one attempt each and its verdict (no answer is a retryable TransportError)
            attempt(
                exchange,
                settings.trigger_request(model),
                settings.public.timeout,
                settings.public.policy,
                _message,
                redact=settings.redact,
            )[0]
            for model in payloads
        ]

    def close(self) -> None:
        self._backend.close()


def _warn(error: TrackapisError, message: TriggerMessage) -> None:
    logger.warning("attributionio: a request to %s was not delivered: %s", message.path, error)


class AttributionClient(SyncClient):
    """A client of the Attribution.io API.

    `fetch_customer()` reads the private API (it needs `api_secret`). `trigger_identity()` and
    `trigger_event()` post to the public API; without a `client_id` they generate one (24
    characters of `[a-z0-9]`, from `secrets`) and return it in their result. `trigger_event()`
    sends its event and the identity that links it, with one client id, at the same time.

    Every call retries network errors, timeouts, 429 and 5xx (honouring `Retry-After`) and ends
    within `deadline` seconds; then it raises `TransportError` or `APIError` (401
    `AuthenticationError`, 403 `PermissionDeniedError`, ...). `fetch_customer()` returns None for
    404, no such customer. The secret never appears in errors, logs or reprs.

    With `background=True`, the triggers queue their requests and return at once; worker threads
    deliver them, one client id's requests in order (its identity before its event), failures
    going to `on_error`. Close the client (or use it as a context manager) to deliver what is
    queued; an exiting process does the same, for up to `shutdown_timeout` seconds.

    Args:
        api_key: The account's public API key.
        api_secret: The API secret, for `fetch_customer()`; None when only triggering.
        base_url: The public API's base URL (identities and events).
        private_base_url: The private API's base URL (customers).
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Keep-alive connections for calls made in callers' threads.
        background: Queue the triggers and deliver them from worker threads.
        max_queue_size: Background mode: requests queued at most; more are reported as dropped.
        max_in_flight: Background mode: requests sent at once.
        rate_limit_per_minute: Background mode: an optional ceiling on requests per minute.
        on_error: Background mode: called as `on_error(error, message)` for each request that
            failed or was dropped; without it, such requests are logged as warnings.
        on_delivered: Background mode: called as `on_delivered(message)` for each request
            delivered (from a worker thread); a `flush()` that counts it returns after it has run.
        shutdown_timeout: Background mode: seconds that closing keeps delivering.
        proxy: An http(s) proxy URL; None (the default) takes it from the environment
            (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR or REQUESTS_CA_BUNDLE when set, else
            certifi), an `ssl.SSLContext`, or a CA bundle path.
        transport: An httpx transport, for tests.
        store: Background mode: where the queue lives, `"memory"` (default) or a spool file that
            survives a crash or kill, `"sqlite:///path/to/spool.db"` (see docs/delivery.md).
        store_sync_interval: With a spool: seconds between its commits, the most a kill -9 can lose.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str | None = None,
        *,
        base_url: str = DEFAULT_PUBLIC_HOST,
        private_base_url: str = DEFAULT_PRIVATE_HOST,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        background: bool = False,
        max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        rate_limit_per_minute: float | None = None,
        on_error: ErrorHandler | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        on_delivered: DeliveredHandler | None = None,
        proxy: str | bool | None = None,
        verify: Verify = True,
        store: str = "memory",
        store_sync_interval: float = DEFAULT_STORE_SYNC_INTERVAL,
    ) -> None:
        self._settings = Settings.from_arguments(locals())
        positive_int("max_connections", max_connections)
        options = DeliveryOptions.from_arguments(locals())
        engine = engine_options(
            locals(), options, codec=TriggerCodec, message_of=as_message, warn=_warn, background=background
        )
        self._max_connections = max_connections
        self._given_transport = transport
        self._engine: DeliveryEngine | None = None
        if background:
            settings = self._settings
            self._engine = DeliveryEngine(
                lambda: _Sender(settings, transport),
                name="attributionio",
                retry_policy=settings.public.policy,
                **engine,
            )
        self._life = Lifecycle(
            "AttributionClient",
            lambda: self._settings.backend(self._max_connections, self._given_transport),
            self._engine,
        )

    def __repr__(self) -> str:
        mode = "background" if self._engine is not None else "direct"
        return f"<AttributionClient {self._settings.shown()} mode={mode}>"

    @property
    def background(self) -> bool:
        """True when the triggers are queued and delivered by worker threads."""
        return self._engine is not None

    # -- the private API ----------------------------------------------------------------------------

    @fetch_customer_verb
    def fetch_customer(self, arguments: Arguments) -> Customer | None:
        cid, request = self._settings.customer_request(arguments)
        try:
            return customer_of(cid, self._call(request))
        except APIError as error:
            return no_customer(error)

    # -- the public API -------------------------------------------------------------------------------

    @trigger_identity_verb
    def trigger_identity(self, arguments: Arguments) -> IdentityResult:
        self._life.check_open()
        client, model = self._settings.identity_request(arguments)
        if self._engine is not None:
            return IdentityResult(
                client.client_id, client.generated, queued=self._queue(model, client.client_id)
            )
        response = self._call(self._settings.trigger_request(model))
        return IdentityResult(client.client_id, client.generated, status=response.status_code)

    @trigger_event_verb
    def trigger_event(self, arguments: Arguments) -> EventResult:
        if self._engine is None:
            return event_result(*self._send_event_pair(arguments))
        self._life.check_open()
        result, identity, event = self._settings.event_requests(arguments)
        # Both are queued (no short cut): a dropped identity is reported, and its event still goes.
        queued = [self._queue(identity, result.client_id), self._queue(event, result.client_id)]
        return attrs.evolve(result, queued=all(queued))

    def _send_event_pair(self, arguments: Arguments) -> tuple[EventResult, Outcome, Outcome]:
        """Send an event and its identity at once, within one deadline; each one's answer or error."""
        self._life.check_open()
        settings = self._settings
        result, identity, event = settings.event_requests(arguments)
        deadline = settings.public.new_deadline()
        linked = self._executor().submit(self._outcome, settings.trigger_request(identity), deadline)
        event_outcome = self._outcome(settings.trigger_request(event), deadline)
        return result, event_outcome, linked.result()

    def _outcomes(self, arguments: Arguments) -> EventOutcomes:
        return event_outcomes(*self._send_event_pair(arguments))

    trigger_event_outcomes = trigger_event_verb(_outcomes, name="trigger_event_outcomes", doc=_OUTCOMES_DOC)

    def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/attributionio.yaml by its operationId, now (with retries).

        For operations the methods above do not cover yet (a regenerated spec's new ones): an
        operation that needs credentials goes to the private API with the secret, others to
        the public API. See `InteraktClient.call()`; returns the answer's JSON.
        """
        from .._operations import answer

        self._life.check_open()
        return answer(self._call(self._settings.operation_request(operation, body, params)))

    # -- internals ----------------------------------------------------------------------------------

    def _outcome(self, request: Call, deadline: Deadline) -> Outcome:
        try:
            return self._call(request, deadline)
        except TrackapisError as error:
            return error

    def _call(self, request: Call, deadline: Deadline | None = None) -> Answer:
        """Send with retries within the deadline; the 2xx answer, or raise its error."""
        return self._life.send(request, self._settings.public, _message, self._settings.redact, deadline)

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        pool: concurrent.futures.ThreadPoolExecutor = self._life.extra(
            "identity-pool",
            lambda: concurrent.futures.ThreadPoolExecutor(
                max_workers=self._max_connections, thread_name_prefix="attributionio-identity"
            ),
        )
        return pool

    def _queue(self, model: TriggerRequest, client_id: str) -> bool:
        assert self._engine is not None
        try:
            return self._engine.submit(model, client_id)
        except EngineClosed:
            raise ClientClosedError("this AttributionClient was closed; create a new one") from None
