"""Drop-in replacement for the original 7SEGMENTS client's `seven_segments` module.

    from seven_segments import SevenSegments, AuthenticatedSevenSegments

    client = SevenSegments("12345678-90ab-cdef-1234-567890abcdef", customer="john123")
    client.track("purchase", properties={"product": "bottle", "amount": 5})
    client.update({"first_name": "John", "last_name": "Smith"})
    client.get_html("Banner left")

Same classes, methods, argument names and requests as the original, on `trackapis.seven_segments`,
without its faults: every request has a timeout; `track()` and `update()` return True or False
(a `requests.Response` was truthy exactly when it succeeded) instead of a raw response, raise
when `silent=False` and log when `silent=True`; `get_html()` survives connection errors; error
pages that are not JSON become typed errors; a 401 keeps the server's message. Errors are both
the original's `InvalidRequest` / `ServiceUnavailable` and trackapis' typed errors
(`AuthenticationError`, `ServerError`, `TransportError`...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

from trackapis import ServerError, TrackapisError, TransportError
from trackapis import __version__ as _trackapis_version
from trackapis.delivery import FlushResult
from trackapis.seven_segments import (
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    AuthenticatedSevenSegmentsClient,
    Customer,
    SevenSegmentsClient,
    SevenSegmentsCommand,
    checked_customer,
)

__all__ = [
    "AuthenticatedSevenSegments",
    "InvalidRequest",
    "NoCustomer",
    "ServiceUnavailable",
    "SevenSegments",
]

__version__ = _trackapis_version

_T = TypeVar("_T")


class InvalidRequest(TrackapisError):
    """The original's error for a refused or failed request (anything but a server error)."""


class ServiceUnavailable(TrackapisError):
    """The original's error for a 5xx answer; here also for a connection error or timeout."""


class NoCustomer(InvalidRequest, ValueError):
    """A call that needs the current customer, made before there is one (raised when not silent)."""


_combined: dict[tuple[type[TrackapisError], type[TrackapisError]], type[TrackapisError]] = {}


def _seed_error(error: TrackapisError) -> TrackapisError:
    """`error` as an instance of the original's class too, keeping its type, message and fields."""
    base: type[TrackapisError] = (
        ServiceUnavailable if isinstance(error, (ServerError, TransportError)) else InvalidRequest
    )
    kind = type(error)
    combined = _combined.get((base, kind))
    if combined is None:
        combined = type(kind.__name__, (base, kind), {"__module__": __name__, "__doc__": kind.__doc__})
        _combined[(base, kind)] = combined
    seed = combined.__new__(combined, *error.args)
    seed.__dict__.update(vars(error))
    return seed


def _raise(error: TrackapisError) -> NoReturn:
    raise _seed_error(error) from error


class SevenSegments:
    """The tracking API for one company and a current customer.

    Args:
        token: The company token.
        customer: The current customer: a registered id, or `{"registered": ...}` / `{"cookie": ...}`.
        target: The API's base URL (default `https://api.7segments.com`).
        silent: Log failures (to `logger`) instead of raising them.
        logger: Where failures go when silent; default the `seven_segments` logger.
        timeout: Seconds to connect and to wait for each read (the original had none).
        buffered: Queue `track()` and `update()` and deliver them through /bulk in the background
            (failures then go to `on_error`, or to `logger`); `background=True` says the same.
        on_error: With `buffered`, called as `on_error(error, command)` for each command that failed.
        client_options: Further keyword arguments of `trackapis.seven_segments.SevenSegmentsClient`.
    """

    def __init__(
        self,
        token: str,
        customer: Customer | None = None,
        target: str | None = None,
        silent: bool = True,
        logger: logging.Logger | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        buffered: bool = False,
        on_error: Any = None,
        **client_options: Any,
    ) -> None:
        self._silent = bool(silent)
        self._logger = logger if logger is not None else logging.getLogger("seven_segments")
        self._customer: Customer | None = None
        if customer is not None:
            self._customer = _checked(customer)
        background = bool(client_options.pop("background", False)) or buffered
        self.client = SevenSegmentsClient(
            token,
            base_url=target or DEFAULT_TARGET,
            timeout=timeout,
            background=background,
            on_error=on_error if on_error is not None else self._log_undelivered,
            **client_options,
        )

    def __repr__(self) -> str:
        return f"<SevenSegments {self.client!r}>"

    @property
    def customer(self) -> Customer | None:
        """The current customer."""
        return self._customer

    def identify(self, customer: Customer | None = None, properties: dict[str, Any] | None = None) -> bool:
        """Make `customer` the current one and send its properties (an empty update if none).

        `identify()` without a customer resets it, as the original did; nothing is sent then and
        it returns False (a later call without a customer is reported as `track()` says).
        """
        if customer is None:
            self._customer = None
            return False
        self._customer = _checked(customer)
        return self.update(properties or {})

    def update(self, properties: dict[str, Any]) -> bool:
        """Update the current customer's properties.

        Returns True once sent (or queued); False when silent and it failed (the failure is logged).
        """
        return self._call("update", lambda customer: self.client.update(customer, properties), False)

    def track(self, event_type: str, properties: dict[str, Any] | None = None, timestamp: Any = None) -> bool:
        """Track an event of the current customer; `timestamp`: an aware datetime or UNIX seconds.

        Without a current customer nothing is sent: with `silent=True` (the default) that is
        logged and it returns False; with `silent=False` it raises `NoCustomer` (an
        `InvalidRequest` and a `ValueError`).
        """
        return self._call(
            "track",
            lambda customer: self.client.track(
                customer, event_type, properties=properties, timestamp=timestamp
            ),
            False,
        )

    def get_html(self, html_campaign_name: str) -> str | None:
        """The campaign's HTML for the current customer; None if silent and it failed."""
        return self._call(
            "get_html",
            lambda customer: self.client.get_html(customer, html_campaign_name),
            None,
            f"get_html({html_campaign_name!r})",
        )

    def flush(self, timeout: float | None = None) -> FlushResult:
        """With `buffered`: wait until what is queued is delivered or failed (or `timeout` seconds)."""
        return self.client.flush(timeout)

    def close(self, timeout: float | None = None) -> FlushResult:
        """Deliver what is queued, then stop. Idempotent."""
        return self.client.shutdown(timeout)

    def _call(self, what: str, send: Callable[[Customer], _T], failed: _T, label: str | None = None) -> _T:
        """`send(current customer)`; without one, or when it fails: raise, or log and return `failed`."""
        if self._customer is None:
            missing = NoCustomer(
                "customer is not set: pass customer= to SevenSegments() or call identify() first"
            )
            if not self._silent:
                raise missing
            self._logger.error("seven_segments: %s not sent: %s", what, missing)
            return failed
        try:
            return send(self._customer)
        except TrackapisError as error:
            if not self._silent:
                _raise(error)
            self._logger.error("seven_segments: %s failed: %s", label or what, error)
            return failed

    def _log_undelivered(self, error: Exception, command: SevenSegmentsCommand) -> None:
        self._logger.error("seven_segments: a %s command was not delivered: %s", command.name, error)


class AuthenticatedSevenSegments:
    """The export API, as a user with ExtAPI access.

    Args:
        username: The user's name.
        password: The user's password (never shown in reprs, logs or errors).
        target: The API's base URL (default `https://api.7segments.com`).
        timeout: Seconds to connect and to wait for each read (the original had none).
    """

    def __init__(
        self,
        username: str,
        password: str,
        target: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        **client_options: Any,
    ) -> None:
        self.client = AuthenticatedSevenSegmentsClient(
            username, password, base_url=target or DEFAULT_TARGET, timeout=timeout, **client_options
        )

    def __repr__(self) -> str:
        return f"<AuthenticatedSevenSegments {self.client!r}>"

    def export_analysis(self, analysis_type: str, data: Mapping[str, Any], token: str | None = None) -> Any:
        """Export an analysis; `data` as documented by 7SEGMENTS (`analysis_id`, `timezone`,
        `execution_time`, `format`). Returns the JSON answer (the CSV text for `csv`).

        Raises:
            InvalidRequest: also an `AuthenticationError` (401, with the server's message) or `APIError`.
            ServiceUnavailable: also a `ServerError` (5xx) or `TransportError`.
        """
        try:
            return self.client.export_data(analysis_type, data, company=token)  # type: ignore[arg-type]
        except TrackapisError as error:
            _raise(error)

    def close(self) -> None:
        self.client.close()


def _checked(customer: Any) -> Customer:
    return checked_customer(customer)  # raises naming `customer` when it is not a customer
