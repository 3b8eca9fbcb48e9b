"""`trackapis import <target> <kind> FILE`: the command around the resumable importer."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CommandError,
    print_json,
    say,
    stderr_console,
    table,
)
from ._importer import DEFAULT_DRAIN_TIMEOUT, DEFAULT_WINDOW, ImportSummary, Stop, run_import
from ._interakt import INTERAKT_IMPORT
from ._journal import JournalError
from ._rows import DEFAULT_ENCODING, FORMATS, InputFileError, check_encoding, format_of
from ._seven_segments import SEVEN_SEGMENTS_IMPORT
from ._targets import ImportSettings, ImportTargetSpec

# One entry per API that can be a target of `trackapis import`.
IMPORT_TARGETS: tuple[ImportTargetSpec, ...] = (INTERAKT_IMPORT, SEVEN_SEGMENTS_IMPORT)

_GUARANTEE = """\
Before sending: the columns are checked against the target's (unknown ones and missing identity
columns stop the import), and the first row goes alone: a key the API refuses (401/403), a wrong
URL or an unreachable server stops the import after one request. Such rows are never recorded as
failed; fix the cause and run the same command again.

Resuming: run the same command again. A state file (FILE.import-state) records each row's fate;
rows already delivered, failed or invalid are skipped, so nothing is sent twice. Ctrl-C stops
reading and waits for the rows in flight (a second Ctrl-C stops at once). If the process was
killed, rows that were in flight are listed as "uncertain" (they may have arrived) instead of
being sent again; --resend-uncertain sends them anyway.

Failed rows: every failed, invalid or uncertain row is written to FILE.failed.jsonl (or .csv),
the original record (CSV: its original cells) plus _row and _error columns. Fix them and import
that file; the importer ignores _row and _error. Rows listed as invalid may also be fixed in
place in FILE: the next run reads them again.

Exit status: 0 every row delivered, 1 some rows failed, 2 bad arguments, files or credentials
(fix and run again), 130 interrupted (run again to resume).
"""


def _epilog(targets: Sequence[ImportTargetSpec]) -> str:
    lines = ["\b", "row fields:"]
    for spec in targets:
        for kind, fields in spec.kinds.items():
            lines.append(f"  {spec.name} {kind}: {fields}")
    lines += [
        "",
        "\b",
        "examples:",
        "  export INTERAKT_API_KEY=<the Secret Key from the Interakt dashboard>",
        "  trackapis import interakt users users.csv",
        "  trackapis import interakt users users.csv --traits-from-extra-columns   # name,plan... as traits",
        "  trackapis import interakt events events.jsonl --rate-limit-per-minute 600",
        "  trackapis import interakt events events.jsonl.failed.jsonl   # after fixing the failed rows",
        "  export SEVEN_SEGMENTS_TOKEN=<the 7SEGMENTS company token>",
        "  trackapis import seven-segments events events.jsonl --json",
        "",
        "\b",
        "  users.csv:     user_id,phone_number,country_code,traits.name,traits.plan",
        "                 42,9999999999,+91,John Doe,gold",
        '  events.jsonl:  {"user_id": "42", "event": "Order Placed", "traits": {"orderValue": 50}}',
        "",
        _GUARANTEE,
    ]
    return "\n".join(lines)


@click.group("import", epilog=_epilog(IMPORT_TARGETS))
def import_commands() -> None:
    """Load a JSON Lines or CSV file of users or events into an API, resumably."""


def _import_command(spec: ImportTargetSpec) -> click.Command:
    def callback(**params: Any) -> None:
        raise click.exceptions.Exit(_run(spec, params))

    params: list[click.Parameter] = [
        click.Argument(["kind"], type=click.Choice(list(spec.kinds))),
        click.Argument(["file"], type=click.Path(path_type=Path, dir_okay=False)),
        click.Option(
            ["--format", "file_format"],
            type=click.Choice(list(FORMATS)),
            help="The file's format (default: from its extension).",
        ),
        click.Option(
            ["--encoding"], default=DEFAULT_ENCODING, show_default=True, help="The file's text encoding."
        ),
        click.Option(
            ["--traits-from-extra-columns"],
            is_flag=True,
            help="Send every column that is not a field as a trait (7SEGMENTS: a property). Without it, "
            "unknown columns stop the import before anything is sent.",
        ),
        click.Option(
            ["--state"],
            type=click.Path(path_type=Path, dir_okay=False),
            help="The state file (default FILE.import-state).",
        ),
        click.Option(
            ["--failed"],
            type=click.Path(path_type=Path, dir_okay=False),
            help="The failed-rows file (default FILE.failed.jsonl or .csv).",
        ),
        click.Option(
            ["--rate-limit-per-minute"],
            type=click.FloatRange(min=0, min_open=True),
            help="Stay under your plan's request limit.",
        ),
        click.Option(
            ["--max-in-flight"],
            type=click.IntRange(min=1),
            default=16,
            show_default=True,
            help="Requests sent at once.",
        ),
        click.Option(
            ["--window"],
            type=click.IntRange(min=1),
            default=DEFAULT_WINDOW,
            show_default=True,
            help="Rows queued or in flight at most; a killed run leaves at most this many uncertain.",
        ),
        click.Option(
            ["--max-retries"],
            type=click.IntRange(min=0),
            default=3,
            show_default=True,
            help="Retries per row.",
        ),
        click.Option(
            ["--resend-uncertain"],
            is_flag=True,
            help="Send again the rows a killed run left uncertain (they may then arrive twice).",
        ),
        click.Option(["--no-progress"], is_flag=True, help="No progress bar on stderr."),
        click.Option(["--json", "as_json"], is_flag=True, help="Print the summary as JSON on stdout."),
        *spec.options(),
    ]
    return click.Command(
        spec.name,
        callback=callback,
        params=params,
        help=f"Import into {spec.name}: {spec.help}.",
        short_help=spec.help,
        epilog=_epilog([spec]),
    )


for _spec in IMPORT_TARGETS:
    import_commands.add_command(_import_command(_spec))


def _run(spec: ImportTargetSpec, params: dict[str, Any]) -> int:
    try:
        return _import(spec, params)
    except CommandError as failure:
        if params["as_json"]:  # scripts reading stdout get an object even when nothing ran
            print_json({"error": failure.message, "exit_status": failure.exit_code, "complete": False})
        raise


def _import(spec: ImportTargetSpec, params: dict[str, Any]) -> int:
    path: Path = params["file"]
    try:
        fmt = format_of(path, params["file_format"])
        encoding = check_encoding(params["encoding"])
    except InputFileError as error:
        raise CommandError(str(error)) from None
    if not path.is_file():
        raise CommandError(f"{path} does not exist or is not a file")
    kind = params["kind"]
    state = params["state"] or path.with_name(path.name + ".import-state")
    failed = params["failed"] or path.with_name(path.name + f".failed.{fmt}")
    settings = ImportSettings(
        params["max_in_flight"],
        params["rate_limit_per_minute"],
        params["max_retries"],
        extra_as_traits=params["traits_from_extra_columns"],
    )
    stop = Stop()
    with _interruptible(stop):
        try:
            summary = run_import(
                lambda sink: spec.create(params, kind, sink, settings),
                path=path,
                fmt=fmt,
                target_identity=spec.identity(params, kind),
                state_path=state,
                failed_path=failed,
                columns=spec.columns.get(kind),
                extra_as_traits=settings.extra_as_traits,
                encoding=encoding,
                window=params["window"],
                resend_uncertain=params["resend_uncertain"],
                stop=stop,
                drain_timeout=DEFAULT_DRAIN_TIMEOUT,
                progress=not params["no_progress"],
            )
        except (InputFileError, JournalError) as error:
            raise CommandError(str(error)) from None
    if params["as_json"] and summary.stopped_because is None:
        print_json(summary.to_json())
    _print_summary(summary, path, state)
    if summary.stopped_because is not None:
        left = summary.run_failed + summary.remaining
        if params["as_json"]:
            print_json(summary.to_json())
            params["as_json"] = False  # printed once, with the counts
        raise CommandError(
            f"the import stopped: {summary.stopped_because}. This is a problem of the run, not of the rows: "
            f"{spec.credentials}, the proxy (HTTPS_PROXY) and the trusted CAs (SSL_CERT_FILE), "
            f"then run the same command again ({left} rows left to send; "
            "none was recorded as failed for this)"
        )
    if summary.interrupted and summary.remaining:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.complete else EXIT_FAILED


def _print_summary(summary: ImportSummary, path: Path, state: Path) -> None:
    console = stderr_console()
    counts = [
        ("delivered", summary.delivered, "green"),
        ("failed", summary.failed, "red"),
        ("invalid", summary.invalid, "red"),
        ("uncertain", summary.uncertain, "yellow"),
        ("to retry (run failed)", summary.run_failed, "yellow"),
        ("not sent yet", summary.remaining, "yellow"),
    ]
    shown = [(name, count, style) for name, count, style in counts if count or name == "delivered"]
    if console.is_terminal:
        rows = [[f"[{style}]{name}[/]", f"[{style}]{count:,}[/]"] for name, count, style in shown]
        rows.append(["rows in the file", f"{summary.rows:,}"])
        rows.append(["sent in this run", f"{summary.sent_this_run:,}"])
        rows.append(["retries", f"{summary.retried:,}"])
        console.print(table(path.name, ["", "rows"], rows))
    else:
        parts = [f"{count} {name}" for name, count, _ in shown]
        say(
            f"{path.name}: {summary.rows} rows: {', '.join(parts)} "
            f"({summary.sent_this_run} sent in this run, {summary.retried} retries)"
        )
    if summary.failed_rows_file is not None:
        say(f"failed rows, with the reason for each: {summary.failed_rows_file}", style="yellow")
    if summary.interrupted and summary.remaining:
        say(f"interrupted: run the same command again to resume (state in {state})", style="yellow")


@contextmanager
def _interruptible(stop: Stop) -> Iterator[None]:
    """Ctrl-C once: finish what is in flight and stop. Twice: stop now. Three times: raise."""
    if not _in_main_thread():
        yield
        return
    presses = 0

    def on_interrupt(signum: int, frame: FrameType | None) -> Any:
        nonlocal presses
        presses += 1
        if presses == 1:
            stop.soon.set()
            sys.stderr.write("\ninterrupted: finishing the rows in flight (Ctrl-C again to stop now)\n")
        elif presses == 2:
            stop.now.set()
            sys.stderr.write("\nstopping now: rows still in flight will be listed as uncertain\n")
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
