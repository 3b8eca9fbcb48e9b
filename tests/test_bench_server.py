"""scripts/bench_server.py: the benchmark's minimal server answers as the Interakt fake does."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from trackapis.interakt import AuthenticationError, InteraktClient

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def _module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_server", ROOT / "scripts" / "bench_server.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BenchServer = _module().BenchServer


def test_counts_what_a_background_client_delivers_over_keep_alive_connections() -> None:
    with (
        BenchServer.running(KEY) as server,
        InteraktClient(KEY, base_url=server.url, max_in_flight=4) as client,
    ):
        server.latency = 0.005
        for i in range(40):
            client.event("Order Placed", user_id=f"user-{i}", traits={"orderNumber": f"B{i}"})
        client.user(user_id="user-1", traits={"name": "Ada"})
        result = client.flush(timeout=10)

    assert result.delivered == 41
    assert (server.events, server.users) == (40, 1)
    assert 1 <= server.connections <= 4  # one per request in flight, each kept alive


def test_answers_requests_sent_together_on_one_connection_in_their_order() -> None:
    def request(user: str) -> bytes:
        body = f'{{"userId": "{user}", "event": "E"}}'.encode()
        head = f"POST /v1/public/track/{'users' if user == 'u' else 'events'}/ HTTP/1.1\r\nHost: x\r\n"
        auth = "Authorization: Basic YmVuY2gta2V5Og==\r\n"  # base64 of "bench-key:"
        return (head + auth + f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    with BenchServer.running(KEY) as server:
        server.latency = 0.01
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(request("e1") + request("u") + request("e2"))
            received = b""
            while received.count(b"HTTP/1.1") < 3 or not received.endswith(b"}"):
                received += sock.recv(65536)

    statuses = [int(part[:3]) for part in received.split(b"HTTP/1.1 ")[1:]]
    assert statuses == [201, 202, 201]
    assert (server.events, server.users, server.connections) == (2, 1, 1)


def test_answers_as_the_fake_does_to_a_wrong_key_a_bad_body_and_an_unknown_path() -> None:
    with BenchServer.running(KEY) as server:
        client = InteraktClient("wrong-key", base_url=server.url, background=False, max_retries=0)
        with client, pytest.raises(AuthenticationError):
            client.event("Order Placed", user_id="1")
        auth = (KEY, "")
        path = "/v1/public/track/events/"
        not_an_object = httpx.post(server.url + path, auth=auth, content=b"[1]")
        unknown = httpx.post(server.url + "/v1/nothing/", auth=auth, json={})
        accepted = httpx.post(server.url + path, auth=auth, json={"userId": "1", "event": "E"})

    assert not_an_object.status_code == 400
    assert unknown.status_code == 404
    assert (accepted.status_code, accepted.json()["result"]) == (201, True)
    assert server.events == 1
