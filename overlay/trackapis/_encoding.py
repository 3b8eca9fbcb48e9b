"""Turn user-supplied values into JSON, at the call site, with errors that say where and what."""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import uuid
from collections.abc import Mapping
from typing import Any

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def to_json(value: Any, *, argument: str) -> JSONValue:
    """A JSON-compatible copy of `value`.

    Besides JSON's own types: datetimes, dates and times become ISO-8601 strings; `Decimal`
    becomes a string (exact, as money values are usually sent); `UUID` a string; an `Enum` its
    value; tuples, lists, sets and frozensets become lists. Anything else, non-string mapping
    keys, NaN and infinities raise `TypeError` or `ValueError` naming `argument` and the path.
    """
    if type(value) is dict and _is_flat_json(value):
        return dict(value)  # the common case, kept cheap: tracking calls sit on hot paths
    return _convert(value, argument)


def _is_flat_json(mapping: dict[Any, Any]) -> bool:
    """True for a dict of string keys to strings, ints, bools, None and finite floats."""
    for key, item in mapping.items():
        if type(key) is not str:
            return False
        kind = type(item)
        if kind is float:
            if item - item != 0:  # NaN or an infinity
                return False
        elif kind not in _PLAIN:
            return False
    return True


_PLAIN: frozenset[type] = frozenset({str, int, bool, type(None)})


def _convert(value: Any, where: str) -> JSONValue:
    if isinstance(value, Mapping):
        result: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: keys must be strings, not {type(key).__name__} ({key!r})")
            result[key] = _convert(item, f"{where}[{key!r}]")
        return result
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_convert(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return _scalar(value, where)


def _scalar(value: Any, where: str) -> JSONValue:
    if isinstance(value, enum.Enum):  # before str and int: StrEnum and IntEnum are both
        return _convert(value.value, where)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return _number(value, where)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{where}: cannot send a {type(value).__name__} as JSON ({_short_repr(value)})")


def _number(value: float | decimal.Decimal, where: str) -> JSONValue:
    if isinstance(value, int):
        return int(value)
    finite = value.is_finite() if isinstance(value, decimal.Decimal) else math.isfinite(value)
    if not finite:
        raise ValueError(f"{where}: {value!r} is not a finite number and cannot be sent as JSON")
    # A Decimal goes as a string: exact, the way money values are usually sent.
    return str(value) if isinstance(value, decimal.Decimal) else value


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
