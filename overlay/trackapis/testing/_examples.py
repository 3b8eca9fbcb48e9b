"""Answers for operations a fake has no state for: the spec's example, else a generated body.

A user's newer spec may add an operation the fake does not implement; the fake still validates its
requests and answers its first documented 2xx with the example the spec gives (response example,
first of `examples`, or the schema's `example`), or a minimal body generated from the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_JSON = ("application/json", "+json")
_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "hostname": "example.com",
}


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, Mapping) and "$ref" in node and seen < 50:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def _success_status(responses: Mapping[str, Any]) -> tuple[int, str]:
    codes = sorted(str(code) for code in responses)
    for code in codes:
        if code.isdigit() and 200 <= int(code) < 300:
            return int(code), code
    for code in codes:
        if code.upper() == "2XX":
            return 200, code
    return 200, "default" if "default" in responses else ""


def example_reply(document: Mapping[str, Any], operation: Mapping[str, Any]) -> tuple[int, str, Any]:
    """(status, content type, body) of the operation's first documented success."""
    responses = resolve(document, operation.get("responses") or {})
    status, key = _success_status(responses)
    response = resolve(document, responses.get(key) or {})
    content = response.get("content") or {}
    if not content:
        return status, "application/json", None
    content_type = next((kind for kind in content if _is_json(kind)), None) or next(iter(content))
    media = resolve(document, content[content_type]) or {}
    body = _example(document, media)
    if body is _NONE:
        body = sample(document, media.get("schema") or {})
    if not _is_json(content_type) and not isinstance(body, str):
        body = "" if body is None else str(body)
    return status, content_type, body


_NONE = object()


def _is_json(content_type: str) -> bool:
    return content_type.startswith(_JSON[0]) or content_type.split(";", maxsplit=1)[0].endswith(_JSON[1])


def _example(document: Mapping[str, Any], media: Mapping[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    if isinstance(examples, Mapping) and examples:
        first = resolve(document, next(iter(examples.values())))
        if isinstance(first, Mapping) and "value" in first:
            return first["value"]
    schema = resolve(document, media.get("schema") or {})
    if isinstance(schema, Mapping) and "example" in schema:
        return schema["example"]
    return _NONE


def sample(document: Mapping[str, Any], schema: Any, depth: int = 0) -> Any:  # noqa: PLR0911, PLR0912
    """A minimal instance of `schema`: required properties only, lower bounds, the first choice."""
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > 20:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for choice in ("oneOf", "anyOf"):
        if schema.get(choice):
            return sample(document, schema[choice][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else None
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: sample(document, properties.get(name, {}), depth + 1) for name in schema.get("required", [])
        }
    if kind == "array":
        item = sample(document, schema.get("items") or {}, depth + 1)
        return [item] * int(schema.get("minItems", 0))
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        return "x" * max(int(schema.get("minLength", 0)), 1 if "maxLength" not in schema else 0)
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return True
    return None
