"""`SevenSegmentsClient`: tracking calls sent now, or buffered into /bulk by the delivery engine."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import Final

import httpx

from .._config import (
    DEFAULT_DEADLINE,
    READ_ANSWER_CAP,
    TRACK_ANSWER_CAP,
    ConnectionConfig,
    DeliveryOptions,
    Verify,
)
from .._errors import ClientClosedError, TrackapisError
from .._http._driver import attempt
from .._lifecycle import Lifecycle, engine_options
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ..delivery import (
    DEFAULT_MAX_IN_FLIGHT,
    DEFAULT_MAX_QUEUE_SIZE,
    DEFAULT_SHUTDOWN_TIMEOUT,
    DEFAULT_STORE_SYNC_INTERVAL,
    DeliveryEngine,
    EngineClosed,
    SendResult,
    Verdict,
)
from . import _core
from ._codec import CommandCodec
from ._connection import DEFAULT_TARGET, DEFAULT_TIMEOUT, Connection, SyncEdge
from ._core import sync_command, sync_verb
from ._payload import Command, SevenSegmentsCommand, bulk_kwargs, company_token
from ._response import bulk_results, error_message_of

logger = logging.getLogger("trackapis.seven_segments")

# The API's own limit: at most 50 commands per /bulk request.
MAX_BULK_COMMANDS: Final = 50
# How long a buffered batch waits to fill up before it is sent partly full: short enough that
# a trickle of events still arrives within a tenth of a second.
DEFAULT_FLUSH_INTERVAL: Final = 0.1

ErrorHandler = Callable[[TrackapisError, SevenSegmentsCommand], object]
DeliveredHandler = Callable[[SevenSegmentsCommand], object]


class _BulkSender:
    """One worker thread's sender: one /bulk request per batch, over one keep-alive connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._backend = connection.backend(max_connections=1)

    def send(self, payloads: Sequence[Command]) -> list[SendResult]:
        commands = list(payloads)
        connection = self._connection
        config = connection.config
        call = connection.call(bulk_kwargs(commands), TRACK_ANSWER_CAP * len(commands))
        result, response = attempt(
            self._backend.exchange,
            call,
            config.timeout,
            config.policy,
            error_message_of,
            redact=connection.redact,
        )
        if response is None or result.verdict is not Verdict.DELIVERED:
            return [result] * len(commands)  # the whole request failed: the same verdict for each
        return bulk_results(response, [command.name for command in commands])

    def close(self) -> None:
        self._backend.close()


def _warn(error: TrackapisError, command: SevenSegmentsCommand) -> None:
    logger.warning("seven_segments: a %s command was not delivered: %s", command.name, error)


class SevenSegmentsClient(SyncEdge):
    """A client of the 7SEGMENTS tracking API for one company.

    By default `track()` and `update()` send now, in the caller's thread (retrying network
    errors, timeouts, 429 and 5xx), and raise `APIError` / `TransportError` when that fails.
    With `background=True` they validate, queue and return at once; worker threads send up to 50
    commands per `POST /bulk` (when 50 are ready, or after `flush_interval` seconds), retry
    what the server asks to retry, and report what fails to `on_error` with the command.

    Use it as a context manager, or call `shutdown()`: closing delivers what is queued (up to
    `shutdown_timeout` seconds). A process that exits without closing does the same.

    Args:
        token: The company token.
        base_url: The API's base URL.
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call sent now may take in all, retries and waits included.
        max_retries: Retries after the first attempt, for network errors, timeouts, 408, 429
            and 5xx (but 501, 505, 511).
        retry_policy: Full control over retries (overrides `max_retries`).
        background: Queue `track()` and `update()` and deliver them through /bulk from worker threads.
        flush_interval: Seconds a buffered batch waits to fill up before it is sent.
        max_queue_size: Buffered commands queued at most; more are reported to `on_error` as dropped.
        max_in_flight: /bulk requests in flight at once.
        rate_limit_per_minute: Buffered: an optional ceiling on /bulk requests per minute; it
            delays, never drops.
        on_error: Called as `on_error(error, command)` for each buffered command that failed or
            was dropped; without it, each is logged on the `trackapis.seven_segments` logger.
        on_delivered: Called as `on_delivered(command)` for each buffered command the API
            accepted (from a worker thread); a `flush()` that counts it returns after it has run.
        shutdown_timeout: Seconds that closing (or exiting) keeps delivering before giving up.
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
        token: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        proxy: str | bool | None = None,
        verify: Verify = True,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        background: bool = False,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        on_error: ErrorHandler | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        on_delivered: DeliveredHandler | None = None,
        rate_limit_per_minute: float | None = None,
        store: str = "memory",
        store_sync_interval: float = DEFAULT_STORE_SYNC_INTERVAL,
    ) -> None:
        self._token = company_token(token)
        config = ConnectionConfig.from_arguments(locals(), example=DEFAULT_TARGET)
        options = DeliveryOptions.from_arguments(locals())
        self._connection = Connection.build(config, transport)
        self.background = bool(background)
        if isinstance(flush_interval, bool) or not isinstance(flush_interval, (int, float)):
            raise ValueError(f"flush_interval must be a number of seconds, not {flush_interval!r}")
        if not 0 <= flush_interval < math.inf:
            raise ValueError(f"flush_interval must be a finite non-negative number, not {flush_interval!r}")
        self._engine = DeliveryEngine(
            lambda: _BulkSender(self._connection),
            name="seven_segments",
            max_batch_size=MAX_BULK_COMMANDS,
            max_batch_wait=flush_interval,
            retry_policy=config.policy,
            **engine_options(
                locals(),
                options,
                codec=CommandCodec,
                message_of=lambda command: command.message(),
                warn=_warn,
                background=self.background,
            ),
        )
        self._life = Lifecycle("SevenSegmentsClient", self._connection.backend, self._engine)

    def __repr__(self) -> str:
        mode = "background" if self.background else "per-call"
        return f"<SevenSegmentsClient base_url={self._connection.target!r} mode={mode}>"

    @property
    def token(self) -> str:
        """The company token the client tracks for."""
        return self._token

    # Derived from the calls written once in `_core` (signature, defaults, docstring).
    track = sync_command(_core.track)
    update = sync_command(_core.update)
    get_html = sync_verb(_core.get_html)
    server_time = sync_verb(_core.server_time)
    call = sync_verb(_core.call)
    _read_cap = READ_ANSWER_CAP

    def _dispatch(self, command: Command) -> bool:
        if not self.background:
            self._send(command.request())
            return True
        try:
            return self._engine.submit(command, command.lane)
        except EngineClosed:
            raise ClientClosedError("this SevenSegmentsClient was shut down; create a new one") from None
