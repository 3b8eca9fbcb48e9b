"""The `trackapis` command: one-off calls, resumable bulk import, and the fakes.

Run `trackapis --help`, or call `main(["import", "interakt", "users", "users.csv"])` from Python.
The pieces an API plugs in with (see `_registry.py`): a `CommandGroup` for its commands, an
`ImportTargetSpec` for `trackapis import`.
"""

from ._common import CommandError, CommandGroup
from ._importer import ImportSummary, Stop, run_import
from ._main import build_parser, main
from ._passthrough import passthrough_group
from ._registry import COMMAND_GROUPS, IMPORT_TARGETS
from ._targets import ImportSettings, ImportTarget, ImportTargetSpec, OutcomeSink, RowInvalid

__all__ = [
    "COMMAND_GROUPS",
    "IMPORT_TARGETS",
    "CommandError",
    "CommandGroup",
    "ImportSettings",
    "ImportSummary",
    "ImportTarget",
    "ImportTargetSpec",
    "OutcomeSink",
    "RowInvalid",
    "Stop",
    "build_parser",
    "main",
    "passthrough_group",
    "run_import",
]
