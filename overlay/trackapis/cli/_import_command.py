"""`trackapis import <target> <kind> FILE`: the command around the resumable importer."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CommandError, CommandGroup, add_group_parser
from ._importer import DEFAULT_DRAIN_TIMEOUT, DEFAULT_WINDOW, ImportSummary, Stop, run_import
from ._journal import JournalError
from ._rows import InputFileError, format_of
from ._targets import ImportSettings, ImportTargetSpec

_GUARANTEE = """\
Resuming: run the same command again. A state file (FILE.import-state) records each row's fate;
rows already delivered, failed or invalid are skipped, so nothing is sent twice. Ctrl-C stops
reading and waits for the rows in flight (a second Ctrl-C stops at once). If the process was
killed, rows that were in flight are listed as "uncertain" (they may have arrived) instead of
being sent again; --resend-uncertain sends them anyway.

Failed rows: every failed, invalid or uncertain row is written to FILE.failed.jsonl (or .csv),
the original record plus _row and _error columns. Fix them and import that file; the importer
ignores _row and _error.

Exit status: 0 every row delivered, 1 some rows failed, 2 bad arguments or files (nothing sent),
130 interrupted (run again to resume).
"""


def _epilog(targets: Sequence[ImportTargetSpec]) -> str:
    lines = ["row fields:"]
    for spec in targets:
        for kind, fields in spec.kinds.items():
            lines.append(f"  {spec.name} {kind}: {fields}")
    lines += [
        "",
        "examples:",
        "  export INTERAKT_API_KEY=<the Secret Key from the Interakt dashboard>",
        "  trackapis import interakt users users.csv",
        "  trackapis import interakt events events.jsonl --rate-limit-per-minute 600",
        "  trackapis import interakt events events.jsonl.failed.jsonl   # after fixing the failed rows",
        "  export SEVEN_SEGMENTS_TOKEN=<the 7SEGMENTS company token>",
        "  trackapis import seven-segments events events.jsonl",
        "",
        "  users.csv:     user_id,phone_number,country_code,name,plan",
        "                 42,9999999999,+91,John Doe,gold",
        '  events.jsonl:  {"user_id": "42", "event": "Order Placed", "traits": {"orderValue": 50}}',
        "",
        _GUARANTEE,
    ]
    return "\n".join(lines)


def import_group(targets: Sequence[ImportTargetSpec]) -> CommandGroup:
    """The `import` command over these targets (one sub-command each)."""

    def register(
        subparsers: argparse._SubParsersAction[argparse.ArgumentParser], group: CommandGroup
    ) -> None:
        parser = add_group_parser(
            subparsers,
            group,
            description="Load a JSON Lines or CSV file of users or events into an API, resumably.",
            epilog=_epilog(targets),
        )
        choices = parser.add_subparsers(dest="import_target", required=True, metavar="TARGET")
        for spec in targets:
            target_parser = choices.add_parser(
                spec.name,
                help=spec.help,
                description=f"Import into {spec.name}: {spec.help}.",
                epilog=_epilog([spec]),
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            target_parser.add_argument("kind", choices=list(spec.kinds), help="what the rows are")
            target_parser.add_argument(
                "file", type=Path, help="a .jsonl or .csv file, one row per user or event"
            )
            _add_import_arguments(target_parser)
            spec.add_arguments(target_parser)
            target_parser.set_defaults(handler=_handler(spec))

    return CommandGroup("import", "load a JSON Lines or CSV file of users or events, resumably", register)


def _add_import_arguments(parser: argparse.ArgumentParser) -> None:
    files = parser.add_argument_group("files")
    files.add_argument(
        "--format", choices=["jsonl", "csv"], help="the file's format (default: from its extension)"
    )
    files.add_argument("--state", type=Path, help="the state file (default FILE.import-state)")
    files.add_argument("--failed", type=Path, help="the failed-rows file (default FILE.failed.jsonl or .csv)")
    delivery = parser.add_argument_group("delivery")
    delivery.add_argument(
        "--rate-limit-per-minute", type=float, help="stay under your plan's request limit (default: none)"
    )
    delivery.add_argument("--max-in-flight", type=int, default=16, help="requests sent at once (default 16)")
    delivery.add_argument(
        "--window",
        type=int,
        default=DEFAULT_WINDOW,
        help=f"rows queued or in flight at most; a killed run leaves at most this many uncertain "
        f"(default {DEFAULT_WINDOW})",
    )
    delivery.add_argument("--max-retries", type=int, default=3, help="retries per row (default 3)")
    delivery.add_argument(
        "--resend-uncertain",
        action="store_true",
        help="send again the rows a killed run left uncertain (they may then arrive twice)",
    )
    delivery.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _handler(spec: ImportTargetSpec) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        return _run(spec, args)

    return handle


def _run(spec: ImportTargetSpec, args: argparse.Namespace) -> int:
    path: Path = args.file
    if args.window < 1 or args.max_in_flight < 1 or args.max_retries < 0:
        raise CommandError("--window and --max-in-flight must be at least 1, --max-retries at least 0")
    try:
        fmt = format_of(path, args.format)
    except InputFileError as error:
        raise CommandError(str(error)) from None
    if not path.is_file():
        raise CommandError(f"{path} does not exist or is not a file")
    state = args.state or path.with_name(path.name + ".import-state")
    failed = args.failed or path.with_name(path.name + f".failed.{fmt}")
    settings = ImportSettings(args.max_in_flight, args.rate_limit_per_minute, args.max_retries)
    stop = Stop()
    with _interruptible(stop):
        try:
            summary = run_import(
                lambda sink: spec.create(args, args.kind, sink, settings),
                path=path,
                fmt=fmt,
                target_identity=spec.identity(args, args.kind),
                state_path=state,
                failed_path=failed,
                window=args.window,
                resend_uncertain=args.resend_uncertain,
                stop=stop,
                drain_timeout=DEFAULT_DRAIN_TIMEOUT,
                progress=not args.no_progress,
            )
        except (InputFileError, JournalError) as error:
            raise CommandError(str(error)) from None
    _print_summary(summary, path, state)
    if summary.interrupted and summary.remaining:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.complete else EXIT_FAILED


def _print_summary(summary: ImportSummary, path: Path, state: Path) -> None:
    parts = [f"{summary.delivered} delivered"]
    for name in ("failed", "invalid", "uncertain"):
        count = getattr(summary, name)
        if count:
            parts.append(f"{count} {name}")
    if summary.remaining:
        parts.append(f"{summary.remaining} not sent yet")
    say = sys.stderr.write
    say(
        f"{path.name}: {summary.rows} rows: {', '.join(parts)} "
        f"({summary.sent_this_run} sent in this run, {summary.retried} retries)\n"
    )
    if summary.failed_rows_file is not None:
        say(f"failed rows, with the reason for each: {summary.failed_rows_file}\n")
    if summary.interrupted and summary.remaining:
        say(f"interrupted: run the same command again to resume (state in {state})\n")


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
