"""Every path goes through the proxy the environment sets, and trusts the CA SSL_CERT_FILE names.

A real forward proxy and a real TLS server (its certificate signed by a CA made for the test)
run on 127.0.0.1. The environment is set explicitly: NO_PROXY is emptied, because localhost and
127.0.0.1 are often in it by default.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import track
from network_servers import ApiServer, ForwardProxy, Pki, make_pki

from trackapis._errors import TransportError
from trackapis._retry import RetryPolicy
from trackapis.attributionio import AsyncAttributionClient, AttributionClient
from trackapis.interakt import AsyncInteraktClient, InteraktClient
from trackapis.seven_segments import (
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
)

PROXY_USER, PROXY_PASSWORD = "proxy-user", "p@ss word"
NO_RETRIES = RetryPolicy(max_retries=0)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(pki: Pki) -> Iterator[ApiServer]:
    server = ApiServer(pki)
    yield server
    server.close()


@pytest.fixture
def plain_server() -> Iterator[ApiServer]:
    server = ApiServer()
    yield server
    server.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch, pki: Pki) -> Iterator[ForwardProxy]:
    forward = ForwardProxy()
    for name in (*PROXY_VARIABLES, "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    user, password = PROXY_USER, PROXY_PASSWORD.replace("@", "%40").replace(" ", "%20")
    url = f"http://{user}:{password}@127.0.0.1:{forward.port}"
    # Upper case for one scheme, lower case for the other: both spellings are honoured.
    monkeypatch.setenv("HTTPS_PROXY", url)
    monkeypatch.setenv("http_proxy", url)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca))
    yield forward
    forward.close()


def _proxy_authorization() -> str:
    return "Basic " + base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()


def _through(proxy: ForwardProxy, server: ApiServer) -> None:
    """The proxy carried a request to `server` (a CONNECT tunnel or an absolute-form request)."""
    port = server.url.rsplit(":", 1)[1]
    expected = f"CONNECT 127.0.0.1:{port}" if server.url.startswith("https") else f"{server.url}/"
    lines = [line for line, _ in proxy.forwarded]
    assert any(line.startswith(expected) or line.split(" ", 1)[1].startswith(expected) for line in lines), (
        lines
    )
    assert all(auth == _proxy_authorization() for _, auth in proxy.forwarded)
    assert server.seen, "the server got nothing"


# -- every path, each through the proxy, over TLS to a server signed by the test CA -------------------


def _interakt_background(url: str) -> None:
    with InteraktClient("key", base_url=url, retry_policy=NO_RETRIES) as client:
        client.event("Signed Up", user_id="42")
        assert client.flush(10).delivered == 1


def _interakt_sync(url: str) -> None:
    with InteraktClient("key", base_url=url, background=False, retry_policy=NO_RETRIES) as client:
        client.event("Signed Up", user_id="42")


def _interakt_async(url: str) -> None:
    async def main() -> None:
        async with AsyncInteraktClient("key", base_url=url, retry_policy=NO_RETRIES) as client:
            await client.event("Signed Up", user_id="42")

    asyncio.run(main())


def _track_module(url: str, *, sync_mode: bool) -> None:
    track.api_key, track.host, track.sync_mode, track.max_retries = "key", url, sync_mode, 0
    try:
        track.event(user_id="42", event="Signed Up")
        assert track.flush(10).complete
    finally:
        track.shutdown()
        track.host, track.sync_mode, track.max_retries = None, False, 3


def _seven_segments_per_call(url: str) -> None:
    with SevenSegmentsClient("token", base_url=url, retry_policy=NO_RETRIES) as client:
        client.track("john", "purchase")


def _seven_segments_background(url: str) -> None:
    with SevenSegmentsClient("token", base_url=url, background=True, retry_policy=NO_RETRIES) as client:
        client.track("john", "purchase")
        assert client.flush(10).delivered == 1


def _seven_segments_async(url: str) -> None:
    async def main() -> None:
        async with AsyncSevenSegmentsClient("token", base_url=url, retry_policy=NO_RETRIES) as client:
            await client.track("john", "purchase")

    asyncio.run(main())


def _seven_segments_export(url: str) -> None:
    with AuthenticatedSevenSegmentsClient("user", "pw", base_url=url, retry_policy=NO_RETRIES) as client:
        assert client.export_analysis("funnel", "an-id", format="csv") == "a,b\n1,2\n"


def _attribution_sync(url: str) -> None:
    with AttributionClient("key", base_url=url, retry_policy=NO_RETRIES) as client:
        client.trigger_identity("cookie", client_id="john")


def _attribution_background(url: str) -> None:
    with AttributionClient("key", base_url=url, background=True, retry_policy=NO_RETRIES) as client:
        client.trigger_identity("cookie", client_id="john")
        assert client.flush(10).delivered == 1


def _attribution_async(url: str) -> None:
    async def main() -> None:
        async with AsyncAttributionClient("key", base_url=url, retry_policy=NO_RETRIES) as client:
            await client.trigger_identity("cookie", client_id="john")

    asyncio.run(main())


def _cli(url: str, key: str = "key") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERAKT_API_KEY": key, "INTERAKT_HOST": url}
    done = subprocess.run(
        [sys.executable, "-m", "trackapis", "interakt", "event", "Signed Up", "--user-id", "42"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


PATHS: dict[str, Callable[[str], object]] = {
    "InteraktClient background (lean)": _interakt_background,
    "InteraktClient sync": _interakt_sync,
    "AsyncInteraktClient": _interakt_async,
    "track module": lambda url: _track_module(url, sync_mode=False),
    "track module sync_mode": lambda url: _track_module(url, sync_mode=True),
    "SevenSegmentsClient per-call": _seven_segments_per_call,
    "SevenSegmentsClient background": _seven_segments_background,
    "AsyncSevenSegmentsClient": _seven_segments_async,
    "AuthenticatedSevenSegmentsClient export": _seven_segments_export,
    "AttributionClient": _attribution_sync,
    "AttributionClient background": _attribution_background,
    "AsyncAttributionClient": _attribution_async,
    "CLI": _cli,
}


@pytest.mark.parametrize("path", PATHS)
def test_every_path_goes_through_the_proxy_and_trusts_ssl_cert_file(
    path: str, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    PATHS[path](tls_server.url)
    _through(proxy, tls_server)


@pytest.mark.parametrize(
    "path",
    ["InteraktClient background (lean)", "InteraktClient sync", "AsyncInteraktClient", "AttributionClient"],
)
def test_plain_http_goes_through_the_proxy_in_absolute_form(
    path: str, proxy: ForwardProxy, plain_server: ApiServer
) -> None:
    PATHS[path](plain_server.url)
    _through(proxy, plain_server)


def test_no_proxy_goes_direct(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    _interakt_background(tls_server.url)
    _interakt_sync(tls_server.url)
    assert proxy.forwarded == []


def test_the_proxy_argument_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    with InteraktClient("key", base_url=tls_server.url, proxy=proxy.url, retry_policy=NO_RETRIES) as client:
        client.event("Signed Up", user_id="42")
        assert client.flush(10).delivered == 1
    with InteraktClient("key", base_url=tls_server.url, proxy=False, background=False) as client:
        client.event("Signed Up", user_id="42")  # direct
    assert [line for line, _ in proxy.forwarded] == [f"CONNECT {tls_server.url.removeprefix('https://')}"]


# -- trust ------------------------------------------------------------------------------------------------


def _failures(url: str, **options: Any) -> list[Exception]:
    failures: list[Exception] = []
    with InteraktClient(
        "key", base_url=url, retry_policy=NO_RETRIES, on_error=lambda e, m: failures.append(e), **options
    ) as client:
        client.event("Signed Up", user_id="42")
        client.flush(10)
    with (
        InteraktClient("key", base_url=url, background=False, retry_policy=NO_RETRIES, **options) as client,
        pytest.raises(TransportError) as raised,
    ):
        client.event("Signed Up", user_id="42")
    return [*failures, raised.value]


def test_an_unknown_ca_fails_on_every_backend(
    monkeypatch: pytest.MonkeyPatch, pki: Pki, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.other_ca))
    failures = _failures(tls_server.url)
    assert len(failures) == 2
    assert all("CERTIFICATE_VERIFY_FAILED" in str(error) for error in failures), failures
    assert tls_server.seen == []


def test_without_ssl_cert_file_certifi_is_trusted_not_the_test_ca(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")
    assert len(_failures(tls_server.url)) == 2


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_ca_bundle_variables_of_requests_are_trusted_without_ssl_cert_file(
    variable: str, monkeypatch: pytest.MonkeyPatch, pki: Pki, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    # The original SDKs were built on `requests`: a company CA set up for it keeps working.
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv(variable, str(pki.ca))
    for path in (
        "InteraktClient background (lean)",
        "InteraktClient sync",
        "AttributionClient",
        "track module",
    ):
        PATHS[path](tls_server.url)
    _through(proxy, tls_server)
    assert len(tls_server.seen) == 4


def test_ssl_cert_file_wins_over_requests_ca_bundle(
    monkeypatch: pytest.MonkeyPatch, pki: Pki, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.other_ca))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pki.ca))
    assert len(_failures(tls_server.url)) == 2


@pytest.mark.parametrize("verify", ["path", "context"])
def test_verify_takes_a_ca_path_or_a_context(
    verify: str, monkeypatch: pytest.MonkeyPatch, pki: Pki, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    import ssl

    monkeypatch.delenv("SSL_CERT_FILE")
    value: Any = str(pki.ca) if verify == "path" else ssl.create_default_context(cafile=pki.ca)
    _interakt_background_with = InteraktClient("key", base_url=tls_server.url, verify=value)
    with _interakt_background_with as client:
        client.event("Signed Up", user_id="42")
        assert client.flush(10).delivered == 1
    with InteraktClient("key", base_url=tls_server.url, background=False, verify=value) as client:
        client.event("Signed Up", user_id="42")


def test_tests_set_their_own_environment(proxy: ForwardProxy) -> None:
    assert os.environ["NO_PROXY"] == ""
    assert Path(os.environ["SSL_CERT_FILE"]).is_file()


# -- what a refusal tells: never the proxy's credentials; whether the request left -----------------


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_refusal_never_shows_the_proxy_credentials(
    scheme: str, proxy: ForwardProxy, tls_server: ApiServer, plain_server: ApiServer
) -> None:
    proxy.refuse = True
    url = tls_server.url if scheme == "https" else plain_server.url
    failures: list[Exception] = []
    with InteraktClient(
        "key", base_url=url, retry_policy=NO_RETRIES, on_error=lambda e, m: failures.append(e)
    ) as c:
        c.event("Signed Up", user_id="42")
        c.flush(10)
    with InteraktClient("key", base_url=url, background=False, retry_policy=NO_RETRIES) as c:
        try:
            c.event("Signed Up", user_id="42")
        except Exception as error:  # an APIError (407) over http, a TransportError over https
            failures.append(error)
    assert len(failures) == 2
    token = base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()
    for error in failures:
        text = f"{error!r} {error} {getattr(error, 'body', '')}"
        assert "407" in text, text
        assert token not in text, text
        assert PROXY_PASSWORD not in text, text
        # Refused by the proxy: the API never got it (an import sends such rows again).
        assert getattr(error, "status", None) == 407 or getattr(error, "unsent", False), error
    assert all(line.startswith("CONNECT") for line, _ in proxy.forwarded) == (scheme == "https")
    with InteraktClient("key", base_url=url) as client:
        assert PROXY_PASSWORD not in repr(client._connection)  # type: ignore[attr-defined]


def test_a_refused_handshake_is_unsent(
    monkeypatch: pytest.MonkeyPatch, pki: Pki, proxy: ForwardProxy, tls_server: ApiServer
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.other_ca))
    failures = _failures(tls_server.url)
    assert [getattr(error, "unsent", None) for error in failures] == [True, True]


def test_the_cli_never_prints_the_key_a_2xx_answer_echoes(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, plain_server: ApiServer
) -> None:
    # A gateway that echoes the request in a 2xx answer: the clients return the answer as it
    # came (it is the caller's data), but the command's output never shows the key.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    plain_server.echo = True
    done = _cli(plain_server.url, key="s3cr3t-key")
    encoded = base64.b64encode(b"s3cr3t-key:").decode()
    assert "<secret>" in done.stdout, done.stdout
    assert encoded not in done.stdout + done.stderr
    assert "s3cr3t-key" not in done.stdout + done.stderr


def test_a_proxy_token_given_as_the_user_name_is_hidden_too() -> None:
    from trackapis._config import Network
    from trackapis._http._redact import Redactor, hide_everywhere

    network = Network({"all": "http://T0KEN-only@127.0.0.1:3128"})
    hide_everywhere(*network.proxy_credentials())
    sent = "Proxy-Authorization: Basic " + base64.b64encode(b"T0KEN-only:").decode()
    assert Redactor()(sent) == "Proxy-Authorization: Basic <secret>"
    assert "T0KEN-only" not in Redactor()("proxy http://T0KEN-only@127.0.0.1:3128 refused")
    assert "T0KEN-only" not in repr(network)
