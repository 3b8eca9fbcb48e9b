"""The facades' generic `call()`: any operation of a spec, by its operationId, without new code.

`scripts/regenerate` lists each spec's operations (`OPERATIONS` in the API's `_fields.py`) and
the generator writes the module that builds each request (`_get_kwargs`). This turns a call's
`body` and parameters into that request, checked at the call site; the facade sends it with its
credentials, retries and typed errors, and `decoded()` reads the answer.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
from collections.abc import Mapping
from typing import Any

import attrs

from ._encoding import JSONValue, id_text, text, to_json


@attrs.frozen
class Operation:
    """A request of one spec operation, ready for a facade to send."""

    operation_id: str
    kwargs: dict[str, Any]
    authenticated: bool
    server: str | None


@attrs.frozen
class _Body:
    # What a generated `_get_kwargs` asks of its `body` model: `to_dict()`. The body is sent as
    # the caller made it (checked by `to_json`), so that a property the models do not know yet
    # still reaches the wire.
    json: JSONValue

    def to_dict(self) -> JSONValue:
        return self.json


def operation(
    operations: Mapping[str, Mapping[str, Any]],
    operation_id: Any,
    body: Any,
    params: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any] | None = None,
) -> Operation:
    """The request for `operation_id` with this body and path/query parameters.

    `defaults`: parameters the client knows (e.g. its public key in a path), used when the
    operation takes them and the call does not give them.

    Raises:
        ValueError: An operationId the spec does not have (the known ones are listed), or a bad value.
        TypeError: A body or parameter of the wrong type, a missing body, an unknown parameter.
    """
    info = operations.get(operation_id) if isinstance(operation_id, str) else None
    if info is None:
        known = ", ".join(sorted(operations))
        raise ValueError(f"operation must be an operationId of the spec ({known}), not {operation_id!r}")
    build = importlib.import_module(info["module"])._get_kwargs
    accepted = inspect.signature(build).parameters
    arguments: dict[str, Any] = {}
    if info["body"]:
        if not isinstance(body, Mapping):
            kind = type(body).__name__
            raise TypeError(f"{operation_id} takes body= a mapping (its JSON body), not {kind}")
        arguments["body"] = _Body(to_json(body, argument="body"))
    elif body is not None:
        raise TypeError(f"{operation_id} takes no body")
    for name, value in params.items():
        if name not in accepted or name == "body":
            names = ", ".join(sorted(set(accepted) - {"body"})) or "none"
            raise TypeError(f"{operation_id}() got an unexpected parameter {name!r} (it takes: {names})")
        arguments[name] = _parameter(value, name)
    for name, value in (defaults or {}).items():
        if name in accepted and name not in arguments:
            arguments[name] = value
    missing = [
        name
        for name, parameter in accepted.items()
        if parameter.default is inspect.Parameter.empty and name not in arguments
    ]
    if missing:
        raise TypeError(f"{operation_id}() needs {', '.join(missing)}")
    return Operation(operation_id, build(**arguments), info["authenticated"], info["server"])


def _parameter(value: Any, name: str) -> str | bool | int | float:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value!r}")
        return value
    if isinstance(value, str):
        return text(str.__str__(value), name)
    return id_text(value, argument=name)


def answer(response: Any) -> Any:
    """`decoded()` for an `httpx.Response`."""
    return decoded(response.content, response.headers.get("content-type", ""))


def decoded(content: bytes, content_type: str) -> Any:
    """A 2xx answer's body: its JSON, its text when it is not JSON, None when empty."""
    if not content:
        return None
    if "json" in content_type:
        try:
            return json.loads(content)
        except ValueError:
            pass
    return content.decode("utf-8", "replace")
