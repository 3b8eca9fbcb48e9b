"""Background mode: triggers go through the delivery engine, one client id's requests in order."""

from __future__ import annotations

import threading
from typing import Any

from attributionio_helpers import FAST_RETRIES, KEY

from trackapis.attributionio import (
    APIError,
    AttributionClient,
    AuthenticationError,
    ClientClosedError,
    ServerError,
    TriggerMessage,
)
from trackapis.testing import AttributionFake


def background(fake: AttributionFake, **options: Any) -> AttributionClient:
    return AttributionClient(
        options.pop("api_key", KEY),
        base_url=fake.url,
        background=True,
        retry_policy=FAST_RETRIES,
        **options,
    )


def test_triggers_return_at_once_with_the_identity_and_deliver_in_order(
    attributionio_fake: AttributionFake,
) -> None:
    attributionio_fake.faults.add_latency(0.02)
    with background(attributionio_fake, max_in_flight=8) as client:
        results = [client.trigger_event(f"cookie-{i % 4}", "view", client_id=f"c{i % 4}") for i in range(40)]
        generated = client.trigger_event("cookie-x", "signup")
        flushed = client.flush(10)

    assert all(result.queued and result.event_status is None for result in results)
    assert flushed.complete
    assert flushed.delivered == 82
    for n in range(4):
        sent = [
            (request.operation_id, request.json())
            for request in attributionio_fake.requests
            if (request.json().get("event") or request.json().get("identity"))["client_id"] == f"c{n}"
        ]
        kinds = [operation for operation, _ in sent]
        assert kinds == ["triggerIdentity", "triggerEvent"] * 10
        tids = [body["event"]["transaction_id"] for operation, body in sent if operation == "triggerEvent"]
        assert tids == [r.transaction_id for r in results if r.client_id == f"c{n}"]
    linked = {
        (request.json().get("event") or request.json().get("identity"))["client_id"]
        for request in attributionio_fake.requests
        if "cookie-x" in (request.json().get("event") or request.json().get("identity"))["aliases"]
    }
    assert linked == {generated.client_id}


def test_every_request_has_exactly_one_outcome(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.fail_next(100, status=500, operations={"triggerEvent"})
    failures: list[tuple[Exception, TriggerMessage]] = []
    with background(attributionio_fake, on_error=lambda e, m: failures.append((e, m))) as client:
        client.trigger_event("cookie", "signup", client_id="john")
        client.trigger_identity("cookie", client_id="ann")
        client.flush(10)
        stats = client.stats()

    assert (stats.queued, stats.delivered, stats.failed, stats.dropped, stats.pending) == (3, 2, 1, 0, 0)
    assert stats.retried == FAST_RETRIES.max_retries
    ((error, message),) = failures
    assert isinstance(error, ServerError)
    assert message.path == "/events"
    assert message.body["event"]["client_id"] == "john"


def test_a_non_retryable_failure_is_reported_once(attributionio_fake: AttributionFake) -> None:
    failures: list[Exception] = []
    with background(attributionio_fake, api_key="other", on_error=lambda e, m: failures.append(e)) as client:
        client.trigger_identity("cookie", client_id="john")
        result = client.flush(10)

    assert result.failed == 1
    assert [type(error) for error in failures] == [AuthenticationError]
    assert len(attributionio_fake.requests) == 1


def test_a_full_queue_drops_and_reports(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(0.3)
    dropped: list[TriggerMessage] = []
    with background(
        attributionio_fake, max_queue_size=2, max_in_flight=1, on_error=lambda e, m: dropped.append(m)
    ) as client:
        first = client.trigger_event("cookie", "signup", client_id="john")
        second = client.trigger_event("cookie", "signup", client_id="john")
        client.flush(10)
        stats = client.stats()

    assert first.queued
    assert not second.queued
    assert [m.path for m in dropped] == ["/identities", "/events"]
    assert (stats.queued, stats.delivered, stats.dropped) == (4, 2, 2)


def test_failures_without_on_error_are_logged(attributionio_fake: AttributionFake, caplog: Any) -> None:
    attributionio_fake.faults.fail_next(100, status=400)
    with background(attributionio_fake) as client:
        client.trigger_identity("cookie", client_id="john")
        client.flush(10)

    assert "a request to /identities was not delivered" in caplog.text


def test_close_delivers_what_is_queued_then_refuses(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(0.01)
    client = background(attributionio_fake)
    for i in range(10):
        client.trigger_identity("cookie", client_id=f"c{i}")

    result = client.close(5)

    assert result.delivered == 10
    assert len(attributionio_fake.identities) == 10
    try:
        client.trigger_identity("cookie", client_id="late")
    except ClientClosedError:
        pass
    else:
        raise AssertionError("a closed client accepted a trigger")


def test_close_with_a_hung_server_reports_what_was_abandoned(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(3)
    reasons: list[Exception] = []
    client = background(attributionio_fake, timeout=5, on_error=lambda e, m: reasons.append(e))
    client.trigger_event("cookie", "signup", client_id="john")

    result = client.close(0.2)

    # The one in flight may have arrived: unknown, never counted or reported as dropped.
    assert (result.dropped, result.unknown) == (1, 1)
    assert sorted(type(reason).__name__ for reason in reasons) == ["MessageDropped", "MessageUnknown"]


def test_fetch_still_answers_in_background_mode(attributionio_fake: AttributionFake) -> None:
    url = attributionio_fake.url
    with AttributionClient(KEY, "test-secret", private_base_url=url, base_url=url, background=True) as client:
        client.trigger_identity("cookie", client_id="john")
        client.flush(5)

        assert client.fetch_customer("john") is not None
        assert client.background


def test_many_threads_trigger_at_once(attributionio_fake: AttributionFake) -> None:
    with background(attributionio_fake) as client:

        def work(n: int) -> None:
            for i in range(10):
                client.trigger_event("cookie", "view", client_id=f"t{n}-{i}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result = client.flush(20)

    assert result.delivered == 160
    assert len({event.transaction_id for event in attributionio_fake.events}) == 80


def test_trigger_event_outcomes_sends_at_once_in_background_mode_too(
    attributionio_fake: AttributionFake,
) -> None:
    attributionio_fake.faults.fail_next(1, status=400, operations={"triggerEvent"})
    with background(attributionio_fake) as client:
        outcomes = client.trigger_event_outcomes("cookie", "signup", client_id="ann")
        queued = client.stats()

    # Answered before it returned, never queued: nothing passed through the engine.
    assert sorted(r.operation_id for r in attributionio_fake.requests) == ["triggerEvent", "triggerIdentity"]
    assert queued.queued == 0
    assert isinstance(outcomes.event_error, APIError)
    assert outcomes.event_error.status == 400
    assert (outcomes.identity_error, outcomes.result.identity_status) == (None, 200)
    assert not outcomes.result.queued
