"""The queued JSON body is what the generated client would send, for any valid call."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from trackapis.interakt._generated import request_kwargs, request_model
from trackapis.interakt._payload import EVENTS_PATH, USERS_PATH, event_message, user_message

user_ids = st.one_of(
    st.text(min_size=1).filter(lambda text: text != ""), st.integers(), st.just(0), st.none()
)
phones = st.one_of(st.none(), st.from_regex(r"\A[0-9]{1,15}\Z"))
codes = st.sampled_from(["+91", "+1", "44", "+971"])
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(), inner, max_size=3)),
    max_leaves=8,
)
traits_values = st.one_of(st.none(), st.dictionaries(st.text(), json_values, max_size=5))
moments = st.one_of(
    st.none(),
    st.datetimes(timezones=st.just(datetime.UTC)),
    st.datetimes(timezones=st.just(datetime.UTC)).map(lambda moment: moment.isoformat()),
)


def _identified(call: dict[str, Any]) -> bool:
    return call["user_id"] not in (None, "") or call["phone_number"] is not None


calls = st.fixed_dictionaries(
    {
        "user_id": user_ids,
        "phone_number": phones,
        "country_code": codes,
        "traits": traits_values,
        "created_at": moments,
    }
).filter(_identified)


@settings(max_examples=300)
@given(call=calls, event=st.one_of(st.none(), st.text(min_size=1).filter(lambda text: text.strip() != "")))
def test_the_body_round_trips_through_the_generated_models(call: dict[str, Any], event: str | None) -> None:
    lane, message = user_message(**call) if event is None else event_message(event, **call)

    assert message.path == (USERS_PATH if event is None else EVENTS_PATH)
    parsed = request_model(message).to_dict()
    if "createdAt" in message.body:  # the body has it in UTC with Z; the model writes +00:00
        assert message.body["createdAt"].endswith("Z")
        assert parsed.pop("createdAt") == message.body["createdAt"].replace("Z", "+00:00")
    assert parsed == {k: v for k, v in message.body.items() if k != "createdAt"}
    kwargs = request_kwargs(message)
    assert (kwargs["method"], kwargs["url"], kwargs["json"]) == ("post", message.path, message.body)
    assert lane.startswith("id:" if "userId" in message.body else "phone:")


def test_the_body_uses_the_wire_names() -> None:
    moment = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    _, message = event_message(
        "Order Placed",
        user_id=0,
        phone_number="9999999999",
        country_code="+91",
        traits={"orderValue": 50.5},
        created_at=moment,
    )
    assert message.body == {
        "userId": "0",
        "phoneNumber": "9999999999",
        "countryCode": "+91",
        "event": "Order Placed",
        "traits": {"orderValue": 50.5},
        "createdAt": "2024-05-01T12:30:00Z",
    }


def test_traits_are_copied_so_later_changes_by_the_caller_do_not_leak_into_the_queue() -> None:
    traits = {"plan": "free"}
    _, message = user_message(
        user_id="42", phone_number=None, country_code="+91", traits=traits, created_at=None
    )
    traits["plan"] = "pro"
    assert message.body["traits"] == {"plan": "free"}


@settings(max_examples=300)
@given(
    event=st.text(max_size=8),
    user_id=st.text(max_size=8),
    traits=st.dictionaries(st.text(max_size=4), json_scalars, max_size=4),
)
def test_the_common_event_call_builds_what_the_general_path_builds(
    event: str, user_id: str, traits: dict[str, Any]
) -> None:
    # event_message takes a one-frame path for the common call (string id, flat dict of traits);
    # a read-only mapping of the same traits takes the general one: same lane, body or error.
    import types

    def build(given_traits: Any) -> Any:
        try:
            lane, message = event_message(
                event,
                user_id=user_id,
                phone_number=None,
                country_code="+91",
                traits=given_traits,
                created_at=None,
            )
        except (TypeError, ValueError) as error:
            return type(error), str(error)
        return lane, message.path, message.body

    assert build(traits) == build(types.MappingProxyType(traits))
