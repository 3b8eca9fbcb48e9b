"""Reading import files: JSON Lines or CSV, one record per row, each with its location in the file."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal

import attrs

Format = Literal["jsonl", "csv"]
FORMATS: Final[tuple[Format, ...]] = ("jsonl", "csv")
_EXTENSIONS: Final[dict[str, Format]] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# Columns (keys) the failed-rows file adds to each record; the importer ignores them, so a fixed
# failed-rows file can be imported as it is.
ROW_COLUMN: Final = "_row"
ERROR_COLUMN: Final = "_error"
RESERVED: Final = frozenset({ROW_COLUMN, ERROR_COLUMN})


class InputFileError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, no header...)."""


@attrs.frozen
class Row:
    """One record of the file.

    Args:
        number: The row's number: the line for JSON Lines, the spreadsheet row for CSV (the
            header is row 1). Stable across runs, so the import state refers to rows by it.
        record: The parsed record, or None when the row could not be parsed.
        problem: Why the row could not be parsed.
        raw: The row's text, kept for rows that could not be parsed.
    """

    number: int
    record: dict[str, Any] | None
    problem: str | None = None
    raw: str = ""


def format_of(path: Path, given: str | None) -> Format:
    if given is not None:
        if given not in FORMATS:
            raise InputFileError(f"--format must be one of {', '.join(FORMATS)}, not {given!r}")
        return given
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputFileError(
            f"cannot tell the format of {path.name} from its extension: "
            "name it .jsonl or .csv, or pass --format jsonl|csv"
        )
    return found


def fingerprint(path: Path) -> str:
    """The file's SHA-256, to refuse resuming an import over a file that changed."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror or error}") from None
    return digest.hexdigest()


def read_rows(path: Path, fmt: Format) -> Iterator[Row]:
    """The rows of the file, in order. Rows that cannot be parsed come with a `problem`."""
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror or error}") from None
    with stream:
        try:
            yield from (_jsonl_rows(stream) if fmt == "jsonl" else _csv_rows(stream, path))
        except UnicodeDecodeError as error:
            raise InputFileError(f"{path.name} is not UTF-8 text ({error.reason})") from None
        except csv.Error as error:
            raise InputFileError(f"{path.name} is not valid CSV: {error}") from None


def _jsonl_rows(lines: Iterator[str]) -> Iterator[Row]:
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            value = json.loads(text)
        except ValueError as error:
            yield Row(number, None, f"not valid JSON ({error})", text)
            continue
        if not isinstance(value, dict):
            yield Row(number, None, f"expected a JSON object, found {type(value).__name__}", text)
            continue
        yield Row(number, {k: v for k, v in value.items() if k not in RESERVED})


def _csv_rows(stream: Iterator[str], path: Path) -> Iterator[Row]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if not header:
        raise InputFileError(f"{path.name} is empty: a CSV import needs a header row naming the columns")
    blank = [index + 1 for index, name in enumerate(header) if not name.strip()]
    if blank:
        raise InputFileError(f"{path.name}: header column {blank[0]} has no name")
    for number, values in enumerate(reader, start=2):
        if None in values:  # more cells than the header has columns
            yield Row(number, None, f"{len(header) + len(values[None])} cells, the header has {len(header)}")
            continue
        # Empty cells mean "no value": CSV cannot tell an empty string from a missing one.
        record = {
            key.strip(): value
            for key, value in values.items()
            if value not in (None, "") and key.strip() not in RESERVED
        }
        yield Row(number, record)


def location(fmt: Format, number: int) -> str:
    """How a person finds the row: `line 12` in JSON Lines, `row 12` in a spreadsheet."""
    return f"line {number}" if fmt == "jsonl" else f"row {number}"
