"""A progress bar on stderr, stdlib only, for the demo and the `trackapis` command.

On a terminal it redraws one line in place (at most a few times a second); anywhere else (CI logs,
a file) it writes a plain line at every tenth of the way, so logs stay readable.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Final, TextIO

# Redraws a second on a terminal: enough to look alive, little enough to cost nothing.
_REDRAW_INTERVAL: Final = 0.1
_WIDTH: Final = 30
_CLEAR_TO_END: Final = "\x1b[K"  # a shorter line must not leave the end of a longer one behind


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
        self._drawn = False

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
            return f"{head}[{bar}] {self._done}/{self.total} {fraction:4.0%} {rate:,.0f}/s{status}"
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
