"""Real network pieces for the edge's tests, all on 127.0.0.1: a CA, a TLS server, a forward proxy,
and a hostile server. Helpers, not fixtures (see conftest-free use in the test modules)."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs


@attrs.frozen
class Pki:
    ca: Path
    cert: Path
    key: Path
    other_ca: Path  # a CA that signed nothing here


def make_pki(directory: Path) -> Pki:
    """A test CA and a server certificate for 127.0.0.1/localhost, made with the openssl command."""

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    for name in ("ca", "other"):
        run(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN=trackapis {name} CA", "-keyout", f"{name}.key", "-out", f"{name}.pem",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    )
    (directory / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    run(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", "server.pem", "-extfile", "server.ext",
    )  # fmt: skip
    return Pki(
        directory / "ca.pem", directory / "server.pem", directory / "server.key", directory / "other.pem"
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        self.server.seen.append((self.command, path, dict(self.headers.items())))
        if self.server.delay:
            time.sleep(self.server.delay)
        content_type = "application/json"
        if path.endswith("/bulk"):
            commands = json.loads(body)["commands"]
            payload = json.dumps({"results": [{"status": "ok"} for _ in commands]}).encode()
        elif path.startswith("/analytics/"):
            payload, content_type = b"a,b\n1,2\n", "text/csv"
        elif self.server.echo:  # a gateway that echoes the request it got, credentials included
            payload = json.dumps({"result": True, "message": f"got {dict(self.headers.items())}"}).encode()
        else:
            payload = json.dumps({"result": True, "success": True, "message": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    seen: list[tuple[str, str, dict[str, str]]]
    delay: float = 0.0
    echo: bool = False


class ApiServer:
    """Answers every API's tracking calls with a 2xx, over TLS (with `pki`) or plain HTTP."""

    def __init__(self, pki: Pki | None = None, *, delay: float = 0.0) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.seen = []
        self._server.delay = delay
        scheme = "http"
        if pki is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(pki.cert, pki.key)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def seen(self) -> list[tuple[str, str, dict[str, str]]]:
        return self._server.seen

    @property
    def echo(self) -> bool:
        return self._server.echo

    @echo.setter
    def echo(self, value: bool) -> None:
        self._server.echo = value

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class ForwardProxy:
    """A forward proxy: `CONNECT` tunnels and absolute-form requests; records what it forwarded.

    `forwarded` holds (request line, Proxy-Authorization or None) per client connection.
    """

    def __init__(self) -> None:
        self.forwarded: list[tuple[str, str | None]] = []
        self.refuse = False  # True: answer 407 to everything
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                client.close()
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        self.forwarded.append((f"{method} {target}", headers.get("proxy-authorization")))
        if self.refuse:  # a 407 page that shows the request it refused, credentials included
            page = head + b"\r\n"
            client.sendall(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Type: text/plain\r\n"
                + b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(page)
                + page
            )
            client.close()
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
        else:
            url = urllib.parse.urlsplit(target)
            upstream = socket.create_connection((url.hostname, url.port or 80))
            upstream.sendall(data)  # origin servers accept absolute-form targets
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)

    def close(self) -> None:
        self._listener.close()


class Hostile:
    """A server that misbehaves on purpose; `behaviour(conn, request_bytes)` answers each request.

    `requests` counts the requests it read.
    """

    def __init__(self, behaviour: Callable[[socket.socket, bytes], None]) -> None:
        self.requests = 0
        self.bodies: list[bytes] = []
        self._behaviour = behaviour
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            while True:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests += 1
                self.bodies.append(body)
                self._behaviour(conn, head)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._listener.close()


def drip(conn: socket.socket, data: bytes, every: float = 0.25) -> None:
    """Send `data` one byte at a time (a slow-drip server)."""
    for byte in data:
        conn.sendall(bytes([byte]))
        time.sleep(every)
