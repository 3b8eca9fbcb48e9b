"""Progress on stderr for the demo and the `trackapis` command: `progress_bar(...)`.

On a terminal, with rich installed (the `cli` extra), a rich progress bar with the rate and the
time left; on a terminal without rich, one line redrawn in place; anywhere else (CI logs, a file)
a plain line at every tenth of the way, so logs stay readable. `ProgressBar` is the stdlib one.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Final, Protocol, TextIO

# Redraws a second on a terminal: enough to look alive, little enough to cost nothing.
_REDRAW_INTERVAL: Final = 0.1
_WIDTH: Final = 30
_CLEAR_TO_END: Final = "\x1b[K"  # a shorter line must not leave the end of a longer one behind


class Progress(Protocol):
    """What the demo and the importer drive. Thread-safe."""

    total: int | None

    def advance(self, count: int = 1, *, status: str | None = None) -> None: ...

    def set(self, done: int, *, status: str | None = None) -> None: ...

    def finish(self) -> None: ...


def progress_bar(
    total: int | None, *, label: str = "", stream: TextIO | None = None, enabled: bool = True
) -> Progress:
    """A rich bar on a terminal when rich is installed, else a `ProgressBar`."""
    out = stream if stream is not None else sys.stderr
    if enabled and _isatty(out):
        try:
            return RichProgressBar(total, label=label, stream=out)
        except ImportError:
            pass
    return ProgressBar(total, label=label, stream=out, enabled=enabled)


class RichProgressBar:
    """A rich progress bar (count, rate, time left) on a terminal. Needs the `cli` extra."""

    def __init__(self, total: int | None, *, label: str = "", stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Rich

        self.total = total or None
        self._rich: Any = Rich(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[status]}"),
            console=Console(file=stream),
            refresh_per_second=1 / _REDRAW_INTERVAL,
        )
        self._task = self._rich.add_task(label, total=self.total, rate="", status="")
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._done = 0
        self._rich.start()

    def advance(self, count: int = 1, *, status: str | None = None) -> None:
        with self._lock:
            self._update(self._done + count, status)

    def set(self, done: int, *, status: str | None = None) -> None:
        with self._lock:
            self._update(done, status)

    def _update(self, done: int, status: str | None) -> None:
        self._done = done
        rate = done / max(time.monotonic() - self._started, 1e-9)
        fields: dict[str, Any] = {"rate": f"{rate:,.0f}/s"}
        if status is not None:
            fields["status"] = status
        self._rich.update(self._task, completed=done, total=self.total, **fields)

    def finish(self) -> None:
        with self._lock:
            self._rich.update(self._task, completed=self._done, total=self.total)
            self._rich.stop()


class ProgressBar:
    """Shows `done / total` with a rate and a short status text. Thread-safe.

    Args:
        total: How many items there are (0 or None: unknown, the bar shows a count only).
        label: A word or two in front of the bar.
        stream: Where to write (default stderr).
        enabled: False turns the bar off entirely.
    """

    def __init__(
        self,
        total: int | None,
        *,
        label: str = "",
        stream: TextIO | None = None,
        enabled: bool = True,
    ) -> None:
        self.total = total or None
        self.label = label
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = enabled
        self._tty = enabled and _isatty(self._stream)
        self._lock = threading.Lock()
        self._done = 0
        self._status = ""
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._last_tenth = -1

    def advance(self, count: int = 1, *, status: str | None = None) -> None:
        """Count `count` more items done (and optionally change the status text)."""
        with self._lock:
            self._done += count
            if status is not None:
                self._status = status
            self._maybe_draw()

    def set(self, done: int, *, status: str | None = None) -> None:
        """Set the count of items done."""
        with self._lock:
            self._done = done
            if status is not None:
                self._status = status
            self._maybe_draw()

    def finish(self) -> None:
        """Draw the final state and end the line."""
        with self._lock:
            if not self._enabled:
                return
            if self._tty:
                self._write("\r" + self._line() + _CLEAR_TO_END + "\n")
            elif self._last_tenth < 10:
                self._write(self._line() + "\n")
            self._last_tenth = 10

    def _maybe_draw(self) -> None:
        if not self._enabled:
            return
        if self._tty:
            now = time.monotonic()
            if now - self._last_draw >= _REDRAW_INTERVAL:
                self._last_draw = now
                self._write("\r" + self._line() + _CLEAR_TO_END)
            return
        if self.total:
            tenth = min(10, self._done * 10 // self.total)
            if tenth > self._last_tenth:
                self._last_tenth = tenth
                self._write(self._line() + "\n")

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self._done / elapsed
        head = f"{self.label} " if self.label else ""
        status = f"  {self._status}" if self._status else ""
        if self.total:
            fraction = min(1.0, self._done / self.total)
            filled = int(fraction * _WIDTH)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            left = (self.total - self._done) / rate if rate > 0 and self._done < self.total else 0.0
            eta = f" eta {int(left) // 60}:{int(left) % 60:02d}"
            return f"{head}[{bar}] {self._done}/{self.total} {fraction:4.0%} {rate:,.0f}/s{eta}{status}"
        return f"{head}{self._done} done {rate:,.0f}/s{status}"

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed or broken stream must not stop the work
            self._enabled = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
