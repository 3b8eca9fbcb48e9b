"""The same scripts against pyttributionio 0.5 (in its own venv) and against the drop-in.

Both point `PyttributionIo.PUBLIC_API_URL` / `PRIVATE_API_URL` at the fake, as the original
allows. Times (`created_at`, the time in `transaction_id`) and generated client ids are replaced
by placeholders before comparing; every other difference must be listed as deliberate, and each
of those must be named in the README's migration sections.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dropin_helpers import Case, differences, in_readme, shim_python, side_by_side

from trackapis.testing import AttributionFake, serve

PUBLIC_KEY, SECRET = "test-public-key", "test-secret"


AT_ONCE = "`trigger_event` sends the event and its identity at once"
PERCENT_ENCODED = "the client id is percent-encoded in the URL path"

SETUP = """
from pyttributionio import PyttributionIo
PyttributionIo.PUBLIC_API_URL = URL + "/"
PyttributionIo.PRIVATE_API_URL = URL + "/api/v1"
attribution = PyttributionIo(KEY, "test-secret")
"""

CASES = [
    Case(
        "identity_then_fetches",
        SETUP
        + """
observe("identity", lambda: attribution.trigger_identity("cookie-1", client_id="john@example.com",
        user_agent="UA/1"))
observe("base", lambda: attribution.fetch_customer_info_base("john@example.com"))
observe("full", lambda: attribution.fetch_customer_info_full("john@example.com"))
observe("pageviews", lambda: attribution.fetch_customer_info_pageviews("john@example.com"))
observe("touchpoints", lambda: attribution.fetch_customer_info_touchpoints("john@example.com"))
observe("events", lambda: attribution.fetch_customer_info_events("john@example.com"))
observe("identities", lambda: attribution.fetch_customer_info_identities("john@example.com"))
observe("unknown", lambda: attribution.fetch_customer_info_base("nobody"))
""",
        requests_differ=PERCENT_ENCODED,
    ),
    Case(
        "event_with_client_id",
        SETUP
        + """
observe("event", lambda: attribution.trigger_event("cookie-1", "signup", client_id="john",
        user_agent="UA/1", last_url="https://example.com/signup"))
observe("defaults", lambda: attribution.trigger_event("cookie-2", "signup", client_id="jane"))
""",
    ),
    Case(
        "event_without_client_id",
        SETUP
        + """
import urllib.request
observe("event", lambda: attribution.trigger_event("cookie-1", "signup"))
""",
        requests_differ="one generated identity links an event and its identity",
    ),
    Case(
        "wrong_secret",
        """
from pyttributionio import PyttributionIo
PyttributionIo.PRIVATE_API_URL = URL + "/api/v1"
attribution = PyttributionIo(KEY, "wrong")
observe("fetch", lambda: attribution.fetch_customer_info_full("john@example.com"))
""",
        requests_differ=PERCENT_ENCODED,
    ),
    Case(
        "server_error_then_success",
        SETUP
        + """
observe("identity", lambda: attribution.trigger_identity("cookie-1", client_id="john"))
""",
        deliberate={"identity": "retries that end within `deadline` seconds"},
        faults=lambda fake: fake.faults.fail_next(1, status=500),
    ),
    Case(
        "public_attributes",
        SETUP
        + """
public = sorted(name for name in dir(attribution) if not name.startswith("_"))
observe("names", lambda: public)
observe("constants", lambda: [attribution.GET_REQUEST, PyttributionIo.REQUEST_RETRY_AMOUNT,
        PyttributionIo.REQUEST_RETRY_DELAY, issubclass(attribution.RequestException, Exception)])
from pyttributionio.pyttributionio import PyttributionIo as same
observe("module path", lambda: same is PyttributionIo)
""",
        superset=("names",),
    ),
]


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[AttributionFake, AttributionFake]]:
    """One fake for the original, one for the drop-in: both run at once."""
    with (
        serve(AttributionFake(PUBLIC_KEY, SECRET)) as theirs,
        serve(AttributionFake(PUBLIC_KEY, SECRET)) as ours,
    ):
        yield theirs, ours


def normalized(value: Any, generated: dict[str, str]) -> Any:
    """Times become "<time>"; generated 24-character client ids become "<id N>" in order seen."""
    if isinstance(value, dict):
        return {key: _field(key, item, generated) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalized(item, generated) for item in value]
    return value


def _field(key: str, value: Any, generated: dict[str, str]) -> Any:
    if key == "created_at" and isinstance(value, int):
        return "<time>"
    if key == "client_id" and isinstance(value, str) and re.fullmatch(r"[a-z0-9]{24}", value):
        return generated.setdefault(value, f"<id {len(generated) + 1}>")
    if key == "transaction_id" and isinstance(value, str):
        client_id, _, _ = value.rpartition("@")
        return f"{_field('client_id', client_id, generated)}@<time>"
    return normalized(value, generated)


def run_both(
    case: Case, fakes: tuple[AttributionFake, AttributionFake], original: str
) -> list[tuple[Any, Any]]:
    outcomes = []
    for observations, requests in side_by_side(case, fakes, (original, shim_python()), PUBLIC_KEY):
        generated: dict[str, str] = {}
        # Sorted: the drop-in's trigger_event sends the event and its identity at once (README).
        described = sorted(
            (
                [r.method, r.path, sorted(r.query), normalized(r.json() if r.body else None, generated)]
                for r in requests
            ),
            key=lambda request: json.dumps(request, sort_keys=True),
        )
        outcomes.append((normalized(observations, generated), described))
    return outcomes


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_script_same_outcome(
    case: Case, fake: tuple[AttributionFake, AttributionFake], original_python: Callable[[str], str]
) -> None:
    (theirs, their_requests), (ours, our_requests) = run_both(case, fake, original_python("pyttributionio"))
    found = differences(theirs, ours)
    for label in case.superset:
        (their_names, our_names) = found.pop(label, ({"returned": []}, {"returned": []}))
        assert set(their_names["returned"]) <= set(our_names["returned"]), label
    assert set(found) == set(case.deliberate), found
    if not found:
        same = json.dumps(their_requests, sort_keys=True) == json.dumps(our_requests, sort_keys=True)
        assert same == (case.requests_differ is None), (their_requests, our_requests)
    if case.requests_differ is not None:
        assert in_readme(case.requests_differ), case.requests_differ
    assert in_readme(AT_ONCE)
    for phrase in case.deliberate.values():
        assert in_readme(phrase), phrase


def test_an_event_without_client_id_is_linked_to_its_identity_here_only(
    fake: tuple[AttributionFake, AttributionFake], original_python: Callable[[str], str]
) -> None:
    # The original generated two different ids, so its identity did not link its event.
    case = next(case for case in CASES if case.name == "event_without_client_id")
    linked = []
    for _, requests in side_by_side(
        case, fake, (original_python("pyttributionio"), shim_python()), PUBLIC_KEY
    ):
        ids = {r.path: next(iter(r.json().values()))["client_id"] for r in requests}
        linked.append(ids["/events"] == ids["/identities"])
    assert linked == [False, True]
    assert in_readme("one generated identity links an event and its identity")
