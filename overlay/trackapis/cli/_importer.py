"""The resumable import: rows from a file to a target, with a journal, a window, and failed rows.

The guarantee (also in docs/cli.md): across any number of runs over the same file and state
file, no row is sent twice, and every row ends in exactly one of

- delivered;
- failed, invalid or uncertain: listed in the failed-rows file with the reason;
- not yet sent: the next run sends it.

How: a row is journaled `submitted` (and flushed) before it is handed to the client, and
`delivered`/`failed` when its outcome arrives. A run that finds a row `submitted` without an
outcome (the previous run was killed while the row was queued or in flight) cannot know whether
it arrived; it marks it `uncertain` and lists it instead of sending it again (unless
`resend_uncertain`: then it is sent again and may arrive twice). At most `window` rows are
submitted without an outcome at any time, which bounds how many rows a kill can leave uncertain.
Ctrl-C stops reading, waits for the rows in flight, and so leaves none uncertain; a second Ctrl-C
stops at once and leaves the rows still in flight uncertain.

Before anything is sent, the file's columns are checked against the target's, and the rows
already sent are checked to be unchanged (by their digests: the CSV header may be fixed, and rows
not yet sent may be edited). The first row to send goes alone, and the rest only once it is
answered (the preflight): a key the API refuses costs one request. A failure of the run rather
than of a row (401/403, a wrong URL, an unreachable server) stops the import; such rows are
recorded `run_failed`, never `failed`, and the next run sends them again.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TextIO

import attrs

from ._journal import FINAL_STATES, SENT_STATES, Header, Journal, JournalError
from ._progress import Progress, progress_bar
from ._rows import (
    DEFAULT_ENCODING,
    ERROR_COLUMN,
    RESERVED,
    ROW_COLUMN,
    Format,
    InputFileError,
    Row,
    csv_header,
    read_rows,
)
from ._targets import Columns, ImportTarget, OutcomeSink, RowInvalid

# Rows submitted and not settled at most: enough to keep 48 requests in flight with rows queued
# behind them, few enough that a killed run leaves few rows uncertain.
DEFAULT_WINDOW: Final = 100
# How long Ctrl-C waits for the rows in flight before giving up on them.
DEFAULT_DRAIN_TIMEOUT: Final = 30.0
_POLL: Final = 0.1


@attrs.frozen
class ImportSummary:
    """Where every row of the file stands after a run (earlier runs included)."""

    rows: int
    delivered: int
    failed: int
    invalid: int
    uncertain: int
    remaining: int
    sent_this_run: int
    retried: int
    interrupted: bool
    failed_rows_file: Path | None
    # Rows refused because of the run (sent again by the next run), and why the run stopped.
    run_failed: int = 0
    stopped_because: str | None = None

    @property
    def complete(self) -> bool:
        """True when every row was delivered."""
        return self.delivered == self.rows

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "delivered": self.delivered,
            "failed": self.failed,
            "invalid": self.invalid,
            "uncertain": self.uncertain,
            "run_failed": self.run_failed,
            "not_sent": self.remaining,
            "sent_this_run": self.sent_this_run,
            "retried": self.retried,
            "interrupted": self.interrupted,
            "stopped_because": self.stopped_because,
            "failed_rows_file": None if self.failed_rows_file is None else str(self.failed_rows_file),
            "complete": self.complete,
        }


class ColumnsError(InputFileError):
    """The file's columns do not fit the target's (unknown ones, or no identity column)."""


@attrs.define
class Stop:
    """Interruption requests: `soon` finishes what is in flight, `now` gives up on it."""

    soon: threading.Event = attrs.field(factory=threading.Event)
    now: threading.Event = attrs.field(factory=threading.Event)


class _Outcomes:
    """The sink the target reports to: journals outcomes and frees the window."""

    def __init__(self, progress: Progress, window: int) -> None:
        self.journal: Journal | None = None  # set before the first row is submitted
        self.run_error: str | None = None  # the first failure of the run; nothing more is submitted
        self.progress = progress
        self._window = window
        self._cond = threading.Condition()
        self._open = 0

    def delivered(self, row: int) -> None:
        assert self.journal is not None
        self.journal.record(row, "delivered")
        self._settled()

    def failed(self, row: int, reason: str) -> None:
        assert self.journal is not None
        self.journal.record(row, "failed", reason)
        self._settled()

    def run_failed(self, row: int, reason: str) -> None:
        assert self.journal is not None
        self.journal.record(row, "run_failed", reason)
        with self._cond:
            if self.run_error is None:
                self.run_error = reason
            self._open -= 1
            self._cond.notify_all()

    def abandoned(self, row: int, reason: str) -> None:
        # Nothing is recorded: the row stays `submitted`, and the next run marks it uncertain.
        with self._cond:
            self._open -= 1
            self._cond.notify_all()

    def opened(self) -> None:
        with self._cond:
            self._open += 1

    def closed_unsent(self) -> None:
        with self._cond:
            self._open -= 1
            self._cond.notify_all()

    def wait_for_room(self, stop: Stop) -> bool:
        """Block while the window is full; False when asked to stop (or the run failed) meanwhile."""
        with self._cond:
            while self._open >= self._window:
                if stop.soon.is_set() or self.run_error is not None:
                    return False
                self._cond.wait(_POLL)
        return not stop.soon.is_set() and self.run_error is None

    def _settled(self) -> None:
        with self._cond:
            self._open -= 1
            self._cond.notify_all()
        self.progress.advance()


def run_import(
    make_target: Callable[[OutcomeSink], ImportTarget],
    *,
    path: Path,
    fmt: Format,
    target_identity: str,
    state_path: Path,
    failed_path: Path,
    columns: Columns | None = None,
    extra_as_traits: bool = False,
    encoding: str = DEFAULT_ENCODING,
    window: int = DEFAULT_WINDOW,
    resend_uncertain: bool = False,
    stop: Stop | None = None,
    drain_timeout: float = DEFAULT_DRAIN_TIMEOUT,
    progress: bool = True,
    stream: TextIO | None = None,
) -> ImportSummary:
    """Import the rows of `path` that earlier runs did not settle into the target `make_target` makes.

    `make_target(sink)` is called once, first (so missing credentials are told first); the target
    reports each row's outcome to `sink`. Then everything that can refuse the import is checked
    before any request and before the state file is written: the file, its columns against
    `columns`, the state file, and that the rows earlier runs sent are unchanged.

    Raises:
        InputFileError, ColumnsError, JournalError: The file or the state file cannot be used
            (nothing was sent).
    """
    stop = stop or Stop()
    outcomes = _Outcomes(progress_bar(None, enabled=False), window)  # the bar comes after the checks
    target = make_target(outcomes)  # first: missing credentials are told before a long file is read
    try:
        journal = Journal(state_path, Header(str(path.resolve()), target_identity))
        present, rows_total, changed = _scan(path, fmt, encoding, journal)
        if columns is not None:
            noun = "column" if fmt == "csv" else "key"
            problems = columns.problems(present, extra_as_traits=extra_as_traits, noun=noun)
            if problems:
                raise ColumnsError(f"{path.name}: " + "; ".join(problems) + " (nothing was sent)")
        if changed:
            raise JournalError(_changed_message(path, state_path, changed))
        journal.open()
    except BaseException:
        target.close(0.0)
        raise
    bar = progress_bar(rows_total or None, label=path.name, stream=stream, enabled=progress)
    outcomes.progress = bar
    outcomes.journal = journal
    try:
        _settle_leftovers(journal, resend_uncertain)
        again = {"uncertain"} if resend_uncertain else set()
        done_before = sum(1 for entry in journal.entries.values() if entry.state in FINAL_STATES - again)
        bar.set(done_before)
        sent, interrupted = _send_rows(
            target,
            journal=journal,
            outcomes=outcomes,
            rows=read_rows(path, fmt, encoding),
            stop=stop,
            bar=bar,
            resend_uncertain=resend_uncertain,
        )
        interrupted = _drain(target, stop, drain_timeout) or interrupted
        bar.finish()
        retried = target.retried()
    finally:
        journal.close()
    return _summarize(
        journal,
        path=path,
        fmt=fmt,
        encoding=encoding,
        failed_path=failed_path,
        rows_total=rows_total,
        sent=sent,
        retried=retried,
        interrupted=interrupted and outcomes.run_error is None,
        stopped_because=outcomes.run_error,
    )


def _changed_message(path: Path, state_path: Path, changed: list[int]) -> str:
    shown = ", ".join(str(number) for number in changed[:5]) + (" ..." if len(changed) > 5 else "")
    return (
        f"{path.name} changed since the import recorded in {state_path}: line(s) {shown} are not "
        "what was sent then. Rows already sent must stay as they were (the CSV header may be "
        "fixed, and rows not yet sent or listed as invalid may be edited). Restore them, or delete "
        "the state file to start over (rows already sent would then be sent again)"
    )


def _scan(path: Path, fmt: Format, encoding: str, journal: Journal) -> tuple[list[str], int, list[int]]:
    """The columns (CSV: the header; JSON Lines: every key), the row count, and the rows already
    sent whose content changed since."""
    present: dict[str, None] = dict.fromkeys(csv_header(path, encoding)) if fmt == "csv" else {}
    count = 0
    changed = []
    entries = journal.entries
    seen_sent = 0
    for row in read_rows(path, fmt, encoding):
        count += 1
        if fmt == "jsonl" and row.record is not None:
            present.update(dict.fromkeys(row.record))
        entry = entries.get(row.number)
        if entry is not None and entry.state in SENT_STATES:
            seen_sent += 1
            if entry.digest not in (None, row.digest):
                changed.append(row.number)
    sent_rows = sum(1 for entry in entries.values() if entry.state in SENT_STATES)
    if seen_sent < sent_rows:  # rows sent earlier are gone from the file
        numbers = {row.number for row in read_rows(path, fmt, encoding)}
        changed = sorted(
            number
            for number, entry in entries.items()
            if entry.state in SENT_STATES and number not in numbers
        )
    return [name for name in present if name not in RESERVED], count, changed


def _settle_leftovers(journal: Journal, resend_uncertain: bool) -> None:
    if resend_uncertain:
        return
    reason = (
        "the run that sent it was stopped before its answer came back, so it may have arrived; "
        "it was not sent again, to avoid a duplicate (rerun with --resend-uncertain to send it anyway)"
    )
    for row, _ in journal.rows_in("submitted"):
        journal.record(row, "uncertain", reason)


def _send_rows(
    target: ImportTarget,
    *,
    journal: Journal,
    outcomes: _Outcomes,
    rows: Iterator[Row],
    stop: Stop,
    bar: Progress,
    resend_uncertain: bool,
) -> tuple[int, bool]:
    sent = 0
    again = ("submitted", "uncertain") if resend_uncertain else ()
    preflight = True
    for row in rows:
        entry = journal.entries.get(row.number)
        if entry is not None and entry.state in FINAL_STATES | {"submitted"} and entry.state not in again:
            continue
        if row.record is None:
            _invalid(journal, row, row.problem or "cannot be read", entry)
            bar.advance()
            continue
        if not outcomes.wait_for_room(stop):
            return sent, True
        journal.record(row.number, "submitted", digest=row.digest)
        outcomes.opened()
        try:
            target.submit(row.number, row.record)
        except RowInvalid as error:
            _invalid(journal, row, f"line {row.number}: {error}", None)
            outcomes.closed_unsent()
            bar.advance()
            continue
        sent += 1
        if preflight:
            # The first row alone: a refused key or a wrong URL costs one request, not the file.
            preflight = False
            while not target.flush(_POLL):
                if stop.soon.is_set() or outcomes.run_error is not None:
                    break
            if stop.soon.is_set() or outcomes.run_error is not None:
                return sent, True
    return sent, False


def _invalid(journal: Journal, row: Row, reason: str, entry: Any) -> None:
    # An invalid row read again unchanged keeps its one journal line.
    if entry is None or entry.state != "invalid" or entry.reason != reason or entry.digest != row.digest:
        journal.record(row.number, "invalid", reason, digest=row.digest)


def _drain(target: ImportTarget, stop: Stop, drain_timeout: float) -> bool:
    """Wait for the outcomes of the rows in flight; True when that was cut short."""
    deadline = time.monotonic() + drain_timeout if stop.soon.is_set() else None
    cut_short = False
    while not target.flush(_POLL):
        if stop.now.is_set() or (deadline is not None and time.monotonic() > deadline):
            cut_short = True
            break
        if deadline is None and stop.soon.is_set():
            deadline = time.monotonic() + drain_timeout
    target.close(0.0 if cut_short else _POLL)
    return cut_short


def _summarize(
    journal: Journal,
    *,
    path: Path,
    fmt: Format,
    encoding: str,
    failed_path: Path,
    rows_total: int,
    sent: int,
    retried: int,
    interrupted: bool,
    stopped_because: str | None,
) -> ImportSummary:
    counts = dict.fromkeys(("delivered", "failed", "invalid", "uncertain", "run_failed"), 0)
    for entry in journal.entries.values():
        if entry.state in counts:
            counts[entry.state] += 1
    listed = write_failed_rows(journal, path, fmt, failed_path, encoding=encoding)
    settled = sum(counts[state] for state in ("delivered", "failed", "invalid", "uncertain"))
    return ImportSummary(
        rows=rows_total,
        delivered=counts["delivered"],
        failed=counts["failed"],
        invalid=counts["invalid"],
        uncertain=counts["uncertain"],
        remaining=rows_total - settled - counts["run_failed"],
        sent_this_run=sent,
        retried=retried,
        interrupted=interrupted,
        failed_rows_file=failed_path if listed else None,
        run_failed=counts["run_failed"],
        stopped_because=stopped_because,
    )


def write_failed_rows(
    journal: Journal, path: Path, fmt: Format, failed_path: Path, *, encoding: str = DEFAULT_ENCODING
) -> int:
    """Rewrite the failed-rows file from the journal: every failed, invalid or uncertain row.

    Each row is the original record plus `_row` and `_error`, in the input's format: JSON Lines
    keep the record (or the unreadable line as `_line`); CSV rows keep their original cells in
    their places, under the original header, even when there are too many or too few of them.
    The importer ignores `_row`, `_error` and `_line`, so a corrected file can be imported as it
    is. Rows refused because of the run are not listed: the next run sends them. Returns the
    number of rows.
    """
    reasons = {
        row: entry.reason or entry.state for row, entry in journal.rows_in("failed", "invalid", "uncertain")
    }
    if not reasons:
        failed_path.unlink(missing_ok=True)  # derived from the journal: a stale one would mislead
        return 0
    temporary = failed_path.with_name(failed_path.name + ".tmp")
    rows = [row for row in read_rows(path, fmt, encoding) if row.number in reasons]
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        if fmt == "jsonl":
            for row in rows:
                stream.write(json.dumps(_jsonl_failed(row, reasons[row.number]), ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(stream)
            full = csv_header(path, encoding)
            drop = {index for index, name in enumerate(full) if name in (ROW_COLUMN, ERROR_COLUMN)}
            writer.writerow([ROW_COLUMN, ERROR_COLUMN, *(n for i, n in enumerate(full) if i not in drop)])
            for row in rows:
                cells = [cell for index, cell in enumerate(row.cells) if index not in drop]
                writer.writerow([row.number, reasons[row.number], *cells])
    os.replace(temporary, failed_path)
    return len(rows)


def _jsonl_failed(row: Row, reason: str) -> dict[str, Any]:
    record: dict[str, Any] = {ROW_COLUMN: row.number, ERROR_COLUMN: reason}
    if row.record is not None:
        record.update(row.record)
    else:
        record["_line"] = row.raw
    return record
