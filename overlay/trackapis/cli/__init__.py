"""The `trackapis` command: one-off calls, resumable bulk import, and the fakes.

Run `trackapis --help`, or call `main(["import", "interakt", "users", "users.csv"])` from Python.
The command needs the `cli` extra (click and rich): `pip install 'trackapis[cli]'`; without it,
`main()` says so and returns 2. An API plugs in with a click group (a `LazyCommand` in
`_registry.COMMAND_GROUPS`) and an `ImportTargetSpec` for `trackapis import`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._importer import ImportSummary, Stop, run_import
    from ._targets import Columns, ImportSettings, ImportTarget, ImportTargetSpec, OutcomeSink, RowInvalid

MISSING_EXTRA = (
    "trackapis: the command needs the cli extra ({name} is not installed): pip install 'trackapis[cli]'\n"
)

# What `from trackapis.cli import X` finds, imported on first use (they need click).
_LAZY = {
    "ImportSummary": "._importer",
    "Stop": "._importer",
    "run_import": "._importer",
    "Columns": "._targets",
    "ImportSettings": "._targets",
    "ImportTarget": "._targets",
    "ImportTargetSpec": "._targets",
    "OutcomeSink": "._targets",
    "RowInvalid": "._targets",
    "app": "._app",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run `trackapis` with `argv` (default: the process's arguments); returns the exit status."""
    try:
        from ._app import run
    except ImportError as error:
        if error.name not in ("click", "rich"):
            raise
        sys.stderr.write(MISSING_EXTRA.format(name=error.name))
        return 2
    return run(argv)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module, __name__), name)


__all__ = [
    "Columns",
    "ImportSettings",
    "ImportSummary",
    "ImportTarget",
    "ImportTargetSpec",
    "OutcomeSink",
    "RowInvalid",
    "Stop",
    "app",
    "main",
    "run_import",
]
