"""The `track` module configured against a fake, its settings restored afterwards."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator

import track

KEY = "test-interakt-key"
SECRET_KEY = base64.b64encode(f"{KEY}:".encode()).decode()
SETTINGS = (
    "api_key",
    "host",
    "sync_mode",
    "debug",
    "timeout",
    "max_retries",
    "max_queue_size",
    "on_error",
    "shutdown_timeout",
)
DEFAULTS = {name: getattr(track, name) for name in SETTINGS}


@contextlib.contextmanager
def configured(url: str) -> Iterator[None]:
    """`track` sending to `url` with the Secret Key; shut down and reset to its defaults after."""
    track.api_key = SECRET_KEY
    track.host = url
    try:
        yield
    finally:
        track.shutdown(5)
        for name, value in DEFAULTS.items():
            setattr(track, name, value)
