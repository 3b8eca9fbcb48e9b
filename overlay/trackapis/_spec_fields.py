"""Check the spec-derived `**fields` of a facade call and turn them into wire properties.

Each API's `_fields.py` (written by `scripts/regenerate` from its spec) has, per request schema,
a `TypedDict` of the properties the facade methods do not spell out, the wire name of each key,
and the JSON Schema keywords to check. This module applies them at the call site, with errors
that name the argument, so that what is accepted can be sent (see `_encoding`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from ._encoding import JSONValue, bounded_int, text, to_json

Model = TypeVar("Model")

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an int",
    "number": "a number",
    "boolean": "a bool",
    "array": "a list",
    "object": "a mapping",
}


def wire_fields(
    fields: Mapping[str, Any],
    names: Mapping[str, str],
    checks: Mapping[str, Mapping[str, Any]],
    *,
    call: str,
) -> dict[str, JSONValue]:
    """`fields` (keyword -> value) as wire properties; `None` values are left out (not given).

    Raises:
        TypeError: An unknown keyword (as Python says it), or a value of the wrong type.
        ValueError: A value the spec does not allow, naming the keyword and the path inside it.
    """
    wire: dict[str, JSONValue] = {}
    for key, value in fields.items():
        name = names.get(key)
        if name is None:
            raise TypeError(f"{call}() got an unexpected keyword argument {key!r}")
        if value is not None:
            wire[name] = checked(value, checks[key], key)
    return wire


def model_with(model: Model, wire: Mapping[str, JSONValue]) -> Model:
    """A generated model with these wire properties added (known ones become its attributes)."""
    if not wire:
        return model
    made: Model = type(model).from_dict({**model.to_dict(), **wire})  # type: ignore[attr-defined]
    return made


def with_fields(
    model: Model,
    fields: Mapping[str, Any] | None,
    names: Mapping[str, Mapping[str, str]],
    checks: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    call: str,
) -> Model:
    """A generated model with its schema's `**fields` added (`names`/`checks`: an API's `_fields`)."""
    if not fields:
        return model
    schema = type(model).__name__ + "Fields"
    return model_with(model, wire_fields(fields, names[schema], checks[schema], call=call))


def checked(value: Any, schema: Mapping[str, Any], where: str) -> JSONValue:
    """`value` as JSON, if it has the schema's type and meets its checked keywords."""
    kind = schema.get("type")
    result: JSONValue
    if kind == "string":
        result = text(_typed(value, str, kind, where), where)
        _check_text(result, schema, where)
    elif kind in ("integer", "number"):
        result = _number(value, kind, where)
        _check_range(result, schema, where)
    elif kind == "boolean":
        result = _typed(value, bool, kind, where)
    elif kind == "array":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{where} must be {_TYPE_NAMES[kind]}, not {type(value).__name__}")
        items = schema.get("items", {})
        result = [checked(item, items, f"{where}[{index}]") for index, item in enumerate(value)]
    else:
        result = to_json(value, argument=where)
    if "enum" in schema and result not in schema["enum"]:
        allowed = ", ".join(repr(option) for option in schema["enum"])
        raise ValueError(f"{where} must be one of {allowed}, not {value!r}")
    return result


def _typed(value: Any, kind: type, name: str, where: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise TypeError(f"{where} must be {_TYPE_NAMES[name]}, not {type(value).__name__}")
    return value


def _number(value: Any, kind: str, where: str) -> int | float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind == "integer" and not isinstance(value, int))
    ):
        raise TypeError(f"{where} must be {_TYPE_NAMES[kind]}, not {type(value).__name__}")
    if isinstance(value, int):
        return bounded_int(value, where)
    if not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number, not {value!r}")
    return float(value)


def _check_text(value: str, schema: Mapping[str, Any], where: str) -> None:
    if len(value) < schema.get("minLength", 0):
        raise ValueError(f"{where} must have at least {schema['minLength']} characters, not {value!r}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise ValueError(f"{where} must have at most {schema['maxLength']} characters")
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        raise ValueError(f"{where} must match {schema['pattern']!r}, not {value!r}")


def _check_range(value: float, schema: Mapping[str, Any], where: str) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise ValueError(f"{where} must be at least {schema['minimum']}, not {value!r}")
    if "maximum" in schema and value > schema["maximum"]:
        raise ValueError(f"{where} must be at most {schema['maximum']}, not {value!r}")
