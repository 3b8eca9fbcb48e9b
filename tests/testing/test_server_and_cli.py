"""`serve()` on loopback, `fake.url`, the pytest fixtures and `python -m trackapis.testing serve`."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake, serve

LINE_TIMEOUT = 30.0
URL = re.compile(r"^http://127\.0\.0\.1:(\d+)$")


# -- serve() and url -------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com", "::"])
def test_serve_refuses_a_non_loopback_host(host: str) -> None:
    fake = SevenSegmentsFake()

    with pytest.raises(ValueError, match=r"^host must be a loopback address"), serve(fake, host=host):
        pass

    with pytest.raises(RuntimeError):
        _ = fake.url


@pytest.mark.parametrize("port", [-1, 65536])
def test_serve_refuses_a_port_out_of_range(port: int) -> None:
    with pytest.raises(ValueError, match=r"^port must be"), serve(SevenSegmentsFake(), port=port):
        pass


def test_url_raises_when_not_served_and_is_set_while_served() -> None:
    fake = SevenSegmentsFake()

    with pytest.raises(RuntimeError, match="not being served"):
        _ = fake.url
    with serve(fake) as served:
        url = served.url
        assert served is fake
        assert URL.match(url)
        with httpx.Client(base_url=url, timeout=5) as client:
            assert client.get("/system/time").status_code == 200
    with pytest.raises(RuntimeError, match="not being served"):
        _ = fake.url


def test_the_fixtures_serve_each_fake_on_loopback(
    interakt_fake: InteraktFake, seven_segments_fake: SevenSegmentsFake, attributionio_fake: AttributionFake
) -> None:
    urls = [interakt_fake.url, seven_segments_fake.url, attributionio_fake.url]

    assert all(URL.match(url) for url in urls), urls
    assert len(set(urls)) == 3
    assert (interakt_fake.requests, seven_segments_fake.requests, attributionio_fake.requests) == ([], [], [])


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture
def start_cli() -> Iterator[type[_Cli]]:
    started: list[_Cli] = []

    class Started(_Cli):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Started
    for cli in started:
        cli.stop()


class _Cli:
    """`python -m trackapis.testing ...` in a subprocess, its stdout read line by line with a timeout."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trackapis.testing", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def readline(self) -> str:
        try:
            line = self._lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no line from the CLI within {LINE_TIMEOUT} s")
        if line is None:
            pytest.fail(f"the CLI ended early: {self.stop()}")
        return line

    def stop(self) -> str:
        """Terminate the process (if still running) and return its stderr."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self._reader.join(timeout=10)
            assert self.process.stderr is not None
            return self.process.stderr.read()
        finally:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def test_cli_serve_prints_a_loopback_url_that_answers(start_cli: type[_Cli]) -> None:
    cli = start_cli("serve", "--api", "interakt", "--port", "0")

    url = cli.readline()

    assert URL.match(url), url
    with httpx.Client(base_url=url, timeout=5) as client:
        accepted = client.post(
            "/v1/public/track/users/", json={"userId": "u1"}, auth=("test-interakt-key", "")
        )
        refused = client.post("/v1/public/track/users/", json={"userId": "u1"}, auth=("wrong", ""))
    assert (accepted.status_code, refused.status_code) == (202, 401)


def test_cli_serve_uses_the_credentials_given(start_cli: type[_Cli]) -> None:
    cli = start_cli("serve", "--api", "seven_segments", "--seven-segments-password", "cli-pw")

    url = cli.readline()

    with httpx.Client(base_url=url, timeout=5) as client:
        right = client.post("/analytics/funnel", json={"analysis_id": "f"}, auth=("test-user", "cli-pw"))
        default = client.post(
            "/analytics/funnel", json={"analysis_id": "f"}, auth=("test-user", "test-password")
        )
    assert (right.status_code, default.status_code) == (404, 401)


def test_cli_serve_all_prints_one_api_url_line_each(start_cli: type[_Cli]) -> None:
    cli = start_cli("serve", "--api", "all", "--port", "0")

    lines = [cli.readline() for _ in range(3)]

    apis = [line.split(" ", 1)[0] for line in lines]
    urls = [line.split(" ", 1)[1] for line in lines]
    assert apis == ["interakt", "seven_segments", "attributionio"]
    assert all(URL.match(url) for url in urls), lines
    assert len(set(urls)) == 3
    with httpx.Client(timeout=5) as client:
        interakt = client.post(
            f"{urls[0]}/v1/public/track/users/", json={"userId": "u"}, auth=("test-interakt-key", "")
        )
        seven_segments = client.get(f"{urls[1]}/system/time")
        attributionio = client.get(
            f"{urls[2]}/api/v1/test-public-key/customers/c", params={"secret": "test-secret"}
        )
    assert [interakt.status_code, seven_segments.status_code, attributionio.status_code] == [202, 200, 404]
    assert attributionio.json() == {"message": "no such customer"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--api", "interakt", "--host", "0.0.0.0"], "error: host must be a loopback address", id="host"
        ),
        pytest.param(
            ["--api", "all", "--port", "8123"], "error: port must be 0 when serving several fakes", id="port"
        ),
    ],
)
def test_cli_refuses_bad_options_with_exit_status_2(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trackapis.testing", "serve", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
