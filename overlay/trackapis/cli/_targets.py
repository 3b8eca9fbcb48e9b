"""What an API provides to be a target of `trackapis import`, and the registry of targets.

An API plugs in with one `ImportTargetSpec` added to `IMPORT_TARGETS` (see `_registry.py`): its
name on the command line, its kinds of rows, its options, and a factory that makes the target.
The importer owns files, the state journal, the window of rows in flight, progress and
interruption; a target only validates and sends rows and reports each row's outcome.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import attrs
import click


class RowInvalid(Exception):
    """A row that cannot be sent as it is; the message names the field and what is wrong."""


def row_fields(
    record: Mapping[str, Any],
    allowed: frozenset[str],
    aliases: Mapping[str, str],
    free_form: str,
    *,
    extra: bool,
    shape: str = "an object",
) -> dict[str, Any]:
    """A row's fields by name (aliases resolved); its `free_form` object (traits, properties) from a
    `free_form` field (in CSV a JSON cell), `<free_form>.<name>` columns, or (`extra`) every other column."""
    nested = free_form in record
    prefix = free_form + "."
    fields: dict[str, Any] = {}
    loose: dict[str, Any] = {}
    prefixed: dict[str, Any] = {}
    for key, value in record.items():
        name = aliases.get(key, key)
        if name in allowed:
            fields[name] = value
        elif key.startswith(prefix) and len(key) > len(prefix):
            prefixed[key[len(prefix) :]] = value
        elif extra and not nested:
            loose[key] = value
        else:
            raise RowInvalid(f"unknown field {key!r} (the fields are: {', '.join(sorted(allowed))})")
    fields[free_form] = {**(json_cell(fields[free_form], free_form, shape) if nested else loose), **prefixed}
    return fields


def json_cell(value: Any, name: str, shape: str = "an object") -> dict[str, Any]:
    """An object field, or a CSV cell holding one as JSON; `shape` says what it must be."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise RowInvalid(f"{name} must be a JSON object, not {value!r}") from None
    if not isinstance(value, dict):
        raise RowInvalid(f"{name} must be {shape}, not {value!r}")
    return dict(value)


class OutcomeSink(Protocol):
    """Where a target reports what became of each submitted row. Called from any thread."""

    def delivered(self, row: int) -> None:
        """The API accepted the row."""

    def failed(self, row: int, reason: str) -> None:
        """The API refused the row, or retries ran out; it will not be sent again."""

    def run_failed(self, row: int, reason: str) -> None:
        """Refused because of the run, not the row (credentials, URL, unreachable server, full
        queue): the request was not processed; the import stops and the next run sends it again."""

    def abandoned(self, row: int, reason: str) -> None:
        """The row was given up on while queued or in flight: it may or may not have arrived."""


class ImportTarget(Protocol):
    """One API's side of an import, made for one run. Rows of one user must stay in order."""

    def submit(self, row: int, record: Mapping[str, Any]) -> None:
        """Validate one record and queue it for delivery. Never blocks for long.

        Raises:
            RowInvalid: The record cannot be sent (nothing was queued, no outcome will follow).
        """

    def flush(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for every queued row's outcome; True when none is pending."""

    def close(self, timeout: float) -> None:
        """Stop; rows still pending after `timeout` seconds are reported as abandoned."""

    def retried(self) -> int:
        """Retry attempts so far (for the summary)."""


@attrs.frozen
class ImportSettings:
    """The importer's options a target uses."""

    max_in_flight: int
    rate_limit_per_minute: float | None
    max_retries: int
    # CSV columns (JSON Lines keys) that are not fields become traits (properties).
    extra_as_traits: bool = False


@attrs.frozen
class Columns:
    """The columns (JSON Lines keys) a kind of row may have, checked before anything is sent.

    Args:
        fields: The field names, aliases included.
        required: Groups of fields of which each group needs at least one (e.g. the identity).
        free_form: The name of the free-form object (`traits`, `properties`), or None. Its members
            may be columns of their own, `traits.<name>`, or (with `--traits-from-extra-columns`)
            any column that is not a field.
    """

    fields: frozenset[str]
    required: tuple[tuple[str, ...], ...] = ()
    free_form: str | None = None

    def problems(self, present: Sequence[str], *, extra_as_traits: bool, noun: str = "column") -> list[str]:
        """What is wrong with these columns (or JSON keys: `noun`), one sentence each (empty: fine)."""
        problems = []
        prefix = f"{self.free_form}." if self.free_form else None
        unknown = [
            name
            for name in present
            if name not in self.fields
            and not (prefix and name.startswith(prefix) and len(name) > len(prefix))
        ]
        if unknown and not (extra_as_traits and self.free_form):
            hints = []
            for name in unknown:
                close = difflib.get_close_matches(name, sorted(self.fields), n=1, cutoff=0.75)
                hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
            text = f"unknown {noun}s: {', '.join(hints)}; the {noun}s are {', '.join(sorted(self.fields))}"
            if self.free_form:
                text += (
                    f". To send a {noun} as one of the {self.free_form}, name it {self.free_form}.<name>"
                    f"{' or put it in the ' + self.free_form + ' object' if noun == 'key' else ''}, "
                    f"or pass --traits-from-extra-columns to send every unknown {noun} as one"
                )
            problems.append(text)
        for group in self.required:
            if not any(name in present for name in group):
                names = " or ".join(repr(name) for name in group)
                problems.append(f"no {names} {noun}: every row needs one")
        return problems


TargetFactory = Callable[[Mapping[str, Any], str, OutcomeSink, ImportSettings], ImportTarget]


@attrs.frozen
class ImportTargetSpec:
    """An API as a target of `trackapis import`.

    Args:
        name: The target's name on the command line (`trackapis import <name> <kind> FILE`).
        help: One line for `--help`.
        kinds: Each kind of row (e.g. `users`) with a description of its fields for `--help`.
        columns: Each kind's columns, checked against the file's before anything is sent.
        options: Makes the target's own options (base URL); their values reach `identity` and
            `create` by their parameter names.
        identity: A text naming the target and kind (and host): recorded in the state file, so that
            an import is never resumed into another API or account.
        create: Makes the target for one run; reads credentials from the environment and raises
            `CommandError` when they are missing.
        credentials: What to tell a user whose credentials were refused (e.g. which variable).
    """

    name: str
    help: str
    kinds: Mapping[str, str]
    columns: Mapping[str, Columns]
    options: Callable[[], list[click.Option]]
    identity: Callable[[Mapping[str, Any], str], str]
    create: TargetFactory
    credentials: str = ""
