"""The drop-in `pyttributionio` module: the seed README's calls, the original's return values."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

import pytest
import pyttributionio
from attributionio_helpers import KEY, SECRET
from pyttributionio import PyttributionIo

from trackapis.testing import AttributionFake


@pytest.fixture
def shim(attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[PyttributionIo]:
    # Pointing the original elsewhere meant changing these class attributes; that still works.
    monkeypatch.setattr(PyttributionIo, "PRIVATE_API_URL", attributionio_fake.url + "/api/v1")
    monkeypatch.setattr(PyttributionIo, "PUBLIC_API_URL", attributionio_fake.url + "/")
    made = PyttributionIo(api_key=KEY, api_secret=SECRET, deadline=2)
    yield made
    made.close()
    attributionio_fake.disabled = False


def test_the_seed_readme_calls(shim: PyttributionIo, attributionio_fake: AttributionFake) -> None:
    assert shim.trigger_identity("cookie-1", "john@example.com", "Firefox") == 200
    assert shim.trigger_event("cookie-1", "signup", "john@example.com", "Firefox", "https://x.io/") == (
        200,
        200,
    )

    base = shim.fetch_customer_info_base("john@example.com")
    full = shim.fetch_customer_info_full("john@example.com")
    events = shim.fetch_customer_info_events("john@example.com")
    identities = shim.fetch_customer_info_identities("john@example.com")
    pageviews = shim.fetch_customer_info_pageviews("john@example.com")
    touchpoints = shim.fetch_customer_info_touchpoints("john@example.com")

    assert base == {
        "client_id": "john@example.com",
        "aliases": ["cookie-1"],
        "created_at": base["created_at"],
    }  # type: ignore[index]
    assert full is not None
    assert set(full) == {
        "client_id",
        "aliases",
        "created_at",
        "pageviews",
        "touchpoints",
        "events",
        "identities",
    }
    assert events is not None
    assert [e["event_key"] for e in events["events"]] == ["signup"]
    assert identities is not None
    assert len(identities["identities"]) == 2
    assert pageviews is not None
    assert pageviews["pageviews"] == []
    assert touchpoints is not None
    assert touchpoints["touchpoints"] == []
    flags = [r.query[:-1] for r in attributionio_fake.requests_to("getCustomer")]
    assert flags == [
        [],
        [("show_all", "true")],
        [("show_events", "true")],
        [("show_identities", "true")],
        [("show_pageviews", "true")],
        [("show_touchpoints", "true")],
    ]


def test_without_a_client_id_one_generated_id_links_event_and_identity(
    shim: PyttributionIo, attributionio_fake: AttributionFake
) -> None:
    assert shim.trigger_event("cookie-2", "signup") == (200, 200)

    (event,) = attributionio_fake.events
    (identity,) = attributionio_fake.identities
    assert event.client_id == identity.client_id
    assert re.fullmatch(r"[a-z0-9]{24}", event.client_id)
    assert event.url == "URL unknown"
    assert event.agent == identity.agent == "User-Agent unknown"


def test_two_events_in_one_second_get_different_transaction_ids(
    shim: PyttributionIo, attributionio_fake: AttributionFake
) -> None:
    shim.trigger_event("cookie", "signup", "john")
    shim.trigger_event("cookie", "signup", "john")

    first, second = attributionio_fake.events
    assert first.transaction_id != second.transaction_id


def test_unknown_customer_is_none_without_an_error_log(
    shim: PyttributionIo, caplog: pytest.LogCaptureFixture
) -> None:
    assert shim.fetch_customer_info_full("nobody") is None
    assert caplog.records == []


@pytest.mark.parametrize("status", [500, 401, 400])
def test_failed_fetches_log_and_return_none(
    shim: PyttributionIo, attributionio_fake: AttributionFake, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    attributionio_fake.faults.fail_next(100, status=status)

    assert shim.fetch_customer_info_base("john") is None
    # A warning: the original returned None silently for an error status (an error when no answer).
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert [r.name for r in caplog.records] == ["pyttributionio.pyttributionio"]  # the original's logger
    assert str(status) in caplog.text


def test_disabled_account_logs_403(
    shim: PyttributionIo, attributionio_fake: AttributionFake, caplog: pytest.LogCaptureFixture
) -> None:
    attributionio_fake.disabled = True

    assert shim.fetch_customer_info_events("john") is None
    assert "403" in caplog.text


def test_non_json_bodies_do_not_raise(shim: PyttributionIo, attributionio_fake: AttributionFake) -> None:
    # The original raised JSONDecodeError here.
    attributionio_fake.faults.fail_next(
        100, status=502, body="<html>bad gateway</html>", content_type="text/html"
    )

    assert shim.fetch_customer_info_base("john") is None
    assert shim.trigger_identity("cookie", "john") == 502


def test_error_statuses_of_triggers_are_returned_as_the_original_did(
    shim: PyttributionIo, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.fail_next(100, status=400, operations={"triggerIdentity"})

    assert shim.trigger_identity("cookie", "john") == 400
    assert shim.trigger_event("cookie", "signup", "john") == (200, 400)


def test_no_answer_returns_none_within_the_deadline(
    shim: PyttributionIo, attributionio_fake: AttributionFake, caplog: pytest.LogCaptureFixture
) -> None:
    attributionio_fake.faults.drop_next(1000)

    started = time.monotonic()
    assert shim.trigger_event("cookie", "signup", "john") is None
    assert shim.trigger_identity("cookie", "john") is None
    assert shim.fetch_customer_info_base("john") is None
    elapsed = time.monotonic() - started

    # Three calls, each ending within its 2 s deadline; the original took ~50 s each.
    assert elapsed < 6.5
    assert "Event trigger" in caplog.text


def test_identity_without_an_answer_is_none_in_the_pair(
    shim: PyttributionIo, attributionio_fake: AttributionFake
) -> None:
    attributionio_fake.faults.drop_next(1000, operations={"triggerIdentity"})

    assert shim.trigger_event("cookie", "signup", "john") == (200, None)


def test_slow_server_times_out_and_returns_none(
    attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PyttributionIo, "PUBLIC_API_URL", attributionio_fake.url + "/")
    attributionio_fake.faults.add_latency(2)
    shim = PyttributionIo(KEY, SECRET, timeout=0.2, deadline=0.5)

    started = time.monotonic()
    assert shim.trigger_identity("cookie", "john") is None
    assert time.monotonic() - started < 1.9  # gave up before the 2 s answer (deadline 0.5 s)
    shim.close()


def test_changing_the_hosts_takes_effect(shim: PyttributionIo, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shim.trigger_identity("cookie", "john") == 200
    monkeypatch.setattr(PyttributionIo, "PUBLIC_API_URL", "http://127.0.0.1:9/")

    assert shim.trigger_identity("cookie", "john") is None


def test_bad_input_raises_at_the_call_site(shim: PyttributionIo, attributionio_fake: AttributionFake) -> None:
    with pytest.raises(TypeError, match="attributionio_id"):
        shim.trigger_event(None, "signup")  # type: ignore[arg-type]
    assert PyttributionIo("", SECRET).trigger_identity("cookie") is None  # as the original: no raise
    assert attributionio_fake.requests == []


def test_module_surface() -> None:
    assert pyttributionio.__all__ == ["PyttributionIo"]
    assert PyttributionIo.GET_REQUEST == "GET"
    assert "s3" not in repr(PyttributionIo(KEY, "s3cr3t-value"))


def test_a_customer_comes_back_as_sent_also_with_what_the_typed_client_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The original returned the answer's `customer` as it came; a null list or a list of
    # non-objects (which the typed `Customer` refuses as an invalid response) included.
    import http.server
    import json
    import threading

    sent = {"customer": {"client_id": "j", "pageviews": None, "events": {"odd": 1}, "identities": [1]}}
    paths: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            body = json.dumps(sent).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setattr(PyttributionIo, "PRIVATE_API_URL", url + "/api/v1")
        shim = PyttributionIo(api_key=KEY, api_secret=SECRET)
        assert shim.fetch_customer_info_full("j") == sent["customer"]
        assert shim.fetch_customer_info_pageviews("j") == sent["customer"]
        shim.close()
    finally:
        server.shutdown()
        server.server_close()
    assert paths[0].startswith(f"/api/v1/{KEY}/customers/j?show_all=true&secret=")


def test_missing_credentials_fail_each_call_not_the_constructor(caplog: pytest.LogCaptureFixture) -> None:
    # The original took any credentials: an app whose keys are not set (a dev machine) starts,
    # and each call logs why it failed and returns None.
    shim = PyttributionIo(None, None)  # type: ignore[arg-type]
    assert shim.trigger_identity("cookie") is None
    assert shim.trigger_event("cookie", "signup") is None
    assert shim.fetch_customer_info_base("john") is None
    assert [r.levelno for r in caplog.records] == [logging.ERROR] * 4
    assert all("api_key must be a string, not NoneType" in r.getMessage() for r in caplog.records)


def test_an_empty_secret_leaves_the_triggers_working(
    attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(PyttributionIo, "PRIVATE_API_URL", attributionio_fake.url + "/api/v1")
    monkeypatch.setattr(PyttributionIo, "PUBLIC_API_URL", attributionio_fake.url + "/")
    shim = PyttributionIo(KEY, "")
    assert shim.trigger_identity("cookie", client_id="john") == 200
    assert shim.fetch_customer_info_base("john") is None
    assert "api_secret is empty" in caplog.text
    assert "api_secret is required" in caplog.text
    shim.close()


def test_request_exception_is_where_the_original_had_it() -> None:
    from pyttributionio import pyttributionio as module

    assert module.RequestException is PyttributionIo.RequestException
    assert issubclass(module.RequestException, Exception)
