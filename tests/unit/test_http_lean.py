"""`trackapis._http._lean.LeanConnection`: the delivery workers' lean HTTP/1.1 connection."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from network_servers import Hostile

from trackapis._config import ConnectionConfig
from trackapis._errors import TransportError
from trackapis._http._answer import Answer, Call, decoded
from trackapis._http._lean import LeanConnection
from trackapis.testing import InteraktFake, serve

AUTH = {"Authorization": "Basic c2VjcmV0LWtleTo="}


class KeepAliveConnection(LeanConnection):
    """The lean connection with a JSON POST helper, built from a config as the clients build it."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        config = ConnectionConfig.build(
            base_url=base_url, example="http://x", timeout=timeout, deadline=60, proxy=False
        )
        super().__init__(config, headers)
        self.base_url = config.base_url

    def post_json(self, path: str, body: Any) -> Answer:
        content = json.dumps(body, separators=(",", ":")).encode()
        return self.exchange(
            Call("POST", self.base_url, path, (), {"Content-Type": "application/json"}, content)
        )


class OneShotServer:
    """Answers each connection's first request with 200 and then closes it, or never answers."""

    def __init__(self, *, answer: bool = True) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.request_lines: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            self.requests.append(body)
            self.request_lines.append(head.split(b"\r\n")[0])
            if not self.answer:
                continue  # keep it open and silent
            # A keep-alive response, then the server drops the idle connection anyway.
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            time.sleep(0.05)
            conn.close()

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def one_shot() -> Iterator[OneShotServer]:
    server = OneShotServer()
    yield server
    server.close()


def test_posts_json_and_reads_the_answer() -> None:
    fake = InteraktFake(api_key="secret-key")
    body = {"userId": "42", "event": "Signed Up", "traits": {"city": "Pune"}}
    with serve(fake):
        connection = KeepAliveConnection(fake.url, AUTH, timeout=5)
        response = connection.post_json("/v1/public/track/events/", body)
        connection.close()

    assert response.is_success, response
    assert fake.requests[-1].json() == body
    assert response.headers["content-type"].startswith("application/json")


def test_a_base_url_path_prefixes_every_request(one_shot: OneShotServer) -> None:
    connection = KeepAliveConnection(one_shot.url + "/api/", AUTH, timeout=5)
    response = connection.post_json("/v1/users/", {"userId": "1"})
    connection.close()
    assert response.status == 200
    assert one_shot.request_lines == [b"POST /api/v1/users/ HTTP/1.1"]


def test_reconnects_when_the_server_closed_the_idle_connection(one_shot: OneShotServer) -> None:
    connection = KeepAliveConnection(one_shot.url, AUTH, timeout=5)
    first = connection.post_json("/a", {"n": 1})
    time.sleep(0.2)  # the server has closed the connection by now
    second = connection.post_json("/a", {"n": 2})
    connection.close()

    assert (first.status, second.status) == (200, 200)
    assert one_shot.requests == [b'{"n":1}', b'{"n":2}']  # each sent once
    assert one_shot.connections == 2


def test_a_silent_server_times_out_as_a_transport_error() -> None:
    server = OneShotServer(answer=False)
    connection = KeepAliveConnection(server.url, AUTH, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(TransportError, match="timed out") as caught:
        connection.post_json("/slow", {})
    connection.close()
    server.close()
    assert time.monotonic() - started < 5
    assert caught.value.path == "/slow"


def test_a_refused_connection_is_a_transport_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    connection = KeepAliveConnection(f"http://127.0.0.1:{port}", AUTH, timeout=1)
    with pytest.raises(TransportError, match="ConnectionRefusedError"):
        connection.post_json("/x", {})


def test_the_repr_never_shows_the_credentials() -> None:
    connection = KeepAliveConnection("https://api.example.test", AUTH, timeout=1)
    assert "c2VjcmV0" not in repr(connection)
    assert "api.example.test" in repr(connection)


@pytest.mark.parametrize("url", ["ftp://example.test", "api.interakt.ai", "http://"])
def test_refuses_a_url_that_is_not_http(url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an http"):
        KeepAliveConnection(url, AUTH, timeout=1)


def test_import_track_stays_light() -> None:
    # The background path needs neither httpx, asyncio nor the generated package at import time:
    # they load on first use of sync mode, asyncio or a custom transport.
    heavy = "('httpx', 'asyncio', 'interakt_client')"
    code = f"import sys, track; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_body_that_does_not_match_its_content_encoding_is_unreadable_not_an_error() -> None:
    answer = decoded(200, {"content-encoding": "gzip"}, b"not gzip at all", None)
    assert (answer.status, answer.content, answer.is_success) == (200, b"", True)
    assert answer.unreadable is not None
    assert "Content-Encoding" in answer.unreadable


class ScriptedServer(Hostile):
    """Answers each request with the next of `answers`, keeping the connection (or closing it)."""

    def __init__(self, answers: list[bytes], *, close_after: bool = False) -> None:
        self.answers = list(answers)
        self.close_after = close_after
        self.heads: list[bytes] = []
        super().__init__(self._answer)

    def _answer(self, conn: socket.socket, head: bytes) -> None:
        self.heads.append(head)
        conn.sendall(self.answers.pop(0))
        if self.close_after:
            conn.close()


def _exchange(answers: list[bytes], requests: int = 1, **options: Any) -> tuple[list[Any], ScriptedServer]:
    server = ScriptedServer(answers, **options)
    connection = KeepAliveConnection(server.url, AUTH, timeout=2)
    outcomes: list[Any] = []
    for n in range(requests):
        try:
            outcomes.append(connection.post_json("/p", {"n": n}))
        except TransportError as error:
            outcomes.append(error)
    connection.close()
    server.close()
    return outcomes, server


def test_the_request_head_is_what_http_client_sent() -> None:
    (answer,), server = _exchange([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    assert answer.status == 200
    lines = server.heads[0].split(b"\r\n")
    assert lines[0] == b"POST /p HTTP/1.1"
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(b":") for line in lines[1:])}
    assert headers[b"host"] == server.url.removeprefix("http://").encode()
    assert headers[b"authorization"] == AUTH["Authorization"].encode()
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"content-length"] == b"7"
    assert headers[b"accept-encoding"] == b"identity"
    assert headers[b"user-agent"].startswith(b"trackapis/")


def test_a_chunked_answer_is_read_whole_and_the_connection_kept() -> None:
    chunked = (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4;ext=1\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n'
    )
    (first, second), _ = _exchange([chunked, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"], requests=2)
    assert (first.status, first.json()) == (201, {"a": 1})
    assert (second.status, second.content) == (200, b"{}")


def test_interim_answers_are_skipped_and_folded_headers_joined() -> None:
    answer = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 202 Accepted\r\nX-Long: one\r\n  two\r\nContent-Length: 2\r\n\r\n{}"
    )
    (result,), _ = _exchange([answer])
    assert (result.status, result.headers["x-long"], result.content) == (202, "one two", b"{}")


def test_an_answer_without_a_length_is_read_to_the_end_of_the_connection() -> None:
    (result,), _ = _exchange([b'HTTP/1.0 200 OK\r\n\r\n{"ok":true}'], close_after=True)
    assert result.json() == {"ok": True}


def test_a_204_and_a_head_answer_have_no_body() -> None:
    (first, second), _ = _exchange(
        [b"HTTP/1.1 204 No Content\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"], requests=2
    )
    assert (first.status, first.content, second.content) == (204, b"", b"{}")


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        (b"SMTP ready\r\n\r\n", "BadStatusLine"),
        (b"HTTP/1.1 2x0 OK\r\n\r\n", "BadStatusLine"),
        (b"HTTP/1.1 200 OK\r\n" + b"X: " + b"y" * 70_000 + b"\r\n\r\n", "LineTooLong"),
        (b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 101 + b"\r\n", "more than 100 headers"),
        (b"HTTP/1.1 500 Oops\r\nContent-Length: 10\r\n\r\n{}", "IncompleteRead"),
        (b"HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "IncompleteRead"),
        (b"", "RemoteDisconnected"),
    ],
)
def test_a_malformed_answer_is_a_transport_error_naming_what_was_wrong(answer: bytes, name: str) -> None:
    (outcome,), _ = _exchange([answer], close_after=True)
    assert isinstance(outcome, TransportError), outcome
    assert name in str(outcome)


def test_a_header_or_target_that_would_split_the_request_is_refused() -> None:
    server = ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    connection = KeepAliveConnection(server.url, AUTH, timeout=2)
    smuggled = Call("POST", connection.base_url, "/p", (), {"X-Evil": "a\r\nInjected: 1"}, b"{}")
    with pytest.raises(TransportError, match="invalid header"):
        connection.exchange(smuggled)
    with pytest.raises(TransportError, match="control characters"):
        connection.exchange(Call("POST", connection.base_url, "/p q\r\n", (), {}, b"{}"))
    connection.close()
    server.close()
    assert server.heads == []  # nothing left for the server


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_a_2xx_to_a_post_cut_short_is_an_answer_not_a_reason_to_send_again(answer: bytes) -> None:
    # The server did it: sending it again would record it twice. The status decides.
    (outcome,), server = _exchange([answer], close_after=True)
    assert not isinstance(outcome, TransportError), outcome
    assert 200 <= outcome.status < 300
    assert len(server.heads) == 1
