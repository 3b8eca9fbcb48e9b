"""What changed between two versions of an OpenAPI document, marked breaking or not for users of
the typed clients; used by `scripts/regenerate` (committed spec -> the spec being generated).

No maintained OpenAPI diff tool installs from PyPI and runs offline (oasdiff is a Go program), so
this is a small diff over the two documents, with `$ref`s resolved:

- operations added (not breaking) or removed (breaking);
- parameters added (breaking when required), removed (breaking), made required (breaking) or
  optional (not breaking), or given another type (breaking);
- request body fields: the same rules as parameters; enum values removed (breaking) or added;
- response fields, per status: added (not breaking), removed or made optional (breaking), made
  required (not breaking), another type (breaking), enum values added (breaking: exhaustive code
  breaks) or removed (not breaking); statuses added (not breaking) or removed (breaking).

`anyOf`/`oneOf` branches are merged (a field is required only when every branch requires it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@attrs.frozen(order=True)
class Change:
    """One change: where, what, and whether it breaks code written against the old version."""

    breaking: bool
    kind: str  # operation, parameter, request, response
    where: str
    what: str

    def line(self) -> str:
        return f"{'BREAKING' if self.breaking else 'ok':9} {self.kind:10} {self.where}: {self.what}"


@attrs.frozen
class Field:
    required: bool
    type: str
    enum: frozenset[str] | None


def _resolve(document: Mapping[str, Any], node: Any, seen: frozenset[str] = frozenset()) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        reference = str(node["$ref"])
        if reference in seen:
            return {}
        seen = seen | {reference}
        target: Any = document
        for part in reference.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(sorted(str(k) for k in kind))
    if kind is not None:
        return str(kind)
    if "properties" in schema:
        return "object"
    if "const" in schema:
        return type(schema["const"]).__name__
    return "any"


def _fields(
    document: Mapping[str, Any], schema: Any, prefix: str = "", required: bool = True, depth: int = 0
) -> dict[str, Field]:
    """Every field path of `schema` (`a.b`, `items[]`), with its required flag, type and enum."""
    schema = _resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > 12:
        return {}
    found: dict[str, Field] = {}
    branches = [_resolve(document, b) for b in (schema.get("anyOf") or schema.get("oneOf") or [])]
    parts = [_resolve(document, p) for p in schema.get("allOf") or []]
    if branches or parts:
        merged: dict[str, list[Field]] = {}
        children: list[dict[str, Field]] = [
            _fields(document, branch, prefix, required, depth + 1) for branch in branches
        ]
        for child in children:
            for path, field in child.items():
                merged.setdefault(path, []).append(field)
        for path, versions in merged.items():
            found[path] = Field(
                all(v.required for v in versions) and len(versions) == len(children),
                "|".join(sorted({v.type for v in versions})),
                None,
            )
        for part in parts:
            found.update(_fields(document, part, prefix, required, depth + 1))
        own = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "allOf")}
        if "properties" in own or "items" in own:
            found.update(_fields(document, own, prefix, required, depth + 1))
        return found
    enum = schema.get("enum")
    if prefix:
        found[prefix] = Field(
            required, _type_of(schema), frozenset(str(v) for v in enum) if isinstance(enum, list) else None
        )
    required_names = set(schema.get("required") or [])
    for name, child in (schema.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else str(name)
        found.update(_fields(document, child, path, name in required_names, depth + 1))
    if "items" in schema:
        found.update(_fields(document, schema["items"], f"{prefix}[]", True, depth + 1))
    return found


def _operations(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    operations = {}
    for template, raw_item in (document.get("paths") or {}).items():
        path_item = _resolve(document, raw_item)
        for method in _METHODS:
            if isinstance(path_item.get(method), Mapping):
                operation = dict(path_item[method])
                operation["parameters"] = [*path_item.get("parameters", []), *operation.get("parameters", [])]
                operations[f"{method.upper()} {template}"] = operation
    return operations


def _json_schema(document: Mapping[str, Any], holder: Any) -> Any:
    holder = _resolve(document, holder)
    content = holder.get("content") or {} if isinstance(holder, Mapping) else {}
    for media, value in content.items():
        if "json" in media:
            return _resolve(document, value).get("schema")
    return None


def _compare_fields(
    kind: str, where: str, old: dict[str, Field], new: dict[str, Field], *, response: bool
) -> Iterator[Change]:
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before is None and after is not None:
            breaking = not response and after.required
            yield Change(
                breaking, kind, where, f"field {path} added" + (" (required)" if after.required else "")
            )
        elif after is None and before is not None:
            yield Change(True, kind, where, f"field {path} removed")
        elif before is not None and after is not None:
            if before.type != after.type:
                yield Change(True, kind, where, f"field {path}: type {before.type} -> {after.type}")
            if before.required != after.required:
                now = "required" if after.required else "optional"
                yield Change(after.required != response, kind, where, f"field {path} is now {now}")
            if before.enum is not None and after.enum is not None and before.enum != after.enum:
                added, removed = sorted(after.enum - before.enum), sorted(before.enum - after.enum)
                if added:
                    yield Change(response, kind, where, f"field {path}: values added {added}")
                if removed:
                    yield Change(not response, kind, where, f"field {path}: values removed {removed}")


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The changes from `old` to `new`, breaking ones first."""
    changes: list[Change] = []
    old_operations, new_operations = _operations(old), _operations(new)
    for key in sorted(set(old_operations) | set(new_operations)):
        before, after = old_operations.get(key), new_operations.get(key)
        name = (after or before or {}).get("operationId")
        where = f"{key} ({name})" if name else key
        if before is None:
            changes.append(Change(False, "operation", where, "added"))
            continue
        if after is None:
            changes.append(Change(True, "operation", where, "removed"))
            continue
        changes += _compare_parameters(old, new, where, before, after)
        old_body, new_body = before.get("requestBody"), after.get("requestBody")
        changes += _compare_fields(
            "request",
            where,
            _fields(old, _json_schema(old, old_body)) if old_body else {},
            _fields(new, _json_schema(new, new_body)) if new_body else {},
            response=False,
        )
        old_responses = _resolve(old, before.get("responses") or {})
        new_responses = _resolve(new, after.get("responses") or {})
        for status in sorted(set(old_responses) | set(new_responses)):
            if status not in new_responses:
                changes.append(Change(True, "response", where, f"status {status} removed"))
            elif status not in old_responses:
                changes.append(Change(False, "response", where, f"status {status} added"))
            else:
                changes += _compare_fields(
                    "response",
                    f"{where} {status}",
                    _fields(old, _json_schema(old, old_responses[status])),
                    _fields(new, _json_schema(new, new_responses[status])),
                    response=True,
                )
                changes += _compare_headers(
                    old, new, f"{where} {status}", old_responses[status], new_responses[status]
                )
    # The generated clients have one model class per component schema.
    old_models = set((old.get("components") or {}).get("schemas") or {})
    new_models = set((new.get("components") or {}).get("schemas") or {})
    changes += [
        Change(True, "model", name, "schema (generated model class) removed")
        for name in old_models - new_models
    ]
    changes += [
        Change(False, "model", name, "schema (generated model class) added")
        for name in new_models - old_models
    ]
    return sorted(changes, key=lambda change: (not change.breaking, change.kind, change.where, change.what))


def _compare_headers(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, before: Any, after: Any
) -> Iterator[Change]:
    def table(document: Mapping[str, Any], response: Any) -> dict[str, str]:
        headers = (_resolve(document, response) or {}).get("headers") or {}
        return {
            str(name).lower(): _describe_type(
                document, (_resolve(document, header) or {}).get("schema") or {}
            )
            for name, header in headers.items()
        }

    old_table, new_table = table(old, before), table(new, after)
    for name in sorted(set(old_table) | set(new_table)):
        if name not in new_table:
            yield Change(True, "response", where, f"header {name} removed")
        elif name not in old_table:
            yield Change(False, "response", where, f"header {name} added")
        elif old_table[name] != new_table[name]:
            yield Change(
                False, "response", where, f"header {name}: type {old_table[name]} -> {new_table[name]}"
            )


def _describe_type(document: Mapping[str, Any], schema: Any) -> str:
    schema = _resolve(document, schema)
    branches = schema.get("anyOf") or schema.get("oneOf") if isinstance(schema, Mapping) else None
    if branches:
        return " | ".join(sorted(_describe_type(document, branch) for branch in branches))
    return _type_of(schema) if isinstance(schema, Mapping) else "any"


def _compare_parameters(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    where: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> Iterator[Change]:
    def table(document: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        resolved = [_resolve(document, p) for p in operation.get("parameters") or []]
        return {f"{p.get('in')} {p.get('name')}": p for p in resolved if isinstance(p, Mapping)}

    old_table, new_table = table(old, before), table(new, after)
    for key in sorted(set(old_table) | set(new_table)):
        was, now = old_table.get(key), new_table.get(key)
        if was is None and now is not None:
            required = bool(now.get("required"))
            yield Change(required, "parameter", where, f"{key} added" + (" (required)" if required else ""))
        elif now is None:
            yield Change(True, "parameter", where, f"{key} removed")
        elif was is not None:
            if bool(was.get("required")) != bool(now.get("required")):
                state = "required" if now.get("required") else "optional"
                yield Change(bool(now.get("required")), "parameter", where, f"{key} is now {state}")
            old_type = _type_of(_resolve(old, was.get("schema") or {}))
            new_type = _type_of(_resolve(new, now.get("schema") or {}))
            if old_type != new_type:
                yield Change(True, "parameter", where, f"{key}: type {old_type} -> {new_type}")


def report(api: str, changes: list[Change]) -> str:
    """The change report and the CHANGELOG entry it suggests."""
    if not changes:
        return f"specs/{api}.yaml: no changes to operations, parameters or fields"
    breaking = [c for c in changes if c.breaking]
    lines = [
        f"specs/{api}.yaml: {len(changes)} change(s), {len(breaking)} breaking",
        *("  " + change.line() for change in changes),
    ]
    lines += ["", "Suggested CHANGELOG entry (## [Unreleased]):"]
    sections = {
        "### Removed": [c for c in changes if "removed" in c.what],
        "### Added": [c for c in changes if c.what.startswith("added") or " added" in c.what],
    }
    sections["### Changed"] = [c for c in changes if c not in sections["### Removed"] + sections["### Added"]]
    for title, items in sections.items():
        if items:
            lines.append(title)
            lines += [
                f"- {api} spec: {c.where}: {c.what}" + (" **(breaking)**" if c.breaking else "")
                for c in items
            ]
    return "\n".join(lines)


def committed(path: Path, revision: str = "HEAD") -> dict[str, Any] | None:
    """The document as committed at `revision` (None outside git or when it is new)."""
    relative = path.resolve().relative_to(Path(__file__).resolve().parent.parent)
    result = subprocess.run(
        ["git", "show", f"{revision}:{relative.as_posix()}"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    document: dict[str, Any] = yaml.safe_load(result.stdout)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare two OpenAPI documents (YAML or JSON).")
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    old = yaml.safe_load(args.old.read_text(encoding="utf-8"))
    new = yaml.safe_load(args.new.read_text(encoding="utf-8"))
    print(report(args.new.stem, diff(old, new)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
