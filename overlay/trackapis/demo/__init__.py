"""The demo: a realistic workload through the clients into the fakes, with faults, then checks.

`scripts/demo` (or `python -m trackapis.demo`) runs it; `--tour` calls every generated operation
once instead. Each API contributes a `DemoSection` to `SECTIONS`.
"""

from ._run import SECTIONS, DemoOptions, format_table, main, run
from ._section import DemoSection, FaultSchedule, SectionReport

__all__ = [
    "SECTIONS",
    "DemoOptions",
    "DemoSection",
    "FaultSchedule",
    "SectionReport",
    "format_table",
    "main",
    "run",
]
