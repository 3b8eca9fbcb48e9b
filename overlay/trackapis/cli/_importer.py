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
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TextIO

import attrs

from .._progress import ProgressBar
from ._journal import FINAL_STATES, Header, Journal
from ._rows import ERROR_COLUMN, ROW_COLUMN, Format, Row, fingerprint, location, read_rows
from ._targets import ImportTarget, OutcomeSink, RowInvalid

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

    @property
    def complete(self) -> bool:
        """True when every row was delivered."""
        return self.delivered == self.rows


@attrs.define
class Stop:
    """Interruption requests: `soon` finishes what is in flight, `now` gives up on it."""

    soon: threading.Event = attrs.field(factory=threading.Event)
    now: threading.Event = attrs.field(factory=threading.Event)


class _Outcomes:
    """The sink the target reports to: journals outcomes and frees the window."""

    def __init__(self, progress: ProgressBar, window: int) -> None:
        self.journal: Journal | None = None  # set before the first row is submitted
        self._progress = progress
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
        """Block while the window is full; False when asked to stop meanwhile."""
        with self._cond:
            while self._open >= self._window:
                if stop.soon.is_set():
                    return False
                self._cond.wait(_POLL)
        return not stop.soon.is_set()

    def _settled(self) -> None:
        with self._cond:
            self._open -= 1
            self._cond.notify_all()
        self._progress.advance()


def run_import(
    make_target: Callable[[OutcomeSink], ImportTarget],
    *,
    path: Path,
    fmt: Format,
    target_identity: str,
    state_path: Path,
    failed_path: Path,
    window: int = DEFAULT_WINDOW,
    resend_uncertain: bool = False,
    stop: Stop | None = None,
    drain_timeout: float = DEFAULT_DRAIN_TIMEOUT,
    progress: bool = True,
    stream: TextIO | None = None,
) -> ImportSummary:
    """Import the rows of `path` that earlier runs did not settle into the target `make_target` makes.

    `make_target(sink)` is called once, before anything is read or written (so missing
    credentials fail first); the target reports each row's outcome to `sink`.

    Raises:
        InputFileError, JournalError: The file or the state file cannot be used (nothing was sent).
    """
    stop = stop or Stop()
    bar = ProgressBar(None, label=path.name, stream=stream, enabled=progress)
    outcomes = _Outcomes(bar, window)
    target = make_target(outcomes)
    try:
        header = Header(str(path.resolve()), fingerprint(path), target_identity)
        rows_total = sum(1 for _ in read_rows(path, fmt))
        journal = Journal(state_path, header)
    except BaseException:
        target.close(0.0)
        raise
    outcomes.journal = journal
    try:
        _settle_leftovers(journal, resend_uncertain)
        again = {"uncertain"} if resend_uncertain else set()
        done_before = sum(1 for entry in journal.entries.values() if entry.state in FINAL_STATES - again)
        bar.total = rows_total or None
        bar.set(done_before)
        sent, interrupted = _send_rows(
            target,
            journal=journal,
            outcomes=outcomes,
            path=path,
            fmt=fmt,
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
        failed_path=failed_path,
        rows_total=rows_total,
        sent=sent,
        retried=retried,
        interrupted=interrupted,
    )


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
    path: Path,
    fmt: Format,
    stop: Stop,
    bar: ProgressBar,
    resend_uncertain: bool,
) -> tuple[int, bool]:
    sent = 0
    again = ("submitted", "uncertain") if resend_uncertain else ()
    for row in read_rows(path, fmt):
        entry = journal.entries.get(row.number)
        if entry is not None and entry.state not in again:
            continue
        if row.record is None:
            journal.record(row.number, "invalid", f"{location(fmt, row.number)}: {row.problem}")
            bar.advance()
            continue
        if not outcomes.wait_for_room(stop):
            return sent, True
        journal.record(row.number, "submitted")
        outcomes.opened()
        try:
            target.submit(row.number, row.record)
        except RowInvalid as error:
            journal.record(row.number, "invalid", f"{location(fmt, row.number)}: {error}")
            outcomes.closed_unsent()
            bar.advance()
            continue
        sent += 1
    return sent, False


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
    failed_path: Path,
    rows_total: int,
    sent: int,
    retried: int,
    interrupted: bool,
) -> ImportSummary:
    counts = dict.fromkeys(("delivered", "failed", "invalid", "uncertain"), 0)
    for entry in journal.entries.values():
        if entry.state in counts:
            counts[entry.state] += 1
    listed = write_failed_rows(journal, path, fmt, failed_path)
    settled = sum(counts.values())
    return ImportSummary(
        rows=rows_total,
        delivered=counts["delivered"],
        failed=counts["failed"],
        invalid=counts["invalid"],
        uncertain=counts["uncertain"],
        remaining=rows_total - settled,
        sent_this_run=sent,
        retried=retried,
        interrupted=interrupted,
        failed_rows_file=failed_path if listed else None,
    )


def write_failed_rows(journal: Journal, path: Path, fmt: Format, failed_path: Path) -> int:
    """Rewrite the failed-rows file from the journal: every failed, invalid or uncertain row.

    Each row is the original record plus `_row` and `_error`, in the input's format; the importer
    ignores those two, so a corrected file can be imported as it is. Returns the number of rows.
    """
    reasons = {
        row: entry.reason or entry.state for row, entry in journal.rows_in("failed", "invalid", "uncertain")
    }
    if not reasons:
        failed_path.unlink(missing_ok=True)  # derived from the journal: a stale one would mislead
        return 0
    temporary = failed_path.with_name(failed_path.name + ".tmp")
    rows = [row for row in read_rows(path, fmt) if row.number in reasons]
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        if fmt == "jsonl":
            for row in rows:
                stream.write(json.dumps(_jsonl_failed(row, reasons[row.number]), ensure_ascii=False) + "\n")
        else:
            _write_csv_failed(stream, rows, reasons)
    os.replace(temporary, failed_path)
    return len(rows)


def _jsonl_failed(row: Row, reason: str) -> dict[str, Any]:
    record: dict[str, Any] = {ROW_COLUMN: row.number, ERROR_COLUMN: reason}
    if row.record is not None:
        record.update(row.record)
    else:
        record["_line"] = row.raw
    return record


def _write_csv_failed(stream: TextIO, rows: list[Row], reasons: Mapping[int, str]) -> None:
    columns: dict[str, None] = {ROW_COLUMN: None, ERROR_COLUMN: None}
    for row in rows:
        columns.update(dict.fromkeys(row.record or {}))
    writer = csv.DictWriter(stream, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow({ROW_COLUMN: row.number, ERROR_COLUMN: reasons[row.number], **(row.record or {})})
