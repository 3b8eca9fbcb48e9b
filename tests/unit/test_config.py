"""One connection config: every client's constructor checks every option with the same rule and message."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import pytest

from trackapis._config import ConnectionConfig, DeliveryOptions, Network
from trackapis.attributionio import AsyncAttributionClient, AttributionClient
from trackapis.interakt import AsyncInteraktClient, InteraktClient
from trackapis.seven_segments import (
    AsyncAuthenticatedSevenSegmentsClient,
    AsyncSevenSegmentsClient,
    AuthenticatedSevenSegmentsClient,
    SevenSegmentsClient,
)

CONSTRUCTORS: dict[str, Callable[..., Any]] = {
    "InteraktClient": lambda **o: InteraktClient("key", **o),
    "InteraktClient(background=False)": lambda **o: InteraktClient("key", background=False, **o),
    "AsyncInteraktClient": lambda **o: AsyncInteraktClient("key", **o),
    "SevenSegmentsClient": lambda **o: SevenSegmentsClient("token", **o),
    "SevenSegmentsClient(background=True)": lambda **o: SevenSegmentsClient("token", background=True, **o),
    "AsyncSevenSegmentsClient": lambda **o: AsyncSevenSegmentsClient("token", **o),
    "AuthenticatedSevenSegmentsClient": lambda **o: AuthenticatedSevenSegmentsClient("user", "pw", **o),
    "AsyncAuthenticatedSevenSegmentsClient": lambda **o: AsyncAuthenticatedSevenSegmentsClient(
        "user", "pw", **o
    ),
    "AttributionClient": lambda **o: AttributionClient("key", "secret", **o),
    "AttributionClient(background=True)": lambda **o: AttributionClient("key", background=True, **o),
    "AsyncAttributionClient": lambda **o: AsyncAttributionClient("key", "secret", **o),
}
BACKGROUND = ["InteraktClient", "SevenSegmentsClient(background=True)", "AttributionClient(background=True)"]
BAD_SECONDS = [math.inf, -math.inf, math.nan, -1, 0, 0.0, 10**400, "5", None, True]


def _message(build: Callable[..., Any], **options: Any) -> str:
    async def construct() -> str:  # the async clients are made inside a running loop, as users do
        with pytest.raises(ValueError, match=r".+") as raised:
            build(**options)
        return str(raised.value)

    return asyncio.run(construct())


@pytest.mark.parametrize("name", CONSTRUCTORS)
@pytest.mark.parametrize("option", ["timeout", "deadline"])
@pytest.mark.parametrize("value", BAD_SECONDS, ids=repr)
def test_every_constructor_refuses_a_bad_duration_with_one_message(
    name: str, option: str, value: Any
) -> None:
    message = _message(CONSTRUCTORS[name], **{option: value})
    assert message == f"{option} must be a finite number of seconds greater than 0, not {value!r}"


@pytest.mark.parametrize("name", BACKGROUND)
@pytest.mark.parametrize("value", [math.nan, -1, "5"], ids=repr)
def test_every_background_client_refuses_a_bad_shutdown_timeout(name: str, value: Any) -> None:
    # An infinite or huge shutdown_timeout means "no limit" (the engine's rule); these are refused.
    message = _message(CONSTRUCTORS[name], shutdown_timeout=value)
    assert message.startswith("shutdown_timeout must be ")


@pytest.mark.parametrize("name", BACKGROUND)
@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_queue_size", 0),
        ("max_in_flight", -1),
        ("max_in_flight", True),
        ("rate_limit_per_minute", math.inf),
    ],
)
def test_every_background_client_refuses_bad_delivery_options(name: str, option: str, value: Any) -> None:
    assert _message(CONSTRUCTORS[name], **{option: value}).startswith(f"{option} must be ")


@pytest.mark.parametrize("name", CONSTRUCTORS)
@pytest.mark.parametrize(
    ("option", "value", "start"),
    [
        ("base_url", "ftp://x", "base_url must be an http(s) URL"),
        ("proxy", "socks5://proxy:1080", "proxy must be an http(s) URL"),
        ("verify", "/no/such/ca.pem", "verify: no CA bundle at"),
        ("verify", 3, "verify must be True"),
    ],
)
def test_every_constructor_checks_the_network_options_alike(
    name: str, option: str, value: Any, start: str
) -> None:
    assert _message(CONSTRUCTORS[name], **{option: value}).startswith(start)


def test_shutdown_timeout_is_the_engines_to_check() -> None:
    options = DeliveryOptions.build(
        max_queue_size=1, max_in_flight=1, rate_limit_per_minute=None, shutdown_timeout=math.inf
    )
    assert options.shutdown_timeout == math.inf


def test_the_environment_proxy_is_read_once_and_no_proxy_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("https_proxy", "proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "skip.example,.internal")
    network = Network.resolve()
    monkeypatch.delenv("https_proxy")  # resolved already: later changes do not matter
    assert network.proxy_for("https://api.interakt.ai/v1") == "http://proxy.internal:3128"
    assert network.proxy_for("http://api.interakt.ai/v1") is None
    assert network.proxy_for("https://skip.example") is None
    assert network.proxy_for("https://a.internal") is None
    assert Network.resolve(proxy=False).proxy_for("https://api.interakt.ai") is None
    assert Network.resolve(proxy="http://p:1").proxy_for("http://x") == "http://p:1"


def test_a_config_is_frozen_and_shows_no_secret() -> None:
    config = ConnectionConfig.build(base_url="https://x.test/", example="https://x", timeout=1, deadline=2)
    assert config.base_url == "https://x.test"
    with pytest.raises(AttributeError):
        config.timeout = 3  # type: ignore[misc]
