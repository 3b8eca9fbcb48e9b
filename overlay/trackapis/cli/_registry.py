"""The commands and import targets of `trackapis`: one entry per API or feature.

To add an API: append its click group to `COMMAND_GROUPS` and its `ImportTargetSpec` to
`IMPORT_TARGETS` (in `_import_command.py`).
"""

from __future__ import annotations

import click

from ._attributionio import attributionio_commands
from ._fakes import fakes_commands
from ._import_command import IMPORT_TARGETS, import_commands
from ._interakt import interakt_commands
from ._seven_segments import seven_segments_commands

COMMAND_GROUPS: tuple[click.Command, ...] = (
    interakt_commands,
    seven_segments_commands,
    attributionio_commands,
    import_commands,
    fakes_commands,
)

__all__ = ["COMMAND_GROUPS", "IMPORT_TARGETS"]
