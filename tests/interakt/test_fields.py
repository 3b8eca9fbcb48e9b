"""The spec's other request properties (`**fields`) and any operation (`call()`) through the facade."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import track

from trackapis import APIError
from trackapis.interakt import AsyncInteraktClient, InteraktClient
from trackapis.testing import InteraktFake

KEY = "test-interakt-key"


@pytest.fixture
def client(interakt_fake: InteraktFake) -> Iterator[InteraktClient]:
    with InteraktClient(KEY, base_url=interakt_fake.url, shutdown_timeout=5) as interakt:
        yield interakt


def _last_body(fake: InteraktFake, operation: str) -> dict[str, Any]:
    body = fake.requests_to(operation)[-1].json()
    assert isinstance(body, dict)
    return body


def test_the_proof_case_reaches_the_wire_in_the_background(
    interakt_fake: InteraktFake, client: InteraktClient
) -> None:
    assert client.event("Order Placed", user_id="42", tags=["vip"], full_phone_number="919999999999")
    assert client.user(user_id="42", tags=["vip", "new"])
    assert client.flush(timeout=10).complete
    event = _last_body(interakt_fake, "trackEvent")
    assert (event["tags"], event["fullPhoneNumber"], event["userId"]) == (["vip"], "919999999999", "42")
    assert _last_body(interakt_fake, "trackUser")["tags"] == ["vip", "new"]


def test_fields_reach_the_wire_when_sent_now_and_from_asyncio(
    interakt_fake: InteraktFake, client: InteraktClient
) -> None:
    client.send_event("Order Placed", user_id="42", tags=("a",))
    assert _last_body(interakt_fake, "trackEvent")["tags"] == ["a"]

    async def main() -> None:
        async with AsyncInteraktClient(KEY, base_url=interakt_fake.url) as interakt:
            await interakt.user(phone_number="9999999999", full_phone_number="919999999999")

    asyncio.run(main())
    assert _last_body(interakt_fake, "trackUser")["fullPhoneNumber"] == "919999999999"


def test_none_means_not_sent(interakt_fake: InteraktFake, client: InteraktClient) -> None:
    client.send_user(user_id="42", tags=None)
    assert "tags" not in _last_body(interakt_fake, "trackUser")


@pytest.mark.parametrize("sync_mode", [False, True])
def test_the_track_module_takes_the_fields_too(interakt_fake: InteraktFake, sync_mode: bool) -> None:
    track.api_key, track.host, track.sync_mode = KEY, interakt_fake.url, sync_mode
    try:
        track.event(user_id="42", event="Order Placed", tags=["vip"], full_phone_number="919999999999")
        track.user(user_id="42", tags=["vip"])
        assert track.flush(10).pending == 0
    finally:
        track.shutdown(5)
        track.api_key, track.host, track.sync_mode = None, None, False
    assert _last_body(interakt_fake, "trackEvent")["tags"] == ["vip"]
    assert _last_body(interakt_fake, "trackEvent")["fullPhoneNumber"] == "919999999999"
    assert _last_body(interakt_fake, "trackUser")["tags"] == ["vip"]


@pytest.mark.parametrize(
    ("fields", "error", "names"),
    [
        ({"tagz": ["vip"]}, TypeError, "unexpected keyword argument 'tagz'"),
        ({"tags": "vip"}, TypeError, "tags must be a list"),
        ({"tags": ["vip", 3]}, TypeError, "tags[1] must be a string"),
        ({"tags": ["\ud800"]}, ValueError, "tags[0]"),
        ({"full_phone_number": "+91 99"}, ValueError, "full_phone_number must match"),
        ({"full_phone_number": 919999}, TypeError, "full_phone_number must be a string"),
    ],
)
def test_bad_fields_are_refused_at_the_call_site_naming_them(
    client: InteraktClient, fields: dict[str, Any], error: type[Exception], names: str
) -> None:
    with pytest.raises(error) as raised:
        client.event("Order Placed", user_id="42", **fields)
    assert names in str(raised.value)
    assert client.stats().queued == 0


def test_call_sends_any_operation_of_the_spec(interakt_fake: InteraktFake, client: InteraktClient) -> None:
    answer = client.call("trackEvent", body={"userId": "42", "event": "Order Placed", "tags": ["x"]})
    assert answer["result"] is True
    assert _last_body(interakt_fake, "trackEvent") == {"userId": "42", "event": "Order Placed", "tags": ["x"]}
    request = interakt_fake.requests_to("trackEvent")[-1]
    assert request.headers["authorization"].startswith("Basic ")


def test_call_raises_the_typed_errors(client: InteraktClient) -> None:
    with pytest.raises(APIError) as raised:
        client.call("trackEvent", body={"event": "no user"})
    assert raised.value.status == 400
    with pytest.raises(ValueError, match="trackEvent, trackUser"):
        client.call("deleteUser", body={})
    with pytest.raises(TypeError, match="body"):
        client.call("trackUser")
    with pytest.raises(ValueError, match=r"body\['traits'\]\['a'\]"):
        client.call("trackUser", body={"userId": "1", "traits": {"a": float("nan")}})


def test_async_call(interakt_fake: InteraktFake) -> None:
    async def main() -> Any:
        async with AsyncInteraktClient(KEY, base_url=interakt_fake.url) as interakt:
            return await interakt.call("trackUser", body={"userId": "7"})

    assert asyncio.run(main())["result"] is True
    assert _last_body(interakt_fake, "trackUser") == {"userId": "7"}
