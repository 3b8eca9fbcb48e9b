"""The commands and import targets of `trackapis`: one entry per API or feature.

To add an API: append its `CommandGroup` to `COMMAND_GROUPS` (a passthrough to an existing
`main(argv)` is one `passthrough_group(...)` call) and its `ImportTargetSpec` to `IMPORT_TARGETS`.
"""

from __future__ import annotations

from ._attributionio import ATTRIBUTIONIO_COMMANDS
from ._common import CommandGroup
from ._fakes import FAKES_COMMANDS
from ._import_command import import_group
from ._interakt import INTERAKT_COMMANDS, INTERAKT_IMPORT
from ._seven_segments import SEVEN_SEGMENTS_COMMANDS, SEVEN_SEGMENTS_IMPORT
from ._targets import ImportTargetSpec

IMPORT_TARGETS: tuple[ImportTargetSpec, ...] = (INTERAKT_IMPORT, SEVEN_SEGMENTS_IMPORT)

COMMAND_GROUPS: tuple[CommandGroup, ...] = (
    INTERAKT_COMMANDS,
    SEVEN_SEGMENTS_COMMANDS,
    ATTRIBUTIONIO_COMMANDS,
    import_group(IMPORT_TARGETS),
    FAKES_COMMANDS,
)
