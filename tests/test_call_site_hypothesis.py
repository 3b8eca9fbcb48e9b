"""Any value through every public tracking call and shim: a documented error naming its argument, or
delivered (against the fakes).

Documented errors at the call site are `TypeError` and `ValueError` naming the argument; never
`RecursionError`, `OverflowError`, `UnicodeEncodeError` or an httpx exception. Whatever a call
accepts, the fake (which validates every request against the spec) accepts too; in the
background it is delivered without a report to `on_error`.
"""

from __future__ import annotations

import datetime
import decimal
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import seven_segments
import track
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyttributionio import PyttributionIo

from trackapis import TrackapisError
from trackapis.attributionio import AttributionClient
from trackapis.interakt import InteraktClient
from trackapis.seven_segments import SevenSegmentsClient
from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text with lone surrogates and every other code point; ints past the digit limit.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=12)
offsets = st.integers(min_value=-86399, max_value=86399).map(
    lambda seconds: datetime.timezone(datetime.timedelta(seconds=seconds))
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.builds(pow, st.just(10), st.just(4400)),  # past the digit limit (repr() fails on it)
    st.floats(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.just(decimal.Decimal("sNaN")),
    st.fractions(),
    st.complex_numbers(),
    any_text,
    st.binary(max_size=4),
    st.datetimes(timezones=st.none() | offsets),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text | st.integers(), inner, max_size=3),
    max_leaves=8,
)


def _deep(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value}
    return value


def _cyclic() -> Any:
    cycle: dict[str, Any] = {}
    cycle["self"] = [cycle]
    return cycle


mappings = st.one_of(
    st.none(),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.integers(-9, 9), max_size=3),
    st.dictionaries(any_text | st.integers(), values, max_size=3),
    st.builds(_deep, st.integers(30, 2000)),
    st.builds(_cyclic),
    values,
)
ids = st.one_of(st.text(min_size=1, max_size=8), st.integers(-(10**6), 10**6), values)
moments = st.one_of(
    st.none(),
    st.datetimes(timezones=offsets, min_value=datetime.datetime(1900, 1, 1)),
    st.datetimes(timezones=offsets).map(lambda moment: moment.isoformat()),
    values,
)


# The drop-ins' documented input errors: TypeError/ValueError that are also the originals' types
# (track's are AssertionErrors too, seven_segments' InvalidRequest). A stray subclass such as
# UnicodeEncodeError is not among them: it would name no argument.
_SHIM_MODULES = ("track", "seven_segments", "pyttributionio")


def _refused_well(error: BaseException, arguments: dict[str, Any]) -> None:
    documented = type(error) in (TypeError, ValueError) or (
        isinstance(error, (TypeError, ValueError)) and type(error).__module__.split(".")[0] in _SHIM_MODULES
    )
    assert documented, repr(error)
    assert any(name in str(error) for name in arguments), f"{error!r} names none of {sorted(arguments)}"


# Every argument name the calls below take, positionally or by keyword.
NAMES = dict.fromkeys(
    [
        "event",
        "user_id",
        "phone_number",
        "country_code",
        "traits",
        "created_at",
        "tags",
        "full_phone_number",
        "customer",
        "event_type",
        "properties",
        "timestamp",
        "age",
        "attributionio_id",
        "event_key",
        "client_id",
        "user_agent",
        "last_url",
        "is_informational",
    ]
)


def _call(function: Any, *args: Any, **kwargs: Any) -> bool:
    """True when accepted; False when refused with a documented error naming an argument."""
    try:
        function(*args, **kwargs)
    except (TypeError, ValueError) as error:
        _refused_well(error, NAMES)
        return False
    return True


# -- Interakt ----------------------------------------------------------------------------------------


@pytest.fixture
def interakt(interakt_fake: InteraktFake) -> Iterator[InteraktClient]:
    errors: list[Any] = []
    with InteraktClient(
        "test-interakt-key",
        base_url=interakt_fake.url,
        on_error=lambda e, m: errors.append((e, m)),
        shutdown_timeout=10,
    ) as client:
        yield client
        assert client.flush(timeout=20).complete
    assert errors == []


@SETTINGS
@given(
    event=st.one_of(st.just("Order Placed"), any_text, values),
    user_id=ids,
    phone_number=st.one_of(st.none(), st.from_regex(r"\A[0-9]{1,12}\Z"), values),
    country_code=st.one_of(st.just("+91"), st.just("44"), values),
    traits=mappings,
    created_at=moments,
    tags=st.one_of(st.none(), st.lists(st.text(max_size=4), max_size=3), values),
    full_phone_number=st.one_of(st.none(), st.from_regex(r"\A[0-9]{1,12}\Z"), values),
)
def test_interakt_calls_refuse_well_or_deliver(interakt: InteraktClient, **arguments: Any) -> None:
    event = arguments.pop("event")
    if _call(interakt.send_event, event, **arguments):
        assert interakt.event(event, **arguments)  # and in the background: the fixture checks delivery
    user = {k: v for k, v in arguments.items()}
    _call(interakt.send_user, **user)
    _call(track_user_through_the_shim, **user)


def track_user_through_the_shim(**arguments: Any) -> None:
    track.sync_mode = True
    track.user(**arguments)


@pytest.fixture(autouse=True)
def _track_module(interakt_fake: InteraktFake) -> Iterator[None]:
    track.api_key, track.host = "test-interakt-key", interakt_fake.url
    yield
    track.shutdown(5)
    track.api_key, track.host, track.sync_mode = None, None, False


# -- 7SEGMENTS ----------------------------------------------------------------------------------------

customers = st.one_of(
    st.text(min_size=1, max_size=6),
    st.fixed_dictionaries({"registered": st.text(min_size=1, max_size=6)}),
    st.dictionaries(any_text, any_text | st.integers(), min_size=1, max_size=2),
    values,
)


@SETTINGS
@given(
    customer=customers,
    event_type=st.one_of(st.just("purchase"), any_text, values),
    properties=mappings,
    timestamp=st.one_of(
        st.none(), st.floats(0, 2e9), st.integers(0, 2 * 10**9), st.datetimes(timezones=offsets), values
    ),
    age=st.one_of(st.none(), st.floats(0, 1e6), values),
)
def test_seven_segments_calls_refuse_well_or_deliver(
    seven_segments_fake: SevenSegmentsFake, **arguments: Any
) -> None:
    customer, event_type = arguments.pop("customer"), arguments.pop("event_type")
    with SevenSegmentsClient("test-company-token", base_url=seven_segments_fake.url, max_retries=0) as client:
        _call(client.track, customer, event_type, **arguments)
        _call(client.update, customer, arguments["properties"])
    shim = seven_segments.SevenSegments(
        "test-company-token", target=seven_segments_fake.url, silent=False, max_retries=0
    )
    try:
        if _call(shim.identify, customer):
            _call(shim.track, event_type, arguments["properties"], arguments["timestamp"])
    finally:
        shim.close()


# -- Attribution.io -----------------------------------------------------------------------------------


@SETTINGS
@given(
    attributionio_id=st.one_of(st.text(min_size=1, max_size=8).filter(str.strip), any_text, values),
    event_key=st.one_of(st.just("signup"), any_text, values),
    client_id=st.one_of(st.none(), ids, st.builds(str.__mul__, st.just("x"), st.just(2_000_000))),
    user_agent=st.one_of(st.none(), st.text(max_size=8), values),
    last_url=st.one_of(st.none(), st.text(max_size=8), values),
    is_informational=st.one_of(st.none(), st.booleans(), values),
)
def test_attributionio_calls_refuse_well_or_deliver(
    attributionio_fake_client: AttributionClient, pyttributionio_shim: PyttributionIo, **arguments: Any
) -> None:
    client = attributionio_fake_client
    attributionio_id, event_key = arguments.pop("attributionio_id"), arguments.pop("event_key")
    _call(client.trigger_event, attributionio_id, event_key, **arguments)
    identity = {k: arguments[k] for k in ("client_id", "user_agent")}
    _call(client.trigger_identity, attributionio_id, **identity)
    seed = {k: "" if v is None else v for k, v in arguments.items() if k != "is_informational"}
    _call(pyttributionio_shim.trigger_event, attributionio_id, event_key, **seed)
    _call(pyttributionio_shim.fetch_customer_info_base, arguments["client_id"])
    try:
        client.fetch_customer(arguments["client_id"])
    except (TypeError, ValueError) as error:
        _refused_well(error, {"client_id": 1})
    except TrackapisError:
        pass  # an answer the API gives (e.g. for an unknown customer) is not a call-site error


@pytest.fixture
def pyttributionio_shim(
    attributionio_fake: AttributionFake, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PyttributionIo]:
    # monkeypatch restores the class attributes: `del` would remove the shim's own defaults.
    monkeypatch.setattr(PyttributionIo, "PRIVATE_API_URL", attributionio_fake.url + "/api/v1")
    monkeypatch.setattr(PyttributionIo, "PUBLIC_API_URL", attributionio_fake.url)
    shim = PyttributionIo("test-public-key", "test-secret", max_retries=0)
    yield shim
    shim.close()


def test_a_huge_client_id_is_a_clear_error_and_the_shim_logs_and_returns_none(
    attributionio_fake: AttributionFake,
    attributionio_fake_client: AttributionClient,
    pyttributionio_shim: PyttributionIo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    huge = "x" * 1_000_000
    with pytest.raises(ValueError, match="client_id is 1000000 characters long"):
        attributionio_fake_client.fetch_customer(huge)
    with caplog.at_level(logging.ERROR):
        assert pyttributionio_shim.fetch_customer_info_base(huge) is None
    assert "client_id is 1000000 characters long" in caplog.text
    assert attributionio_fake.requests == []
