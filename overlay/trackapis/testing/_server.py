"""Serve a fake on 127.0.0.1 from a background thread (tests) or the foreground (command line)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import uvicorn

from ._app import DroppedConnection, FakeAPI

FakeT = TypeVar("FakeT", bound=FakeAPI)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class _HideDroppedConnections(logging.Filter):
    """uvicorn logs every app exception; an injected dropped connection is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def _config(fake: FakeAPI, host: str, port: int) -> uvicorn.Config:
    if host not in LOOPBACK_HOSTS:
        raise ValueError(
            f"host must be a loopback address ({', '.join(sorted(LOOPBACK_HOSTS))}), not {host!r}"
        )
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be between 0 and 65535, not {port!r}")
    logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())
    # No X-Forwarded-* handling: nothing stands between a test's client and its fake.
    return uvicorn.Config(
        fake, host=host, port=port, log_level="warning", access_log=False, lifespan="off", proxy_headers=False
    )


def _bound_url(server: uvicorn.Server, host: str) -> str:
    socket = server.servers[0].sockets[0]
    bound_host, bound_port = socket.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return f"http://{shown}:{bound_port}"


@contextlib.contextmanager
def serve(
    fake: FakeT, *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0
) -> Iterator[FakeT]:
    """Serve `fake` on a loopback port in a background thread; `fake.url` is set meanwhile.

    Args:
        fake: The fake to serve.
        host: A loopback address.
        port: The port; 0 picks a free one.
        startup_timeout: Seconds to wait for the server to listen.
    """
    server = uvicorn.Server(_config(fake, host, port))
    thread = threading.Thread(target=server.run, name=f"trackapis-{fake.api}-fake", daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(int(startup_timeout / 0.01)):
        if server.started:
            started.set()
            break
        if not thread.is_alive():
            break
        threading.Event().wait(0.01)
    if not started.is_set():
        server.should_exit = True
        thread.join(startup_timeout)
        raise RuntimeError(f"the {fake.api} fake did not start on {host}:{port}")
    fake._url = _bound_url(server, host)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(startup_timeout)
        fake._url = None


def run_forever(
    fakes: list[FakeAPI], *, host: str, port: int, on_ready: Callable[[list[FakeAPI]], None]
) -> None:
    """Serve the fakes in the foreground until interrupted (port 0: each on a free port)."""
    if port and len(fakes) > 1:
        raise ValueError("port must be 0 when serving several fakes")
    with contextlib.ExitStack() as stack:
        for fake in fakes:
            stack.enter_context(serve(fake, host=host, port=port))
        on_ready(fakes)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
