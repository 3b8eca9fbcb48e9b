"""The import's state file: an append-only journal of what happened to each row.

One JSON object a line. The first line names the import (input file, its SHA-256, the target);
each further line records one step of one row:

- `submitted`: written (and flushed to the operating system) *before* the row is handed to the
  client, so no request can leave without this line existing first;
- `delivered`: the API accepted it;
- `failed`: the API refused it, or retries ran out (with the reason);
- `invalid`: it never left: the row did not validate (with the reason);
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

State = Literal["submitted", "delivered", "failed", "invalid", "uncertain"]
FINAL_STATES: Final[frozenset[str]] = frozenset({"delivered", "failed", "invalid", "uncertain"})
_VERSION: Final = 1


class JournalError(Exception):
    """The state file cannot be used for this import."""


@attrs.frozen
class Header:
    input: str
    sha256: str
    target: str

    def to_json(self) -> dict[str, Any]:
        return {
            "trackapis_import": _VERSION,
            "input": self.input,
            "sha256": self.sha256,
            "target": self.target,
        }


@attrs.frozen
class Entry:
    state: State
    reason: str | None = None


class Journal:
    """The state file, opened for appending. Thread-safe: outcomes arrive from worker threads."""

    def __init__(self, path: Path, header: Header) -> None:
        self.path = path
        self.header = header
        self.entries: dict[int, Entry] = {}
        self._lock = threading.Lock()
        self._torn = False
        existing = path.exists()
        if existing:
            self._load()
        try:
            self._stream: TextIO = path.open("a", encoding="utf-8")
        except OSError as error:
            raise JournalError(f"cannot write the state file {path}: {error.strerror or error}") from None
        if not existing:
            self._append(header.to_json())
        elif self._torn:
            self._stream.write("\n")  # end the torn line, so that the next line starts clean

    @property
    def resumed(self) -> bool:
        return bool(self.entries)

    def record(self, row: int, state: State, reason: str | None = None) -> None:
        line: dict[str, Any] = {"row": row, "state": state}
        if reason is not None:
            line["reason"] = reason
        with self._lock:
            self.entries[row] = Entry(state, reason)
            self._append(line)

    def rows_in(self, *states: State) -> Iterator[tuple[int, Entry]]:
        with self._lock:
            items = sorted(self.entries.items())
        return ((row, entry) for row, entry in items if entry.state in states)

    def close(self) -> None:
        with self._lock:
            if not self._stream.closed:
                self._stream.close()

    def _append(self, line: dict[str, Any]) -> None:
        if self._stream.closed:  # a late outcome after close: nothing left to record it in
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
        if not isinstance(header, dict) or header.get("trackapis_import") != _VERSION:
            raise JournalError(f"{self.path} is not a trackapis import state file")
        if header.get("target") != self.header.target:
            raise JournalError(
                f"the state file {self.path} belongs to an import into {header.get('target')}, "
                f"not {self.header.target}; pass another --state file"
            )
        if header.get("sha256") != self.header.sha256:
            raise JournalError(
                f"{self.header.input} changed since the import recorded in {self.path} started, so its "
                "rows cannot be matched to what was sent. Restore the file, or import only the rows "
                "not yet sent (delete the state file to start over: rows already sent would be sent again)"
            )
        for number, text in enumerate(lines[1:], start=2):
            try:
                line = json.loads(text)
                row, state = int(line["row"]), line["state"]
            except (ValueError, KeyError, TypeError):
                if number == len(lines):  # torn by a crash mid-write; its row is re-evaluated
                    break
                raise JournalError(f"the state file {self.path} is damaged at line {number}") from None
            self.entries[row] = Entry(state, line.get("reason"))
