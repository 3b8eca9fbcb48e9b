"""The import's state file: an append-only journal of what happened to each row.

One JSON object a line. The first line names the import (input file, target); each further line
records one step of one row (rows are named by the line they start on):

- `submitted`: written (and flushed to the operating system) *before* the row is handed to the
  client, so no request can leave without this line existing first; it carries the row's
  `digest` (a hash of its cells or line), so that a rerun can check the row is still the same;
- `delivered`: the API accepted it;
- `failed`: the API refused the row itself, or retries ran out (with the reason): final;
- `run_failed`: refused because of the run, not the row (credentials refused, unknown URL, server
  unreachable, queue full): the request was not processed, and the next run sends the row again;
- `invalid`: it never left: the row did not parse or validate (with the reason and `digest`); the
  next run reads it again, so a row fixed in place is sent then;
- `uncertain`: a later run found it `submitted` with no outcome (the run before was killed while
  it was queued or in flight), so it may or may not have arrived; not sent again unless asked.

A row's state is its last line. A torn last line (the process died mid-write) is ignored. The
writes are flushed, not fsynced: the journal survives the process dying, not the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal, TextIO

import attrs

State = Literal["submitted", "delivered", "failed", "run_failed", "invalid", "uncertain"]
# Rows no later run sends again (unless --resend-uncertain).
FINAL_STATES: Final[frozenset[str]] = frozenset({"delivered", "failed", "uncertain"})
# Rows that left at least once: the file must still hold them as they were.
SENT_STATES: Final[frozenset[str]] = frozenset({"submitted", "delivered", "failed", "uncertain"})
_VERSION: Final = 2


class JournalError(Exception):
    """The state file cannot be used for this import."""


@attrs.frozen
class Header:
    input: str
    target: str

    def to_json(self) -> dict[str, Any]:
        return {"trackapis_import": _VERSION, "input": self.input, "target": self.target}


@attrs.frozen
class Entry:
    state: State
    reason: str | None = None
    digest: str | None = None


class Journal:
    """The state file, opened for appending. Thread-safe: outcomes arrive from worker threads."""

    def __init__(self, path: Path, header: Header) -> None:
        self.path = path
        self.header = header
        self.entries: dict[int, Entry] = {}
        self._lock = threading.Lock()
        self._torn = False
        self._existing = path.exists()
        if self._existing:
            self._load()
        self._stream: TextIO | None = None

    def open(self) -> None:
        """Open for appending (creating the file): call once the import is known to go ahead."""
        existing = self._existing
        try:
            stream = self.path.open("a", encoding="utf-8")
        except OSError as error:
            raise JournalError(
                f"cannot write the state file {self.path}: {error.strerror or error}"
            ) from None
        self._stream = stream
        if not existing:
            self._append(self.header.to_json())
        elif self._torn:
            stream.write("\n")  # end the torn line, so that the next line starts clean

    def record(self, row: int, state: State, reason: str | None = None, digest: str | None = None) -> None:
        line: dict[str, Any] = {"row": row, "state": state}
        if reason is not None:
            line["reason"] = reason
        with self._lock:
            previous = self.entries.get(row)
            if digest is None and previous is not None:
                digest = previous.digest  # an outcome keeps the digest of its `submitted` line
            elif digest is not None:
                line["digest"] = digest
            self.entries[row] = Entry(state, reason, digest)
            self._append(line)

    def rows_in(self, *states: State) -> Iterator[tuple[int, Entry]]:
        with self._lock:
            items = sorted(self.entries.items())
        return ((row, entry) for row, entry in items if entry.state in states)

    def close(self) -> None:
        with self._lock:
            if self._stream is not None and not self._stream.closed:
                self._stream.close()

    def _append(self, line: dict[str, Any]) -> None:
        # A late outcome after close: nothing left to record it in.
        if self._stream is None or self._stream.closed:
            return
        self._stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._stream.flush()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
            lines = text.splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise JournalError(f"cannot read the state file {self.path}: {error}") from None
        self._torn = not text.endswith("\n")
        if not lines:
            raise JournalError(f"the state file {self.path} is empty; delete it to start the import over")
        try:
            header = json.loads(lines[0])
        except ValueError:
            header = None
        if isinstance(header, dict) and header.get("trackapis_import") == 1:
            raise JournalError(
                f"{self.path} was written by an earlier trackapis, which numbered rows differently; "
                "finish that import with the version that started it, or delete the state file to start over"
            )
        if not isinstance(header, dict) or header.get("trackapis_import") != _VERSION:
            raise JournalError(f"{self.path} is not a trackapis import state file")
        if header.get("target") != self.header.target:
            raise JournalError(
                f"the state file {self.path} belongs to an import into {header.get('target')}, "
                f"not {self.header.target}; pass another --state file"
            )
        for number, text in enumerate(lines[1:], start=2):
            try:
                line = json.loads(text)
                row, state = int(line["row"]), line["state"]
            except (ValueError, KeyError, TypeError):
                if number == len(lines):  # torn by a crash mid-write; its row is re-evaluated
                    break
                raise JournalError(f"the state file {self.path} is damaged at line {number}") from None
            previous = self.entries.get(row)
            digest = line.get("digest") or (previous.digest if previous is not None else None)
            self.entries[row] = Entry(state, line.get("reason"), digest)
