"""Client ids and transaction ids, and the checks on what callers pass for them."""

from __future__ import annotations

import secrets
import string
import threading
import time
from typing import Any, Final

from .._encoding import id_text, text

# The original wrapper's alphabet and length for a generated identity; kept so that ids made by
# either look alike in the Attribution.io dashboard.
CLIENT_ID_ALPHABET: Final = string.ascii_lowercase + string.digits
CLIENT_ID_LENGTH: Final = 24
# Ids and texts travel in URLs and small JSON bodies: far longer ones are mistakes (a whole
# document passed as an id), refused at the call site instead of failing as an invalid URL.
MAX_ID_LENGTH: Final = 1024


def new_client_id() -> str:
    """A random client id: 24 characters of `[a-z0-9]`, from `secrets` (about 124 bits).

    Call it yourself, and store the result, when you want to know the id before a trigger is
    sent (for example to keep it even when the trigger fails).
    """
    return "".join(secrets.choice(CLIENT_ID_ALPHABET) for _ in range(CLIENT_ID_LENGTH))


class _TransactionClock:
    """Microsecond UNIX times that strictly increase within the process.

    `<client_id>@<unix time>` with whole seconds repeats for two events of one client within one
    second; with microseconds, made strictly increasing, two events of this process never share
    one, even when the clock stands still or steps back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> int:
        now = time.time_ns() // 1000
        with self._lock:
            self._last = max(now, self._last + 1)
            return self._last


_clock = _TransactionClock()


def event_time_us() -> int:
    """Now, in microseconds since the epoch, never the same twice in this process."""
    return _clock.next()


def transaction_id(client_id: str, time_us: int) -> str:
    """`<client_id>@<unix time>`, the time in seconds with six decimals (e.g. `a@1700000000.000042`)."""
    return f"{client_id}@{time_us // 1_000_000}.{time_us % 1_000_000:06d}"


def client_id_of(client_id: Any, *, argument: str = "client_id") -> str | None:
    """The caller's client id as sent; None when absent (None or ""), so that one is generated.

    The original accepted any id (an integer, an email address...) and sent numbers as they
    were; here numbers are sent as strings, since the API's ids are strings.
    """
    if client_id is None or client_id == "":
        return None
    return required_id(client_id, argument=argument)


def required_id(value: Any, *, argument: str) -> str:
    """A non-blank string or an integer, as a string, of at most `MAX_ID_LENGTH` characters."""
    result = id_text(value, argument=argument)
    if not result.strip():
        raise ValueError(f"{argument} must not be blank")
    return _bounded(result, argument)


def _bounded(value: str, argument: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{argument} is {len(value)} characters long; at most {MAX_ID_LENGTH} are accepted")
    return value


def required_text(value: Any, *, argument: str, hint: str) -> str:
    """A non-blank string."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string ({hint}), not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{argument} must not be blank: {hint}")
    return _bounded(text(str.__str__(value), argument), argument)


def optional_text(value: Any, *, argument: str, placeholder: str) -> str:
    """A string, or the original's placeholder when None or ""."""
    if value is None or value == "":
        return placeholder
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string or None, not {type(value).__name__}")
    return text(str.__str__(value), argument)
