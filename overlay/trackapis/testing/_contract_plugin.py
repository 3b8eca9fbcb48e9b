"""pytest hooks printing each contract report's per-operation table after the run."""

from __future__ import annotations

from _pytest.terminal import TerminalReporter

from .contract import reports


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    for report in reports():
        if not any(result.examples for result in report.operations.values()):
            continue
        terminalreporter.write_sep("=", "contract: per operation")
        for line in report.table().splitlines():
            terminalreporter.write_line(line)
