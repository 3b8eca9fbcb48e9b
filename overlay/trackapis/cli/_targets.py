"""What an API provides to be a target of `trackapis import`, and the registry of targets.

An API plugs in with one `ImportTargetSpec` added to `IMPORT_TARGETS` (see `_registry.py`): its
name on the command line, its kinds of rows, its options, and a factory that makes the target.
The importer owns files, the state journal, the window of rows in flight, progress and
interruption; a target only validates and sends rows and reports each row's outcome.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs


class RowInvalid(Exception):
    """A row that cannot be sent as it is; the message names the field and what is wrong."""


class OutcomeSink(Protocol):
    """Where a target reports what became of each submitted row. Called from any thread."""

    def delivered(self, row: int) -> None:
        """The API accepted the row."""

    def failed(self, row: int, reason: str) -> None:
        """The API refused the row, or retries ran out; it will not be sent again."""

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


TargetFactory = Callable[[argparse.Namespace, str, OutcomeSink, ImportSettings], ImportTarget]


@attrs.frozen
class ImportTargetSpec:
    """An API as a target of `trackapis import`.

    Args:
        name: The target's name on the command line (`trackapis import <name> <kind> FILE`).
        help: One line for `--help`.
        kinds: Each kind of row (e.g. `users`) with a description of its fields for `--help`.
        add_arguments: Adds the target's own options (host, limits) to its parser.
        identity: A text naming the target and kind (and host): recorded in the state file, so that
            an import is never resumed into another API or account.
        create: Makes the target for one run; reads credentials from the environment and raises
            `CommandError` when they are missing.
    """

    name: str
    help: str
    kinds: Mapping[str, str]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    identity: Callable[[argparse.Namespace, str], str]
    create: TargetFactory
