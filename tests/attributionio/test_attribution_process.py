"""Background mode across a process's life: exiting without close(), a hung server at exit, fork."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from attributionio_helpers import FAST_RETRIES, KEY, SECRET

from trackapis.attributionio import AttributionClient
from trackapis.testing import AttributionFake


def _run(script: str, fake: AttributionFake, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAKE_URL": fake.url, "FAKE_KEY": KEY, "FAKE_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _client_ids(fake: AttributionFake, operation: str) -> list[str]:
    return [
        (request.json().get("event") or request.json().get("identity"))["client_id"]
        for request in fake.requests_to(operation)
    ]


def test_a_script_that_never_closes_delivers_and_exits(attributionio_fake: AttributionFake) -> None:
    attributionio_fake.faults.add_latency(0.01)
    result = _run(
        """
        import os
        from trackapis.attributionio import AttributionClient
        url = os.environ["FAKE_URL"]
        client = AttributionClient(os.environ["FAKE_KEY"], base_url=url, background=True)
        for n in range(10):
            for customer in range(3):
                client.trigger_event(f"cookie-{customer}", f"step-{n}", client_id=f"c{customer}")
        client.trigger_identity("cookie-x", client_id="lone")
        """,
        attributionio_fake,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "not delivered" not in result.stderr
    for customer in range(3):
        keys = [e.event_key for e in attributionio_fake.events if e.client_id == f"c{customer}"]
        assert keys == [f"step-{n}" for n in range(10)]  # all of them, in order
    assert sorted(set(_client_ids(attributionio_fake, "triggerIdentity"))) == ["c0", "c1", "c2", "lone"]
    assert len(attributionio_fake.requests_to("triggerIdentity")) == 31


def test_exit_is_bounded_by_shutdown_timeout_and_what_is_left_is_reported(
    attributionio_fake: AttributionFake,
) -> None:
    attributionio_fake.faults.add_latency(5)  # far beyond shutdown_timeout: the server seems hung
    started = time.monotonic()
    result = _run(
        """
        import os
        from trackapis.attributionio import AttributionClient
        url = os.environ["FAKE_URL"]
        client = AttributionClient(os.environ["FAKE_KEY"], os.environ["FAKE_SECRET"], base_url=url,
                                   private_base_url=url, background=True, timeout=60, shutdown_timeout=1)
        client.trigger_event("cookie", "signup", client_id="john")
        client.trigger_identity("cookie", client_id="ann")
        """,
        attributionio_fake,
        timeout=15,
    )

    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    # Three requests: john's identity and event (one lane, one in flight) and ann's identity.
    assert result.stderr.count("was not delivered") == 3, result.stderr
    assert result.stderr.count("may or may not have arrived") == 2  # john's identity, ann's
    assert "before it could be sent" in result.stderr  # john's event, queued behind his identity
    assert SECRET not in result.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() with threads running (3.12+)
def test_a_forked_child_gets_a_working_client(attributionio_fake: AttributionFake) -> None:
    url = attributionio_fake.url
    with AttributionClient(
        KEY, SECRET, private_base_url=url, base_url=url, background=True, retry_policy=FAST_RETRIES
    ) as client:
        client.trigger_identity("cookie", client_id="parent-before")
        client.flush(5)
        assert client.fetch_customer("parent-before") is not None  # opens the direct connections
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                client.trigger_event("cookie", "in-child", client_id="child")
                flushed = client.flush(5)
                fetched = client.fetch_customer("child")
                if flushed.delivered == 2 and fetched is not None and client.stats().pending == 0:
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        client.trigger_identity("cookie", client_id="parent-after")
        parent = client.flush(5)

    assert os.waitstatus_to_exitcode(status) == 0
    assert parent.delivered == 1  # the child's requests are not counted in the parent
    assert sorted(_client_ids(attributionio_fake, "triggerIdentity")) == [
        "child",
        "parent-after",
        "parent-before",
    ]
    assert [event.event_key for event in attributionio_fake.events] == ["in-child"]
