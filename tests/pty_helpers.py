"""Running a command with a pseudo-terminal attached, for tests of what users see in a terminal."""

from __future__ import annotations

import os
import subprocess


def run_in_pty(command: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as stdin, stdout and stderr; its exit status and output."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the other side closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        status = process.wait(timeout=10)
    finally:
        os.close(leader)
    return status, b"".join(chunks).decode("utf-8", "replace")
