"""Locate and load the OpenAPI documents the fakes validate against."""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path
from typing import Any, Literal

import yaml

from ._json import JsonObject

ApiName = Literal["interakt", "seven_segments", "attributionio"]
API_NAMES: tuple[ApiName, ...] = ("interakt", "seven_segments", "attributionio")

_PACKAGED = Path(__file__).resolve().parent.parent / "_specs"
# In a source checkout (editable install) the specs live at the top level, beside overlay/.
_CHECKOUT = Path(__file__).resolve().parents[3] / "specs"


def spec_path(api: ApiName) -> Path:
    """The path of an API's OpenAPI document, in a wheel or in a source checkout."""
    if api not in API_NAMES:
        raise ValueError(f"api must be one of {', '.join(API_NAMES)}, not {api!r}")
    for folder in (_PACKAGED, _CHECKOUT):
        candidate = folder / f"{api}.yaml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the OpenAPI document for {api!r} is not installed (looked in {_PACKAGED})")


@functools.cache
def _load(api: ApiName) -> dict[str, Any]:
    with spec_path(api).open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


def load_spec(api: ApiName) -> JsonObject:
    """A fresh copy of an API's OpenAPI document."""
    document: JsonObject = copy.deepcopy(_load(api))
    return document


def read_spec(path: str | os.PathLike[str]) -> dict[str, Any]:
    """An OpenAPI document of one's own (YAML or JSON), e.g. a vendor's newer version of an API."""
    location = Path(path)
    if not location.is_file():
        raise FileNotFoundError(f"spec: no such file {str(location)!r}")
    with location.open(encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ValueError(f"spec: {str(location)!r} is not an OpenAPI document (no paths)")
    return document


def loopback_spec(api: ApiName, path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The document (packaged, or the one at `path`) with every `servers` entry replaced by `/`.

    openapi-core matches the request's host against `servers` strictly; a fake answers on
    127.0.0.1 on any port, for the private and the public Attribution.io host alike.
    """
    document = copy.deepcopy(_load(api)) if path is None else read_spec(path)
    document["servers"] = [{"url": "/"}]
    for path_item in document.get("paths", {}).values():
        path_item.pop("servers", None)
        for operation in path_item.values():
            if isinstance(operation, dict):
                operation.pop("servers", None)
    return document
