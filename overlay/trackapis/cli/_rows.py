"""Reading import files: JSON Lines or CSV, one record per row, each with the line it starts on.

The reader never lets one bad row swallow others. Each physical line is decoded on its own, so an
undecodable byte costs that line only. A CSV quote that opens a field spanning lines is accepted
only while the lines it takes in do not look like rows of their own: a stray `"` therefore ends as
an error on its line, and reading goes on at the next line, instead of merging the rows after it
into one cell. A row with more or fewer cells than the header is an error with its cells kept, so
the failed-rows file can carry it for a fix and a re-import.
"""

from __future__ import annotations

import codecs
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
RESERVED: Final = frozenset({ROW_COLUMN, ERROR_COLUMN, "_line"})
DEFAULT_ENCODING: Final = "utf-8"
# A quoted CSV cell may span lines (an address, a note); past this many it is taken for a stray quote.
_MAX_RECORD_LINES: Final = 1000


class InputFileError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, no header...)."""


@attrs.frozen
class Row:
    """One row of the file.

    Args:
        number: The line the row starts on (the CSV header is line 1). Stable across runs, so the
            import state refers to rows by it.
        record: The parsed record, or None when the row could not be parsed.
        problem: Why the row could not be parsed (with its line).
        cells: CSV: the row's cells as read (also for a row that could not be parsed), to write the
            row back into the failed-rows file.
        raw: JSON Lines: the line's text.
        digest: A short hash of the row's content (its cells, or its line), independent of the CSV
            header: a rerun checks that the rows already sent are still the same.
    """

    number: int
    record: dict[str, Any] | None
    problem: str | None = None
    cells: tuple[str, ...] = ()
    raw: str = ""
    digest: str = ""


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


def check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputFileError(f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def csv_header(path: Path, encoding: str = DEFAULT_ENCODING) -> list[str]:
    """The CSV file's column names, checked (named, unique).

    Raises:
        InputFileError: No header, an unnamed or repeated column, or a header that is not text.
    """
    with _open(path) as stream:
        for _number, text, problem in _lines(stream, path, encoding):
            if problem is not None:
                raise InputFileError(f"{path.name}: the header (line 1) {problem}")
            if not text.strip():
                break
            if _open_quote([text]):
                raise InputFileError(f"{path.name}: the header (line 1) has a quote that is never closed")
            try:
                header = next(csv.reader([text], strict=True))
            except csv.Error as error:
                raise InputFileError(f"{path.name}: the header (line 1) is not valid CSV: {error}") from None
            return _checked_header(path, [name.strip() for name in header])
    raise InputFileError(f"{path.name} is empty: a CSV import needs a header row naming the columns")


def _checked_header(path: Path, header: list[str]) -> list[str]:
    blank = [index + 1 for index, name in enumerate(header) if not name]
    if blank:
        raise InputFileError(f"{path.name}: header column {blank[0]} has no name")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputFileError(f"{path.name}: the header names column {name!r} twice")
        seen.add(name)
    return header


def read_rows(path: Path, fmt: Format, encoding: str = DEFAULT_ENCODING) -> Iterator[Row]:
    """The rows of the file, in order. Rows that cannot be parsed come with a `problem`.

    Raises:
        InputFileError: The file cannot be read, or (CSV) its header is unusable.
    """
    header = csv_header(path, encoding) if fmt == "csv" else []
    with _open(path) as stream:
        lines = _lines(stream, path, encoding)
        yield from (_csv_rows(lines, header) if fmt == "csv" else _jsonl_rows(lines))


def _open(path: Path) -> Any:
    try:
        return path.open("rb")
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror or error}") from None


def _lines(stream: Any, path: Path, encoding: str) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, problem) for each physical line; undecodable bytes become U+FFFD."""
    try:
        utf8 = encoding.replace("-", "").lower() == "utf8"
        for number, line in enumerate(stream, start=1):
            data = (
                line[len(codecs.BOM_UTF8) :]
                if number == 1 and utf8 and line.startswith(codecs.BOM_UTF8)
                else line
            )
            try:
                yield number, data.decode(encoding), None
            except UnicodeDecodeError as error:
                hint = (
                    "; if the whole file is in another encoding, pass --encoding (e.g. cp1252)"
                    if utf8
                    else ""
                )
                byte = f"byte 0x{data[error.start]:02x} at column {error.start + 1}"
                problem = f"is not {encoding} text ({byte}{hint})"
                yield number, data.decode(encoding, "replace"), problem
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror or error}") from None


def _jsonl_rows(lines: Iterator[tuple[int, str, str | None]]) -> Iterator[Row]:
    for number, line, undecodable in lines:
        text = line.strip()
        if not text:
            continue
        digest = _digest(text)
        if undecodable is not None:
            yield Row(number, None, f"line {number} {undecodable}", raw=text, digest=digest)
            continue
        try:
            value = json.loads(text)
        except ValueError as error:
            yield Row(number, None, f"line {number}: not valid JSON ({error})", raw=text, digest=digest)
            continue
        if not isinstance(value, dict):
            problem = f"line {number}: expected a JSON object, found {type(value).__name__}"
            yield Row(number, None, problem, raw=text, digest=digest)
            continue
        record = {k: v for k, v in value.items() if k not in RESERVED}
        yield Row(number, record, raw=text, digest=digest)


def _csv_rows(lines: Iterator[tuple[int, str, str | None]], header: list[str]) -> Iterator[Row]:
    pending: list[tuple[int, str, str | None]] = []  # a look-ahead line, put back after a bad record
    source = iter(lines)
    next(source, None)  # the header, read by csv_header

    def take() -> tuple[int, str, str | None] | None:
        return pending.pop() if pending else next(source, None)

    while (line := take()) is not None:
        number, text, undecodable = line
        if undecodable is not None:
            cells = _lenient_cells(text)
            yield Row(number, None, f"line {number} {undecodable}", cells=cells, digest=_cells_digest(cells))
            continue
        if not text.strip():
            continue
        record_lines = [text]
        problem = None
        if '"' not in text:  # the common case: no quoting, so the cells are the commas' pieces
            cells = tuple(text.rstrip("\r\n").split(","))
            yield _csv_row(number, cells, header)
            continue
        if _open_quote(record_lines):  # a quoted cell that goes on past this line, or a stray quote
            while True:
                following = take()
                if following is None:
                    problem = f"line {number}: a quote opened on this line is never closed"
                    break
                if (
                    following[2] is not None
                    or _looks_like_a_row(following[1], len(header))
                    or len(record_lines) >= _MAX_RECORD_LINES
                ):
                    pending.append(following)
                    problem = (
                        f"line {number}: a quote opened on this line is not closed before the next row "
                        f"(line {following[0]}); quote the cell or remove the stray quote"
                    )
                    break
                record_lines.append(following[1])
                if not _open_quote(record_lines):
                    break
        if problem is not None:
            cells = _lenient_cells(text)
            yield Row(number, None, problem, cells=cells, digest=_cells_digest(cells))
            continue
        try:
            cells = tuple(next(csv.reader(record_lines, strict=True)))
        except csv.Error as error:
            cells = _lenient_cells("".join(record_lines))
            yield Row(
                number,
                None,
                f"line {number}: not valid CSV ({error})",
                cells=cells,
                digest=_cells_digest(cells),
            )
            continue
        yield _csv_row(number, cells, header)


def _csv_row(number: int, cells: tuple[str, ...], header: list[str]) -> Row:
    digest = _cells_digest(cells)
    if len(cells) != len(header):
        problem = f"line {number}: {len(cells)} cells, the header has {len(header)}"
        return Row(number, None, problem, cells=cells, digest=digest)
    # Empty cells mean "no value": CSV cannot tell an empty string from a missing one.
    record = {
        name: value for name, value in zip(header, cells, strict=True) if value != "" and name not in RESERVED
    }
    return Row(number, record, cells=cells, digest=digest)


def _open_quote(lines: list[str]) -> bool:
    """True when the lines end inside a quoted cell, as the csv module reads them (a quote in the
    middle of an unquoted cell, like 32" screen, is a character, not an opening)."""
    try:
        for _ in csv.reader(lines, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _looks_like_a_row(text: str, columns: int) -> bool:
    """A line that parses alone into a full row: a quote taking it into the cell above is stray."""
    if not text.strip() or _open_quote([text]):
        return False
    try:
        return len(next(csv.reader([text], strict=True))) == columns
    except csv.Error:
        return False


def _lenient_cells(text: str) -> tuple[str, ...]:
    try:
        return tuple(cell for row in csv.reader([text.rstrip("\r\n")]) for cell in row)
    except csv.Error:
        return (text.rstrip("\r\n"),)


def _cells_digest(cells: tuple[str, ...]) -> str:
    # The count, then the cells NUL-separated: cheaper than JSON, and as telling for a change check.
    return _digest(f"{len(cells)}\0" + "\0".join(cells))
