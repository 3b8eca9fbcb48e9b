"""Generate the typed clients in generated/ from the specs in specs/.

Each spec is generated into an empty temporary directory (the generator's `--overwrite` leaves
stale files behind), `py.typed` is added, and the result replaces `generated/<api>_client/`.
The drift test in tests/ calls `generate_all` into a temporary root and compares.
Afterwards it prints what changed in each spec since the last commit (`--since REV`), each change
marked breaking or not, and a suggested CHANGELOG entry (scripts/spec_diff.py).
"""

from __future__ import annotations

import argparse
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
APIS = ("interakt", "seven_segments", "attributionio")


def generate(api: str, package_dir: Path) -> None:
    """Generate one API's client package into `package_dir`, which must not exist."""
    # The post hooks run ruff from PATH: use the one pinned next to this interpreter.
    env_path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    command = [
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path",
        str(SPECS / f"{api}.yaml"),
        "--config",
        str(SPECS / "codegen" / f"{api}.yaml"),
        "--meta",
        "none",
        "--output-path",
        str(package_dir),
    ]
    result = subprocess.run(
        command,
        cwd=package_dir.parent,
        env={**os.environ, "PATH": env_path},
        capture_output=True,
        text=True,
        check=False,
    )
    # The generator reports spec problems as warnings and still exits 0; treat them as errors so
    # that a spec change cannot silently drop an operation or a model.
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Warning" in output or "Error" in output:
        raise RuntimeError(f"openapi-python-client failed for specs/{api}.yaml:\n{output}")
    (package_dir / "py.typed").write_text("")


def generate_all(dest_root: Path) -> None:
    """Generate every API into `dest_root/<api>_client/`."""
    for api in APIS:
        generate(api, dest_root / f"{api}_client")


def print_change_reports(revision: str = "HEAD") -> None:
    """What changed in each spec since `revision` (breaking or not), and a CHANGELOG entry to adapt."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import spec_diff

    for api in APIS:
        path = SPECS / f"{api}.yaml"
        before = spec_diff.committed(path, revision)
        if before is None:
            print(f"specs/{api}.yaml: not committed at {revision}; no change report")
            continue
        print()
        print(spec_diff.report(api, spec_diff.diff(before, yaml.safe_load(path.read_text(encoding="utf-8")))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--since",
        default="HEAD",
        help="git revision the change report compares the specs with (default HEAD)",
    )
    args = parser.parse_args()
    target = ROOT / "generated"
    with tempfile.TemporaryDirectory(prefix="trackapis-codegen-") as tmp:
        staged = Path(tmp)
        generate_all(staged)
        for api in APIS:
            name = f"{api}_client"
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(staged / name, target / name)
            print(f"generated/{name}/ <- specs/{api}.yaml")
    write_facade_fields()
    print_change_reports(args.since)


# -- typed facade fields: TypedDicts derived from the request schemas ---------------------------------
#
# For each request schema a facade method serves, the properties the method spells out as its own
# arguments (wire name -> the argument or where the value comes from). Every other property of
# the schema becomes a key of `<Schema>Fields` in overlay/trackapis/<api>/_fields.py, which the
# method takes as `**fields: Unpack[...]`: a property the spec gains reaches the typed facade at
# the next `scripts/regenerate`, without a hand edit, and mypy still catches a misspelt key.
# Schemas listed with `None` are the wrappers and parts the facades build whole; a property they
# gain fails tests/test_facade_coverage.py until a facade argument takes it.
FACADE_ARGUMENTS: dict[str, dict[str, dict[str, str] | None]] = {
    "interakt": {
        "UserFields": {
            "userId": "user_id",
            "phoneNumber": "phone_number",
            "countryCode": "country_code",
            "traits": "traits",
            "createdAt": "created_at",
        },
        "EventFields": {
            "userId": "user_id",
            "phoneNumber": "phone_number",
            "countryCode": "country_code",
            "event": "event",
            "traits": "traits",
            "createdAt": "created_at",
        },
    },
    "seven_segments": {
        "CustomerUpdate": {"ids": "customer", "company_id": "token", "properties": "properties"},
        "EventTrack": {
            "customer_ids": "customer",
            "company_id": "token",
            "type": "event_type",
            "properties": "properties",
            "timestamp": "timestamp",
        },
        "HtmlRequest": {
            "customer_ids": "customer",
            "company_id": "token",
            "html_campaign_name": "html_campaign_name",
        },
        "ExportRequest": {
            "analysis_id": "analysis_id",
            "timezone": "timezone",
            "execution_time": "execution_time",
            "format": "format",
        },
        "CustomerIds": None,
        "BulkRequest": None,
        "BulkCustomerCommand": None,
        "BulkEventCommand": None,
    },
    "attributionio": {
        "Identity": {
            "aliases": "attributionio_id",
            "client_id": "client_id",
            "public_key": "api_key",
            "created_at": "(the time of the call)",
            "meta": "user_agent",
        },
        "Event": {
            "aliases": "attributionio_id",
            "client_id": "client_id",
            "event_public_key": "event_key",
            "url": "last_url",
            "public_key": "api_key",
            "transaction_id": "(client_id and the time of the call)",
            "created_at": "(the time of the call)",
            "meta": "user_agent",
        },
        "IdentityRequest": None,
        "EventRequest": None,
        "Meta": None,
    },
}

_JSON_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# The JSON Schema keywords the facades check at the call site (the fakes check the rest).
_CHECKED_KEYWORDS = ("type", "items", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum")


def snake_case(wire_name: str) -> str:
    """`fullPhoneNumber` -> `full_phone_number`; a keyword gets a trailing underscore."""
    name = re.sub(r"[^0-9a-zA-Z_]", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", wire_name)).lower()
    return name + "_" if keyword.iskeyword(name) or name[:1].isdigit() else name


def fields_class_name(schema: str) -> str:
    return schema if schema.endswith("Fields") else schema + "Fields"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def schema_properties(spec: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """A component schema's properties (its own and its `allOf` parts'), references resolved."""
    schema = _resolve(spec, {"$ref": f"#/components/schemas/{name}"})
    properties: dict[str, dict[str, Any]] = {}
    for part in [schema, *[_resolve(spec, p) for p in schema.get("allOf", [])]]:
        for wire, sub in part.get("properties", {}).items():
            properties[wire] = _resolve(spec, sub)
    return properties


def _checked(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    schema = _resolve(spec, schema)
    checked = {key: schema[key] for key in _CHECKED_KEYWORDS if key in schema and key != "items"}
    if "items" in schema:
        checked["items"] = _checked(spec, schema["items"])
    return checked


def _annotation(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    if kind == "array":
        return f"list[{_annotation(spec, schema.get('items', {}))}]"
    if kind == "object":
        return "dict[str, Any]"
    return _JSON_TYPES.get(kind, "Any") if isinstance(kind, str) else "Any"


def facade_fields_module(api: str) -> str:
    """The source of overlay/trackapis/<api>/_fields.py, derived from specs/<api>.yaml."""
    import yaml

    spec = yaml.safe_load((SPECS / f"{api}.yaml").read_text())
    classes: list[str] = []
    wire_names: dict[str, dict[str, str]] = {}
    checks: dict[str, dict[str, dict[str, Any]]] = {}
    for schema, arguments in FACADE_ARGUMENTS[api].items():
        if arguments is None:
            continue
        name = fields_class_name(schema)
        extra = {w: s for w, s in schema_properties(spec, schema).items() if w not in arguments}
        lines = [
            f"class {name}(TypedDict, total=False):",
            f'    """`{schema}` properties taken as `**fields`."""',
        ]
        if extra:
            lines.append("")
        for wire, sub in extra.items():
            lines.append(f"    {snake_case(wire)}: {_annotation(spec, sub)}")
            if sub.get("description"):
                described = textwrap.wrap(" ".join(str(sub["description"]).split()), 96)
                lines.append('    """' + "\n    ".join(described) + '"""')
        classes.append("\n".join(lines))
        wire_names[name] = {snake_case(wire): wire for wire in extra}
        checks[name] = {snake_case(wire): _checked(spec, sub) for wire, sub in extra.items()}
    hand_written = {fields_class_name(k): v for k, v in FACADE_ARGUMENTS[api].items() if v is not None}
    operations = spec_operations(api, spec)
    body = "\n\n\n".join(classes)
    names = sorted(["CHECKS", "HAND_WRITTEN", "OPERATIONS", "WIRE_NAMES"]) + sorted(hand_written)
    typing_names = ", ".join(["Any", "Final", *(["Literal"] if "Literal[" in body else []), "TypedDict"])
    return f'''"""Keyword fields of the typed facade, derived from specs/{api}.yaml by scripts/regenerate.

GENERATED: do not edit. `scripts/regenerate` rewrites this file (see `FACADE_ARGUMENTS` in
scripts/codegen.py); tests/test_facade_coverage.py fails when it is out of date.
"""

from __future__ import annotations

from typing import {typing_names}

__all__ = {names!r}


{body}


# TypedDict name -> keyword -> wire name.
WIRE_NAMES: Final[dict[str, dict[str, str]]] = {wire_names!r}

# TypedDict name -> keyword -> the JSON Schema keywords checked at the call site.
CHECKS: Final[dict[str, dict[str, dict[str, Any]]]] = {checks!r}

# TypedDict name -> the schema's properties the facade methods spell out (wire name -> argument).
HAND_WRITTEN: Final[dict[str, dict[str, str]]] = {hand_written!r}

# operationId -> the generated module that builds its request, whether it takes a body, whether
# it needs the API's credentials, and its server (None: the spec's first): the facades' `call()`.
OPERATIONS: Final[dict[str, dict[str, Any]]] = {operations!r}
'''


def spec_operations(api: str, spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every operation of a spec, by operationId, as the generated package lays it out."""
    operations: dict[str, dict[str, Any]] = {}
    for path_item in spec["paths"].values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            tag = snake_case(operation.get("tags", ["default"])[0])
            servers = operation.get("servers") or path_item.get("servers") or []
            operations[operation["operationId"]] = {
                "module": f"{api}_client.api.{tag}.{snake_case(operation['operationId'])}",
                "method": method.upper(),
                "body": "requestBody" in operation,
                "authenticated": bool(operation.get("security", spec.get("security", [{}]))),
                "server": servers[0]["url"] if servers else None,
            }
    return operations


def facade_fields_path(api: str) -> Path:
    return ROOT / "overlay" / "trackapis" / api / "_fields.py"


def write_facade_fields() -> None:
    """Write each API's `_fields.py`, formatted by the pinned ruff as the rest of the overlay."""
    for api in APIS:
        path = facade_fields_path(api)
        path.write_text(format_python(facade_fields_module(api)))
        print(f"overlay/trackapis/{api}/_fields.py <- specs/{api}.yaml")


def format_python(source: str) -> str:
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "format", "--config", str(ROOT / "pyproject.toml"), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


if __name__ == "__main__":
    main()
