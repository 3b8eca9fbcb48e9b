"""A minimal Interakt Track server for the delivery-rate benchmarks: answers after a set latency.

The benchmark measures clients, so its server must not be what limits them. On a 2-vCPU machine
the fake (`trackapis.testing.InteraktFake`, even with validation off) costs 0.19-0.23 ms of CPU per
request at 2,500-2,900 requests/s (0.31-0.35 ms one at a time) in uvicorn, asyncio and the app:
half a CPU or more, taken from the client under test, and it queues the requests (64 in flight
arrive together and wait for each other). The original is bound by its one connection's latency
and does not notice. This server costs 0.08-0.11 ms per request at the same rates. It answers
with the fake's statuses (201 for an event, 202 for a user, 401 without the key, 400 for a body
that is not a JSON object, 404 elsewhere) and short JSON bodies like the fake's, from one asyncio
protocol, each answer in one write and in the order of the requests, and counts the events and
users it accepted, which the benchmark checks against what was sent.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_EVENT = json.dumps({"result": True, "message": "Event created successfully"}).encode()
_USER = json.dumps({"result": True, "message": "User data queued successfully"}).encode()
_REASONS = {201: "Created", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


class BenchServer:
    """Serve on 127.0.0.1 in a thread (`with BenchServer.running(...) as server`); `url`, counters."""

    def __init__(self, api_key: str) -> None:
        self.latency = 0.0
        self.events = 0
        self.users = 0
        self.connections = 0  # accepted so far
        self._authorization = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()
        self.url = ""

    @classmethod
    @contextmanager
    def running(cls, api_key: str) -> Iterator[BenchServer]:
        server = cls(api_key)
        loop = asyncio.new_event_loop()
        connections: set[_Connection] = set()

        def connection() -> _Connection:
            made = _Connection(server, loop, connections)
            connections.add(made)
            server.connections += 1
            return made

        async def start() -> asyncio.Server:
            listener = await loop.create_server(connection, "127.0.0.1", 0, backlog=1024)
            server.url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
            return listener

        async def stop(listener: asyncio.Server) -> None:
            listener.close()
            for made in connections:
                made.close()
            await listener.wait_closed()
            await asyncio.sleep(0)  # the transports' last callbacks

        thread = threading.Thread(target=loop.run_forever, name="bench-server", daemon=True)
        thread.start()
        listener: asyncio.Server | None = None
        try:
            listener = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
            yield server
        finally:
            if listener is not None:
                asyncio.run_coroutine_threadsafe(stop(listener), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if headers.get("authorization") != self._authorization:
            return 401, json.dumps({"result": False, "message": "Unauthorized"}).encode()
        kind = {"/v1/public/track/events/": "events", "/v1/public/track/users/": "users"}.get(path)
        if method != "POST" or kind is None:
            return 404, json.dumps({"result": False, "message": "Not Found"}).encode()
        try:
            payload: Any = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return 400, json.dumps({"result": False, "message": "the body must be a JSON object"}).encode()
        if kind == "events":
            self.events += 1
            return 201, _EVENT
        self.users += 1
        return 202, _USER


class _Connection(asyncio.Protocol):
    def __init__(self, server: BenchServer, loop: asyncio.AbstractEventLoop, live: set[_Connection]) -> None:
        self._server = server
        self._loop = loop
        self._live = live
        self._buffer = bytearray()
        self._transport: Any = None
        # Answers in the order of their requests: each timer writes the oldest one waiting (two
        # timers due at the same time may run in either order).
        self._answers: deque[bytes] = deque()

    def connection_made(self, transport: Any) -> None:
        self._transport = transport

    def connection_lost(self, error: Exception | None) -> None:
        self._live.discard(self)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:  # every complete request in the buffer (a client may send the next early)
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            if len(self._buffer) < end + 4 + length:
                return
            body = bytes(self._buffer[end + 4 : end + 4 + length])
            del self._buffer[: end + 4 + length]
            method, path, _ = lines[0].split(" ", 2)
            status, content = self._server.answer(method, path, headers, body)
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(content)}\r\n\r\n"
            ).encode()
            self._answers.append(head + content)
            self._loop.call_later(self._server.latency, self._write)

    def _write(self) -> None:
        answer = self._answers.popleft()
        if not self._transport.is_closing():
            self._transport.write(answer)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
