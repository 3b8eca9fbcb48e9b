"""pytest hooks for `trackapis.testing.contract.ContractReport`s: the per-operation table after the
run, and a failed session when an operation was fuzzed but never got a 2xx answer."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter

from .contract import reports


def _fuzzed_without_success() -> list[str]:
    # An operation with no example at all was not run (deselected, -x): the table shows it, and
    # `assert_every_operation_succeeded()` fails on it; the session fails only for tried ones.
    return [
        result.label
        for report in reports()
        for result in report.operations.values()
        if result.examples and not result.succeeded
    ]


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    for report in reports():
        if not any(result.examples for result in report.operations.values()):
            continue
        terminalreporter.write_sep("=", "contract: per operation")
        for line in report.table().splitlines():
            terminalreporter.write_line(line)
    failing = _fuzzed_without_success()
    if failing:
        terminalreporter.write_line(
            f"contract: {len(failing)} operation(s) fuzzed without a single 2xx answer: {', '.join(failing)}",
            red=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if session.exitstatus == pytest.ExitCode.OK and _fuzzed_without_success():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
