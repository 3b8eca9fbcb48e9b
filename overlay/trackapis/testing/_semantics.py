"""JSON Schema and HTTP semantics the fakes' validation must follow where Python's defaults differ.

- `pattern` is an ECMA-262 regular expression: `$` matches only at the very end (Python's also
  matches before a trailing newline), `\\d` only ASCII digits and `\\w` only ASCII word characters.
- `format: date-time` is RFC 3339: `T`/`Z` in either case, any fraction, leap seconds (`:60`) when
  the UTC time is 23:59:60.
- A boolean query parameter is `true` or `false` (openapi-core also takes `yes`, `1`, `on`...), and
  a parameter that is not an array comes once.
- The HTTP auth scheme is case-insensitive (`basic` = `Basic`).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_"}


def ecma_pattern(pattern: str) -> str:
    """`pattern` rewritten so Python's `re.search` gives ECMA-262's answer."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in _CLASS_ESCAPES:
                ascii_set = _CLASS_ESCAPES[escaped]
                out.append(ascii_set if in_class else f"[{ascii_set}]")
            else:
                out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            # A `]` right after `[` or `[^` is a literal in Python; ECMA has no such rule, but the
            # specs do not use it. Copy it so the class is not closed early.
            if pattern[index + 1 : index + 2] == "^":
                out.append("[^")
                index += 2
                continue
        elif char == "$":
            out.append(r"\Z")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


def with_ecma_patterns(node: Any) -> Any:
    """A copy of a (part of an) OpenAPI document with every schema `pattern` rewritten."""
    if isinstance(node, Mapping):
        return {
            key: ecma_pattern(value)
            if key == "pattern" and isinstance(value, str)
            else with_ecma_patterns(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [with_ecma_patterns(item) for item in node]
    return node


_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z"
)


def is_rfc3339_date_time(value: object) -> bool:
    """RFC 3339 `date-time` (non-strings pass: `type` says whether they may appear)."""
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]):
        return False
    offset_hours = int(match.group(9) or 0)
    offset_minutes = int(match.group(10) or 0)
    if hour > 23 or minute > 59 or second > 60 or offset_hours > 23 or offset_minutes > 59:
        return False
    if second == 60:
        # A leap second is 23:59:60 UTC: undo the offset.
        sign = -1 if match.group(8) == "+" else 1
        utc_minutes = (hour * 60 + minute + sign * (offset_hours * 60 + offset_minutes)) % (24 * 60)
        return utc_minutes == 23 * 60 + 59
    return True


def strict_query(parameters: Sequence[Mapping[str, Any]], query: Sequence[tuple[str, str]]) -> str | None:
    """Why the query breaks the declared parameters' strict reading, or None.

    `parameters` are the operation's resolved parameter objects.
    """
    declared = {p["name"]: p for p in parameters if p.get("in") == "query" and isinstance(p.get("name"), str)}
    seen: dict[str, int] = {}
    for name, value in query:
        parameter = declared.get(name)
        if parameter is None:
            continue
        schema = parameter.get("schema") or {}
        kind = schema.get("type")
        seen[name] = seen.get(name, 0) + 1
        if kind != "array" and seen[name] == 2:
            return f"query parameter {name}: given more than once"
        if kind == "boolean" and value not in ("true", "false"):
            return f"query parameter {name}: {value!r} is not a boolean (true or false)"
    return None


@functools.lru_cache(maxsize=256)  # a fake sees the same few headers on every request
def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """The (username, password) of a Basic `Authorization` header (scheme in any case), or None."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, _, password = decoded.partition(":")
    return username, password
