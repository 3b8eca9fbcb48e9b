"""Turn user-supplied values into JSON, at the call site, with errors that say where and what.

What `to_json` returns can always be encoded by `dumps`, the one JSON setting every path uses:
every string is valid UTF-8 (no lone surrogates), every int has no more digits than the
interpreter converts, every float is finite, nothing is cyclic or nested deeper than
`MAX_DEPTH`. So a message accepted at the call site can always be sent, and one bad value never
reaches a worker or a batch. Errors are `TypeError`/`ValueError` naming the argument and the path
inside it (e.g. `traits['a'][3]`); never `RecursionError` or `OverflowError`.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import math
import numbers
import operator
import sys
import uuid
from collections.abc import Mapping
from typing import Any, Final

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]

# Nesting deeper than this is refused: the tracking APIs' documents are a few levels deep, and
# the recursion of every JSON encoder and decoder on the way stays far from Python's limit.
MAX_DEPTH: Final = 32
# Ints below this in magnitude always convert: Python's digit limit cannot be set under 640.
_ALWAYS_CONVERTIBLE: Final = 10**639

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps(value: JSONValue) -> bytes:
    """The request body's bytes: compact JSON in strict UTF-8 (the one setting of every path)."""
    return _ENCODER.encode(value).encode()


def to_json(value: Any, *, argument: str) -> JSONValue:
    """A JSON-compatible copy of `value` that `dumps` can always encode.

    Besides JSON's own types: an aware datetime becomes an RFC 3339 string in UTC with `Z`
    (a naive one, whose zone nobody knows, its ISO-8601 form); dates and times ISO-8601 strings;
    `Decimal` a string (exact, as money values are usually sent); `UUID` a string; an `Enum` its
    value; tuples, lists, sets and frozensets lists. Anything else, non-string mapping keys, NaN,
    infinities, lone surrogates, ints beyond the interpreter's digit limit, cycles and nesting
    deeper than `MAX_DEPTH` raise `TypeError` or `ValueError` naming `argument` and the path.
    """
    if type(value) is dict and is_flat_json(value):
        return dict(value)  # the common case, kept cheap: tracking calls sit on hot paths
    return _convert(value, argument, 0, set())


def is_flat_json(mapping: dict[Any, Any]) -> bool:
    """True for a dict of string keys to strings, ints, bools, None and finite floats that encode."""
    for key, item in mapping.items():
        if type(key) is not str or not (key.isascii() or _is_utf8(key)):
            return False
        kind = type(item)
        if kind is str:
            if not (item.isascii() or _is_utf8(item)):
                return False
        elif kind is int:
            if not -_ALWAYS_CONVERTIBLE < item < _ALWAYS_CONVERTIBLE:
                return False
        elif kind is float:
            if item - item != 0:  # NaN or an infinity
                return False
        elif kind is not bool and item is not None:
            return False
    return True


def text(value: str, where: str) -> str:
    """`value` if it encodes as UTF-8; else a `ValueError` naming `where`."""
    if value.isascii() or _is_utf8(value):
        return value
    raise ValueError(f"{where}: {short_repr(value)} is not valid Unicode text (it has a lone surrogate)")


def id_text(value: Any, *, argument: str) -> str:
    """An id given as a `str` or an integer (not a bool, float, Decimal, complex or Fraction), as a string.

    An integer is an `int` or any other `numbers.Integral` (numpy's and pandas' int64 ids).
    """
    if type(value) is str:
        return text(value, argument)
    if isinstance(value, str):
        return text(str.__str__(value), argument)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(bounded_int(value, argument))  # int(): an IntEnum's str() is its name
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(bounded_int(operator.index(value), argument))
    raise TypeError(f"{argument} must be a string or an int, not {type(value).__name__}")


def utc_text(moment: datetime.datetime, where: str) -> str:
    """An aware datetime as an RFC 3339 date-time in UTC: `2024-05-01T12:00:00Z` (microseconds if any)."""
    try:
        utc = moment.astimezone(datetime.UTC)
    except OverflowError:  # e.g. 0001-01-01 at +05:00 is in year 0 in UTC
        raise ValueError(f"{where}: {moment.isoformat()} is out of range in UTC") from None
    return utc.replace(tzinfo=None).isoformat() + "Z"


def _is_utf8(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def bounded_int(value: int, where: str) -> int:
    """`int(value)`, if the interpreter can write it as text (its digit limit); else a `ValueError`."""
    value = int(value)
    if -_ALWAYS_CONVERTIBLE < value < _ALWAYS_CONVERTIBLE:
        return value
    limit = sys.get_int_max_str_digits()
    if limit and abs(value) >= 10**limit:
        raise ValueError(
            f"{where}: an int of more than {limit} digits cannot be sent "
            "(the interpreter's limit for int-to-text conversion); send it as a string"
        )
    return value


def _convert(value: Any, where: str, depth: int, active: set[int]) -> JSONValue:
    is_mapping = isinstance(value, Mapping)
    if not is_mapping and not isinstance(value, (list, tuple, set, frozenset)):
        return _scalar(value, where)
    if depth >= MAX_DEPTH:
        raise ValueError(f"{where}: nested more than {MAX_DEPTH} levels deep; flatten it")
    if id(value) in active:
        raise ValueError(f"{where}: contains itself (a cycle) and cannot be sent as JSON")
    active.add(id(value))
    try:
        if is_mapping:
            result: dict[str, JSONValue] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(f"{where}: keys must be strings, not {type(key).__name__} ({key!r})")
                text(key, f"{where}: the key")
                result[str.__str__(key)] = _convert(item, f"{where}[{key!r}]", depth + 1, active)
            return result
        return [_convert(item, f"{where}[{index}]", depth + 1, active) for index, item in enumerate(value)]
    finally:
        active.discard(id(value))


def _scalar(value: Any, where: str) -> JSONValue:
    if isinstance(value, enum.Enum):  # before str and int: StrEnum and IntEnum are both
        return _convert(value.value, where, 0, set())
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        return utc_text(value, where)
    if isinstance(value, (datetime.date, datetime.time, uuid.UUID)):
        value = value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, str):
        return text(str.__str__(value), where)
    if isinstance(value, int):
        return bounded_int(value, where)
    if isinstance(value, (float, decimal.Decimal)):
        return _number(value, where)
    raise TypeError(f"{where}: cannot send a {type(value).__name__} as JSON ({short_repr(value)})")


def _number(value: float | decimal.Decimal, where: str) -> JSONValue:
    finite = value.is_finite() if isinstance(value, decimal.Decimal) else math.isfinite(value)
    if not finite:
        raise ValueError(f"{where}: {value!r} is not a finite number and cannot be sent as JSON")
    # A Decimal goes as a string: exact, the way money values are usually sent.
    return str(value) if isinstance(value, decimal.Decimal) else float(value)


def short_repr(value: Any) -> str:
    """`repr(value)` cut to 60 characters, for error messages (also of an int too long to print)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int past the digit limit (maybe inside), deep nesting
        if isinstance(value, int):
            return f"<an int of {value.bit_length()} bits>"
        return f"<a {type(value).__name__} too large to print>"
    return text if len(text) <= 60 else text[:57] + "..."
