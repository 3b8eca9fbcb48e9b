"""The API secret travels in the query string; it must show up nowhere else."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest
from attributionio_helpers import FAST_RETRIES, KEY

from trackapis._http._redact import Redactor
from trackapis.attributionio import (
    APIError,
    AsyncAttributionClient,
    AttributionClient,
    AuthenticationError,
    TransportError,
)
from trackapis.testing import AttributionFake

# A secret that needs URL-encoding, so that the encoded form is checked too.
SECRET = "s3cr3t/with+plus&amp=é"


def _leaks(text: str) -> bool:
    encoded = [SECRET, "s3cr3t%2Fwith%2Bplus%26amp%3D%C3%A9", "s3cr3t/with+plus", "s3cr3t"]
    return any(form in text for form in encoded)


@pytest.fixture
def fake_with_secret() -> AttributionFake:
    from trackapis.testing import serve

    with serve(AttributionFake(KEY, SECRET)) as fake:
        yield fake  # type: ignore[misc]


def test_the_secret_is_sent_in_the_query(fake_with_secret: AttributionFake) -> None:
    url = fake_with_secret.url
    with AttributionClient(KEY, SECRET, private_base_url=url, base_url=url) as client:
        client.trigger_identity("cookie", client_id="john")

        assert client.fetch_customer("john") is not None

    (request,) = fake_with_secret.requests_to("getCustomer")
    assert ("secret", SECRET) in request.query
    # The public API never gets it.
    assert all(
        not _leaks(r.body.decode() + str(r.query)) for r in fake_with_secret.requests_to("triggerIdentity")
    )


def test_reprs_hide_the_secret(fake_with_secret: AttributionFake) -> None:
    client = AttributionClient(KEY, SECRET, private_base_url=fake_with_secret.url)
    async_client = AsyncAttributionClient(KEY, SECRET)

    texts = [
        repr(client),
        repr(async_client),
        repr(client._settings),
        repr(Redactor(SECRET)),
        str(vars(client)),
    ]

    assert not any(_leaks(text) for text in texts[:4])
    assert KEY in texts[0]
    client.close()


def test_logs_at_debug_never_show_the_secret(
    fake_with_secret: AttributionFake, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("httpx", "httpcore", "trackapis", "pyttributionio", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    fake_with_secret.faults.fail_next(1, status=500, operations={"getCustomer"})
    url = fake_with_secret.url
    with AttributionClient(
        KEY, SECRET, private_base_url=url, base_url=url, retry_policy=FAST_RETRIES, background=True
    ) as client:
        client.trigger_event("cookie", "signup", client_id="john")
        client.flush(5)
        assert client.fetch_customer("john", full=True) is not None
        fake_with_secret.faults.fail_next(1, status=400, operations={"getCustomer"})
        with pytest.raises(APIError):
            client.fetch_customer("john")

    # httpcore logged the exchanges (so logging was on), and none of it shows the secret.
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert not _leaks(caplog.text)
    assert not any(_leaks(record.getMessage()) for record in caplog.records)


def test_error_messages_and_tracebacks_never_show_the_secret(
    fake_with_secret: AttributionFake,
) -> None:
    page = f"<html>Unauthorized: GET /api/v1/{KEY}/customers/john?secret={SECRET}</html>"
    fake_with_secret.faults.fail_next(1, status=401, body=page, content_type="text/html")

    with (
        AttributionClient(KEY, SECRET, private_base_url=fake_with_secret.url) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.fetch_customer("john")

    error = caught.value
    rendered = "".join(traceback.format_exception(error))
    for text in (str(error), repr(error), error.message, error.body_excerpt, error.path, rendered):
        assert not _leaks(text), text
    assert "<secret>" in error.body_excerpt


def test_transport_errors_that_quote_the_url_are_redacted() -> None:
    # An httpx error whose text shows the full URL (as some do) must not carry the secret out.
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    with (
        AttributionClient(
            KEY,
            SECRET,
            private_base_url="http://127.0.0.1:1",
            transport=httpx.MockTransport(handler),
            deadline=0.5,
        ) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.fetch_customer("john")

    rendered = "".join(traceback.format_exception(caught.value))
    assert "cannot reach" in str(caught.value)
    assert not _leaks(rendered)
    assert caught.value.__cause__ is None  # httpx's own error, which shows the secret, is not chained


def test_transport_errors_without_the_url_keep_their_cause() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    with (
        AttributionClient(
            KEY,
            SECRET,
            private_base_url="http://127.0.0.1:1",
            transport=httpx.MockTransport(handler),
            deadline=0.5,
        ) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.fetch_customer("john")

    assert isinstance(caught.value.__cause__, httpx.ReadError)


def test_the_shim_logs_failures_without_the_secret(
    fake_with_secret: AttributionFake, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyttributionio import PyttributionIo

    monkeypatch.setattr(PyttributionIo, "PRIVATE_API_URL", fake_with_secret.url + "/api/v1")
    page = f"bad request {SECRET}"
    fake_with_secret.faults.fail_next(1, status=400, body=page, content_type="text/plain")
    caplog.set_level(logging.DEBUG)

    shim = PyttributionIo(KEY, SECRET)
    try:
        assert shim.fetch_customer_info_base("john") is None
    finally:
        shim.close()

    assert "Retrieval of base customer info failed" in caplog.text
    assert not _leaks(caplog.text)
