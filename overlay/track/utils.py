"""`track.utils`: the original's helpers, with the same signatures and errors (`AssertionError`)."""

from __future__ import annotations

import logging
from typing import Any

from trackapis.interakt import user_message

__all__ = [
    "InputError",
    "InputTypeError",
    "input_error",
    "logger",
    "remove_trailing_slash",
    "require",
    "stringify",
    "verify_country_code",
]

logger = logging.getLogger("interakt")


class InputError(AssertionError, ValueError):
    """A bad argument: the original's `AssertionError`, and the `ValueError` trackapis raises."""


class InputTypeError(AssertionError, TypeError):
    """An argument of the wrong type: the original's `AssertionError`, and trackapis' `TypeError`."""


def input_error(error: Exception) -> Exception:
    """A `ValueError`/`TypeError` from the typed client as an `AssertionError` too, same message."""
    if isinstance(error, AssertionError):
        return error
    kind = InputTypeError if isinstance(error, TypeError) else InputError
    return kind(*error.args)


def require(name: str, field: Any, data_type: type | tuple[type, ...]) -> None:
    """Raise `AssertionError` unless `field` is an instance of `data_type`."""
    if not isinstance(field, data_type):
        raise InputTypeError(f"{name} must have {data_type}, got: {type(field)}")


def verify_country_code(country_code: str) -> None:
    """Raise `AssertionError` unless `country_code` (e.g. "+91") is a country calling code in use."""
    digits = country_code.replace("+", "")
    try:  # checked as a call with this code would check it
        user_message(user_id=None, phone_number="1", country_code=f"+{digits}", traits=None, created_at=None)
    except (ValueError, TypeError):
        raise InputError(f"Invalid country_code {digits}") from None


def remove_trailing_slash(host: str) -> str:
    return host[:-1] if host.endswith("/") else host


def stringify(val: Any) -> str | None:
    if val is None:
        return None
    return val if isinstance(val, str) else str(val)
