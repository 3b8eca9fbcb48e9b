"""Delivery engines sharing one Redis store, in one process (many processes: test_fleet_processes)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from trackapis.delivery import DeliveryEngine, SendResult
from trackapis.delivery._redis import RedisStore


class JsonCodec:
    def encode(self, payload: Any) -> bytes:
        return json.dumps(payload).encode()

    def decode(self, data: bytes) -> Any:
        return json.loads(data)


class Recorder:
    """A sender factory whose senders record (engine, payload, start time) and take `latency` seconds."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.sent: list[tuple[str, Any, float]] = []
        self.lock = threading.Lock()

    def factory(self, name: str) -> Any:
        recorder = self

        class _Sender:
            def send(self, payloads: Sequence[Any]) -> Sequence[SendResult]:
                with recorder.lock:
                    recorder.sent.extend((name, p, time.monotonic()) for p in payloads)
                if recorder.latency:
                    time.sleep(recorder.latency)
                return [SendResult.delivered()] * len(payloads)

            def close(self) -> None:
                pass

        return _Sender


def _engine(url: str, recorder: Recorder, name: str, **options: Any) -> DeliveryEngine:
    # One engine name for all: it is part of the queue's keys (a queue per API).
    return DeliveryEngine(
        recorder.factory(name),
        name="fleet",
        store=RedisStore(url),
        codec=JsonCodec(),
        store_lease=2.0,
        **options,
    )


def test_two_engines_share_one_queue_and_keep_per_key_order(redis_url: str) -> None:
    recorder = Recorder(latency=0.002)
    a, b = _engine(redis_url, recorder, "a"), _engine(redis_url, recorder, "b")
    try:
        for n in range(300):
            # Both accept messages of the same users: the partition's holder delivers them in order.
            (a if n % 2 else b).submit({"user": f"u{n % 10}", "n": n}, f"u{n % 10}")
            time.sleep(0.0005)
        deadline = time.monotonic() + 20
        while len(recorder.sent) < 300 and time.monotonic() < deadline:
            a.flush(0.2)
            b.flush(0.2)
    finally:
        a.shutdown(5)
        b.shutdown(5)
    sent = [payload for _, payload, _ in recorder.sent]
    assert sorted(p["n"] for p in sent) == list(range(300))
    for user in range(10):
        ns = [p["n"] for p in sent if p["user"] == f"u{user}"]
        assert ns == sorted(ns)
    assert a.stats().queued + b.stats().queued == 300
    assert a.stats().delivered + b.stats().delivered == 300
    store = RedisStore(redis_url)
    store.bind("fleet")
    counters = store.fleet_counters()
    assert counters["queued"] == counters["settled"] == counters["delivered"] == 300
    assert counters["stored"] == 0


def test_a_lone_process_delivers_its_own_messages_before_shutdown_returns(redis_url: str) -> None:
    recorder = Recorder()
    engine = _engine(redis_url, recorder, "alone")
    for n in range(50):
        engine.submit({"n": n}, "k")
    result = engine.shutdown(10)
    assert result.delivered == 50
    assert result.pending == 0
    assert [p["n"] for _, p, _ in recorder.sent] == list(range(50))


def test_the_fleet_rate_limit_holds_across_engines(redis_url: str) -> None:
    recorder = Recorder(latency=0.005)
    # 1,200 a minute counted over 0.5 s windows: at most 10 requests in any 0.5 s.
    url = redis_url + "&rate_window=0.5"
    engines = [_engine(url, recorder, name, rate_limit_per_minute=1200) for name in "abc"]
    try:
        for n in range(60):
            engines[n % 3].submit({"n": n}, f"k{n}")
        for engine in engines:
            engine.flush(20)
    finally:
        for engine in engines:
            engine.shutdown(5)
    starts = sorted(at for _, _, at in recorder.sent)
    assert len(starts) == 60
    most = max(sum(1 for t in starts if s <= t < s + 0.5) for s in starts)
    assert most <= 10
    assert starts[-1] - starts[0] >= 2.0  # 60 at 20/s: the limit did hold them back


def test_with_on_outage_drop_an_unreachable_redis_means_dropped_and_reported(own_redis_server: Any) -> None:
    errors: list[Exception] = []
    engine = _engine(
        own_redis_server.store_url("drop", on_outage="drop"),
        Recorder(),
        "a",
        on_error=lambda error, payload: errors.append(error),
    )
    own_redis_server.stop()
    assert engine.submit({"n": 1}, "k")
    result = engine.flush(10)
    assert (result.dropped, result.pending) == (1, 0)
    assert "was unreachable" in str(errors[0])
    engine.shutdown(1)
