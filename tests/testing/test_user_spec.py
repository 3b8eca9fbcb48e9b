"""Fakes serving a user's own spec: validation, the stateful operations, examples for the rest."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from trackapis.testing import InteraktFake, SevenSegmentsFake, load_spec, serve
from trackapis.testing._examples import example_reply, sample

FUZZ = (sys.executable, "-m", "trackapis.testing", "fuzz")
OBJECT = {
    "type": "object",
    "required": ["id", "when", "tags", "kind", "score", "nested"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "when": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "minItems": 1},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "score": {"type": "integer", "minimum": 3},
        "nested": {"$ref": "#/components/schemas/Nested"},
        "optional": {"type": "string"},
    },
}
DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Nested": {
                "allOf": [{"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}]
            }
        }
    }
}


@contextlib.contextmanager
def _served(*args: str) -> Iterator[str]:
    """`python -m trackapis.testing serve ARGS` in a subprocess; its URL while it runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "trackapis.testing", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_body_generated_from_the_schema_is_valid() -> None:
    operation = {
        "responses": {"2XX": {"description": "ok", "content": {"application/json": {"schema": OBJECT}}}}
    }

    status, content_type, body = example_reply(DOCUMENT, operation)

    assert (status, content_type) == (200, "application/json")
    # The schema's $ref points into the document's components.
    jsonschema.validate(body, {**OBJECT, "components": DOCUMENT["components"]})
    assert body["score"] == 3
    assert body["nested"] == {"ok": True}
    assert "optional" not in body
    assert sample(DOCUMENT, {"type": ["null", "number"], "minimum": 1.5}) == 1.5


def test_the_example_wins_over_a_generated_body() -> None:
    operation = {
        "responses": {
            "404": {"description": "no"},
            "201": {
                "description": "made",
                "content": {
                    "application/json": {"schema": OBJECT, "examples": {"one": {"value": {"id": "x"}}}}
                },
            },
        }
    }

    assert example_reply(DOCUMENT, operation) == (201, "application/json", {"id": "x"})


def _spec_with(tmp_path: Path, change: Any) -> Path:
    document = load_spec("seven_segments")
    change(document)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_a_user_spec_validates_requests_and_keeps_the_stateful_operations(tmp_path: Path) -> None:
    def require_a_new_property(document: dict[str, Any]) -> None:
        schema = document["paths"]["/crm/events"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
        document["paths"]["/crm/events"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
            "allOf": [
                schema,
                {"type": "object", "required": ["source"], "properties": {"source": {"type": "string"}}},
            ]
        }

    event = {"company_id": "t", "customer_ids": {"registered": "r"}, "type": "view"}
    with serve(SevenSegmentsFake(spec=_spec_with(tmp_path, require_a_new_property))) as fake:
        old_shape = httpx.post(f"{fake.url}/crm/events", json=event, timeout=5)
        new_shape = httpx.post(f"{fake.url}/crm/events", json={**event, "source": "web"}, timeout=5)
        stored = fake.customer("t", registered="r")

    assert old_shape.status_code == 400
    assert "source" in old_shape.text
    assert new_shape.status_code == 200
    assert stored is not None
    assert [e.type for e in stored.events] == ["view"]


def test_cli_serve_takes_a_spec(tmp_path: Path) -> None:
    document = load_spec("interakt")
    document["paths"]["/v1/public/track/ping/"] = {
        "get": {
            "operationId": "ping",
            "description": "new",
            "responses": {"200": {"description": "up", "content": {"text/plain": {"example": "pong"}}}},
        }
    }
    spec = tmp_path / "interakt.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    with _served("--api", "interakt", "--spec", str(spec)) as url:
        ping = httpx.get(f"{url}/v1/public/track/ping/", auth=("test-interakt-key", ""), timeout=5)

    assert (ping.status_code, ping.headers["content-type"], ping.text) == (200, "text/plain", "pong")


def test_cli_serve_spec_needs_one_api(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "trackapis.testing",
            "serve",
            "--api",
            "all",
            "--spec",
            str(tmp_path / "x.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "--spec needs one --api" in result.stderr


@pytest.mark.parametrize("content", ["[]", "openapi: 3.0.3\n"])
def test_a_spec_that_is_not_openapi_is_refused(tmp_path: Path, content: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError, match="is not an OpenAPI document"):
        InteraktFake(spec=spec)


def test_cli_serve_seeds_from_a_file_so_fuzzing_reaches_every_operation(tmp_path: Path) -> None:
    example = load_spec("seven_segments")["paths"]["/analytics/{analysis_type}"]["post"]
    analysis_id = example["requestBody"]["content"]["application/json"]["example"]["analysis_id"]
    table = {"success": True, "name": "T", "header": ["step", "count"], "rows": [["First visit", 1]]}
    funnel = example["responses"]["200"]["content"]["application/json"]["example"]
    seed = {
        "campaigns": {"Banner left": "<img/>"},
        "analyses": [
            {
                "analysis_type": kind,
                "analysis_id": analysis_id,
                "result": funnel if kind == "funnel" else table,
            }
            for kind in ("funnel", "report", "retention", "segmentation")
        ]
        + [
            {"analysis_type": kind, "analysis_id": analysis_id, "result": table, "format": "table-json"}
            for kind in ("funnel", "report", "retention", "segmentation")
        ],
    }
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed), encoding="utf-8")
    with _served("--api", "seven_segments", "--seed", str(seed_file)) as url:
        fuzz = subprocess.run(
            [*FUZZ, "--api", "seven_segments", "--url", url, "--max-examples", "3", "--", "-q"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert fuzz.returncode == 0, fuzz.stdout[-4000:]
    assert "NO 2XX" not in fuzz.stdout
