"""The type of a decoded JSON value, for the public signatures of `trackapis.testing`."""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
"""A decoded JSON document: narrow it with `isinstance` before indexing."""
JsonObject: TypeAlias = "dict[str, JsonValue]"
"""A decoded JSON object."""
