"""Drop-in replacement for the `pyttributionio` 0.5 package, on `trackapis.attributionio`.

    from pyttributionio import PyttributionIo

    pyttributionio = PyttributionIo(api_key="YOUR_API_KEY", api_secret="YOUR_API_SECRET")
    customer = pyttributionio.fetch_customer_info_full("john@example.com")   # a dict, or None
    pyttributionio.trigger_event(cookie_value, "signup", client_id="john@example.com")

The same methods, arguments, requests and forgiving return values as the original: fetches
return the `customer` object as a dict, or None; `trigger_identity` returns the HTTP status;
`trigger_event` returns `(event status, identity status)`; a request that got no answer is
logged and returns None. Without its faults: one generated client id links the event and its
identity; transaction ids are unique per event; keep-alive connections and timeouts; retries
of network errors, 429 and 5xx end within `deadline` seconds (the original could stall for 50);
errors are logged without the API secret. `PRIVATE_API_URL` and `PUBLIC_API_URL` may be changed
on the class, as with the original, to point it elsewhere (a test server, for example).

For typed results and typed errors, use `trackapis.attributionio.AttributionClient`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, ClassVar

from trackapis import __version__ as _trackapis_version
from trackapis.attributionio import (
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    APIError,
    AttributionClient,
    InvalidResponseError,
    TrackapisError,
    TransportError,
)

__all__ = ["PyttributionIo"]
__version__ = _trackapis_version

# The original's logger (its module's name); a child of `pyttributionio`, so either name's settings apply.
logger = logging.getLogger("pyttributionio.pyttributionio")

_PRIVATE_SUFFIX = "/api/v1"


class PyttributionIo:
    """The original wrapper's interface over `AttributionClient`.

    Args:
        api_key: The account's public API key.
        api_secret: The API secret (for the `fetch_customer_info_*` methods).
        timeout: Seconds to connect and to wait for each read, per attempt (new).
        deadline: Seconds a call may take in all, retries included (new).
        max_retries: Retries after the first attempt (new).
    """

    GET_REQUEST: ClassVar[str] = "GET"
    PRIVATE_API_URL: ClassVar[str] = "https://attribution.io/api/v1"
    PUBLIC_API_URL: ClassVar[str] = "https://api.attribution.io/"
    # The original's retry constants (10 tries, 5 s apart), kept so that code reading or setting
    # them still runs; retries here are `max_retries` with backoff, all within `deadline`.
    REQUEST_RETRY_AMOUNT: ClassVar[int] = 10
    REQUEST_RETRY_DELAY: ClassVar[int] = 5
    # The original exposed `requests.RequestException` here; nothing it raises escapes these methods.
    RequestException: ClassVar[type[Exception]] = TrackapisError

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = 3,
    ) -> None:
        self._options: dict[str, Any] = {"timeout": timeout, "deadline": deadline, "max_retries": max_retries}
        self._api_key = api_key
        self._api_secret = api_secret
        self._secret: str | None = api_secret if _secret_usable(api_secret) else None
        if self._secret is None and api_secret is not None:
            # The public API needs no secret: the triggers still work; the fetches log why not.
            shown = "empty" if isinstance(api_secret, str) else f"a {type(api_secret).__name__}"
            logger.error("Pyttribution.io: api_secret is %s, not a secret; every fetch will fail", shown)
        self._lock = threading.Lock()
        self._hosts: tuple[str, str] | None = None
        self._client: AttributionClient | None = None
        self._unusable: str | None = None
        try:
            self._current_client()  # bad options fail here, as early as possible
        except (TypeError, ValueError) as error:
            if isinstance(api_key, str) and api_key.strip():
                raise
            # The original took any credentials and failed at each call: so does this one (each
            # call logs why and returns None), so that an app whose keys are not set still starts.
            self._unusable = str(error)
            logger.error("Pyttribution.io: %s; every call will fail", error)

    def __repr__(self) -> str:
        return f"<PyttributionIo api_key={self._api_key!r}>"

    # -- private API ---------------------------------------------------------------------------------

    def fetch_customer_info_base(self, client_id: str | int) -> dict[str, Any] | None:
        """The customer's base information; None when unknown or on failure (logged)."""
        return self._fetch(client_id, "base customer info")

    def fetch_customer_info_pageviews(self, client_id: str | int) -> dict[str, Any] | None:
        """The base information and the customer's pageviews."""
        return self._fetch(client_id, "customer pageviews", pageviews=True)

    def fetch_customer_info_touchpoints(self, client_id: str | int) -> dict[str, Any] | None:
        """The base information and the customer's touchpoints."""
        return self._fetch(client_id, "customer touchpoints", touchpoints=True)

    def fetch_customer_info_events(self, client_id: str | int) -> dict[str, Any] | None:
        """The base information and the customer's events."""
        return self._fetch(client_id, "customer events", events=True)

    def fetch_customer_info_identities(self, client_id: str | int) -> dict[str, Any] | None:
        """The base information and the customer's identities."""
        return self._fetch(client_id, "customer identities", identities=True)

    def fetch_customer_info_full(self, client_id: str | int) -> dict[str, Any] | None:
        """The base information and all four lists."""
        return self._fetch(client_id, "full customer info", full=True)

    # -- public API ----------------------------------------------------------------------------------

    def trigger_identity(
        self, attributionio_id: str, client_id: str | int = "", user_agent: str = ""
    ) -> int | None:
        """Link a visitor to a client id (generated when not given).

        Returns:
            The HTTP status of the request (also an error status, as the original did, after
            retries); None when no answer came (logged).
        """
        client = self._usable_client('Identity trigger for ID "%s"', attributionio_id)
        if client is None:
            return None
        try:
            return client.trigger_identity(
                attributionio_id, client_id=client_id, user_agent=user_agent
            ).status
        except APIError as error:  # the original returned it silently; a warning here
            logger.warning(
                'Pyttribution.io: Identity trigger for ID "%s" failed: %s', attributionio_id, error
            )
            return error.status
        except TrackapisError as error:
            logger.error('Pyttribution.io: Identity trigger for ID "%s" failed: %s', attributionio_id, error)
            return None

    def trigger_event(
        self,
        attributionio_id: str,
        event_key: str,
        client_id: str | int = "",
        user_agent: str = "",
        last_url: str = "",
    ) -> tuple[int | None, int | None] | None:
        """Record an event, and link the visitor with the same client id (generated when not given).

        Returns:
            `(event status, identity status)`; an error status stands in for a request that was
            answered with one, None for an identity request that got no answer; None in all
            when the event request got no answer (logged).
        """
        client = self._usable_client('Event trigger for ID "%s"', attributionio_id)
        if client is None:
            return None
        outcomes = client.trigger_event_outcomes(
            attributionio_id, event_key, client_id=client_id, user_agent=user_agent, last_url=last_url
        )
        event_error, identity_error = outcomes.event_error, outcomes.identity_error
        for error, what in ((event_error, "Event"), (identity_error, "Identity")):
            if error is not None:
                # An error status: a warning (the original returned it silently); no answer: an error.
                level = logging.WARNING if isinstance(error, APIError) else logging.ERROR
                logger.log(
                    level, 'Pyttribution.io: %s trigger for ID "%s" failed: %s', what, attributionio_id, error
                )
        if isinstance(event_error, TransportError):
            return None  # as the original, when the event request got no answer
        result = outcomes.result
        return _status(result.event_status, event_error), _status(result.identity_status, identity_error)

    def close(self) -> None:
        """Close the connections (new; the original held none open)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- internals ------------------------------------------------------------------------------------

    def _fetch(self, client_id: str | int, what: str, **flags: bool) -> dict[str, Any] | None:
        client = self._usable_client("Retrieval of %s", what)
        if client is None:
            return None
        try:
            customer = client.fetch_customer(client_id, **flags)
        except InvalidResponseError as error:
            # The original returned the answer's `customer` as it came, also one that the typed
            # `Customer` refuses (a null list, a list of non-objects).
            found = error.body.get("customer") if isinstance(error.body, dict) else None
            if isinstance(found, dict):
                return found
            logger.error("Pyttribution.io: Retrieval of %s failed: %s", what, error)
            return None
        except APIError as error:  # 404 is None above; the original returned None silently
            logger.warning("Pyttribution.io: Retrieval of %s failed: %s", what, error)
            return None
        except (TrackapisError, ValueError, TypeError) as error:  # no answer, or an id no URL can carry
            logger.error("Pyttribution.io: Retrieval of %s failed: %s", what, error)
            return None
        return None if customer is None else customer.to_dict()

    def _usable_client(self, failure: str, subject: Any) -> AttributionClient | None:
        """The client, or None (logged as `failure % subject`) when the credentials cannot work."""
        if self._unusable is not None:
            logger.error(f"Pyttribution.io: {failure} failed: %s", subject, self._unusable)
            return None
        return self._current_client()

    def _current_client(self) -> AttributionClient:
        # The hosts are read at every call, so that changing the class attributes takes effect.
        hosts = (type(self).PRIVATE_API_URL, type(self).PUBLIC_API_URL)
        with self._lock:
            if self._client is not None and hosts == self._hosts:
                return self._client
            private = hosts[0].rstrip("/")
            if not private.endswith(_PRIVATE_SUFFIX):
                # The customers path is the spec's, /api/v1/{key}/customers/{id}: the original
                # put any PRIVATE_API_URL in front of /{key}/..., this puts it in front of /api/v1.
                logger.warning(
                    "Pyttribution.io: PRIVATE_API_URL %r does not end in /api/v1; requests go to %s/api/v1/",
                    private,
                    private,
                )
            private = private.removesuffix(_PRIVATE_SUFFIX)
            new = AttributionClient(
                self._api_key,
                self._secret,
                private_base_url=private,
                base_url=hosts[1].rstrip("/"),
                **self._options,
            )
            old, self._client, self._hosts = self._client, new, hosts
        if old is not None:
            old.close()
        return new


def _secret_usable(api_secret: Any) -> bool:
    """A secret, or None (public API only)."""
    return api_secret is None or (isinstance(api_secret, str) and bool(api_secret.strip()))


def _status(status: int | None, error: TrackapisError | None) -> int | None:
    """The HTTP status the original returned: also an error status; None without an answer."""
    if isinstance(error, APIError):
        return error.status
    return status
