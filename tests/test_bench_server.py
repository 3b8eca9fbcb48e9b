"""scripts/bench_server.py: the benchmark's minimal server answers as the Interakt fake does."""

from __future__ import annotations

import importlib.util
import sys
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
    sys.modules["bench_server"] = module
    spec.loader.exec_module(module)
    return module


BenchServer = _module().BenchServer


def test_counts_what_a_background_client_delivers_over_keep_alive_connections() -> None:
    with (
        BenchServer.running(KEY) as server,
        InteraktClient(KEY, base_url=server.url, max_in_flight=4) as client,
    ):
        for i in range(40):
            client.event("Order Placed", user_id=f"user-{i}", traits={"orderNumber": f"B{i}"})
        client.user(user_id="user-1", traits={"name": "Ada"})
        result = client.flush(timeout=10)

    assert result.delivered == 41
    assert (server.events, server.users) == (40, 1)


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
