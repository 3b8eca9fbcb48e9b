"""The same scripts against interakt-track-python 1.0.7 (in its own venv) and against `track`.

Each case compares what the calls returned or raised, and what reached the fake (method, path,
Authorization, Content-Type, JSON body). Every difference found must be one the case lists as
deliberate, and each of those must be named in the README's migration sections.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from dropin_helpers import Case, differences, in_readme, run, shim_python, side_by_side

from trackapis.testing import InteraktFake, RecordedRequest, serve

KEY = "test-interakt-key"


SETUP = """
import track
track.api_key = KEY
track.host = URL
"""

CASES = [
    Case(
        "what_the_original_also_took",
        SETUP
        + """
import logging, numbers
class Int64:  # numpy.int64 and pandas ids: a numbers.Integral that is not an int
    def __init__(self, value):
        self.value = value
    def __index__(self):
        return self.value
    def __int__(self):
        return self.value
    def __str__(self):
        return str(self.value)
numbers.Integral.register(Int64)
track.timeout = None
track.max_queue_size = 0
observe("integral id", lambda: track.user(user_id=Int64(12345)))
observe("float id", lambda: track.event(user_id=1.5, event="Float id"))
observe("empty list traits", lambda: track.event(user_id="u", event="E", traits=[]))
observe("zero traits", lambda: track.event(user_id="u", event="E", traits=0))
observe("queue not full", lambda: track.default_client.queue.full())
chosen = logging.getLogger("interakt")
chosen.setLevel(logging.ERROR)
track.debug = False
observe("level kept", lambda: chosen.level)
track.shutdown()
""",
        ordered=False,  # users concurrently here
    ),
    Case(
        "readme_calls",
        SETUP
        + """
observe("user", lambda: track.user(user_id="<user_id in your db>", country_code="+91",
        phone_number="9999999999", traits={"name": "John Doe", "email": "john@email.com", "age": 24}))
observe("event", lambda: track.event(user_id="<user id in your db>", event="Order Placed",
        traits={"orderValue": "50.00"}, country_code="+91", phone_number="9999999999"))
observe("positional", lambda: track.event(12345, "Numeric id"))
observe("phone only", lambda: track.user(phone_number="8888888888", traits={"a": [1, 2]}))
track.flush()
observe("queue empty", lambda: track.default_client.queue.empty())
track.shutdown()
""",
        ordered=False,
    ),
    Case(
        "shutdown_delivers_everything",
        SETUP
        + """
for n in range(30):
    track.event(user_id="one", event="e%d" % n)
track.shutdown()
""",
        faults=lambda fake: fake.faults.add_latency(0.02),
    ),
    Case(
        "client_class",
        """
import track
client = track.Client(api_key=KEY, host=URL)
observe("user", lambda: client.user("42", "+91", "9999999999", {"plan": "pro"}))
observe("event", lambda: client.event(user_id=42, event="Signed Up"))
observe("attributes", lambda: [client.api_key == KEY, client.host == URL, client.sync_mode,
        client.timeout, client.on_error, client.debug])
client.flush()
client.shutdown()
""",
    ),
    Case(
        "sync_mode_answer",
        SETUP
        + """
track.sync_mode = True
observe("event", lambda: track.event(user_id="u", event="E"))
observe("user", lambda: track.user(user_id="u", traits={"k": "v"}))
""",
    ),
    Case(
        "sync_mode_4xx",
        SETUP
        + """
from track.request import APIError
track.sync_mode = True
observe("400", lambda: track.event(user_id="u", event="E"))
""",
        faults=lambda fake: fake.faults.fail_next(1, status=400),
    ),
    Case(
        "sync_mode_503",
        SETUP
        + """
track.sync_mode = True
observe("503", lambda: track.event(user_id="u", event="E"))
""",
        deliberate={"503": "send in the caller **with retries**"},
        faults=lambda fake: fake.faults.fail_next(1, status=503),
    ),
    Case(
        "sync_mode_connection_error",
        """
import track
track.api_key = KEY
track.host = "http://127.0.0.1:9"
track.sync_mode = True
track.max_retries = 0
observe("refused", lambda: track.user(user_id="u"))
""",
    ),
    Case(
        "on_error_in_the_background",
        SETUP
        + """
seen = []
track.on_error = lambda error, queue_msg: seen.append((error, queue_msg))
track.user(user_id="u", traits={"a": 1})
track.flush()
observe("on_error", lambda: [[type(e).__name__, e.status_code, e.status, m] for e, m in seen])
track.shutdown()
""",
        faults=lambda fake: fake.faults.fail_next(1, status=400),
    ),
    Case(
        "input_errors",
        SETUP
        + """
observe("no id", lambda: track.user())
observe("phone not digits", lambda: track.user(phone_number="99-99"))
observe("unknown country code", lambda: track.user(phone_number="9999", country_code="+999"))
observe("no event", lambda: track.event(user_id="u"))
observe("empty event", lambda: track.event(user_id="u", event=""))
observe("traits not a dict", lambda: track.user(user_id="u", traits=["a"]))
observe("user_id of a bad type", lambda: track.user(user_id=[1]))
observe("Client without api_key", lambda: track.Client())
observe("user_id 0", lambda: track.user(user_id=0))
observe("user traits None", lambda: track.user(user_id="u", traits=None))
track.shutdown()
""",
        deliberate={
            "user_id 0": "`user_id=0` is an id",
            "user traits None": "`traits=None` means no traits",
        },
    ),
    Case(
        "non_string_trait_keys",
        SETUP
        + """
observe("keys", lambda: track.user(user_id="u", traits={1: "a", 2.5: "b", None: "c", "n": {False: 1}}))
track.shutdown()
""",
    ),
    Case(
        "debug_logging",
        SETUP
        + """
import logging
records = []
class Collect(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("interakt").addHandler(Collect())
track.debug = True
track.event(user_id="u", event="Logged")
track.flush()
observe("logged on interakt", lambda: bool(records))
observe("request logged", lambda: any("Logged" in m for m in records))
observe("no secret", lambda: not any(KEY in m for m in records))
track.shutdown()
""",
    ),
    Case(
        "shutdown_in_sync_mode",
        SETUP
        + """
track.sync_mode = True
track.user(user_id="u")
observe("shutdown", lambda: track.shutdown() and None)
""",
        deliberate={"shutdown": "`track.shutdown()` is idempotent and works in sync mode"},
    ),
]


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[InteraktFake, InteraktFake]]:
    """One fake for the original, one for the drop-in: both run at once."""
    with serve(InteraktFake(api_key=KEY)) as theirs, serve(InteraktFake(api_key=KEY)) as ours:
        yield theirs, ours


def sent(requests: list[RecordedRequest], ordered: bool) -> list[Any]:
    described = [
        (
            r.method,
            r.path,
            r.headers.get("authorization"),
            r.headers.get("content-type"),
            json.dumps(r.json(), sort_keys=True),
        )
        for r in requests
    ]
    return described if ordered else sorted(described)


def run_both(
    case: Case, fakes: tuple[InteraktFake, InteraktFake], original: str
) -> tuple[Any, Any, Any, Any, list[str]]:
    (theirs, their_requests), (ours, our_requests) = side_by_side(case, fakes, (original, shim_python()), KEY)
    agents = [r.headers.get("user-agent", "") for r in [*their_requests, *our_requests]]
    return theirs, ours, sent(their_requests, case.ordered), sent(our_requests, case.ordered), agents


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_script_same_outcome(
    case: Case, fake: tuple[InteraktFake, InteraktFake], original_python: Callable[[str], str]
) -> None:
    theirs, ours, their_requests, our_requests, _ = run_both(case, fake, original_python("interakt"))
    found = differences(theirs, ours)
    assert set(found) == set(case.deliberate), found
    if not found:
        assert their_requests == our_requests
    for phrase in case.deliberate.values():
        assert in_readme(phrase), phrase


def test_user_agent_is_the_one_documented_header_difference(
    fake: tuple[InteraktFake, InteraktFake], original_python: Callable[[str], str]
) -> None:
    case = CASES[0]
    *_, agents = run_both(case, fake, original_python("interakt"))
    assert {agent.split("/")[0] for agent in agents} == {"interakt-track-python", "trackapis"}
    assert in_readme("`User-Agent: trackapis/<version>`")


def test_public_names_and_signatures_are_the_originals(original_python: Callable[[str], str]) -> None:
    script = """
import inspect, importlib
import track
modules = ["track", "track.client", "track.consumer", "track.request", "track.utils", "track.const",
           "track.version"]
def public(module):
    module = importlib.import_module(module)
    return {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
def params(function):
    return [[p.name, p.kind.name, repr(p.default)] for p in inspect.signature(function).parameters.values()]
names = {module: sorted(public(module)) for module in modules}
observe("names", lambda: names)
functions = {"user": track.user, "event": track.event, "flush": track.flush, "join": track.join,
             "shutdown": track.shutdown, "Client": track.Client.__init__, "Client.user": track.Client.user,
             "Client.event": track.Client.event, "Client.flush": track.Client.flush,
             "Client.join": track.Client.join, "Client.shutdown": track.Client.shutdown,
             "post": track.request.post, "APIError": track.request.APIError.__init__,
             "require": track.utils.require, "verify_country_code": track.utils.verify_country_code,
             "remove_trailing_slash": track.utils.remove_trailing_slash, "stringify": track.utils.stringify}
observe("signatures", lambda: {name: params(f) for name, f in functions.items()})
observe("constants", lambda: [track.VERSION, track.version.VERSION, track.const.DEFAULT_HOST,
        [p.value for p in track.const.ApiPaths], track.default_client, track.api_key, track.host,
        track.sync_mode, track.debug, track.timeout, track.max_retries, track.max_queue_size,
        track.on_error])
observe("APIError text", lambda: str(track.request.APIError(False, 400, "bad")))
"""
    theirs = dict(run(original_python("interakt"), script, "http://unused", KEY))
    ours = dict(run(shim_python(), script, "http://unused", KEY))
    for module, names in theirs["names"]["returned"].items():
        # Names the original imported for its own use (backoff, requests' session, phonenumbers'
        # helper, Thread, Empty, queue, numbers, enum...) are not part of its interface.
        missing = set(names) - set(ours["names"]["returned"][module]) - INTERNAL_IMPORTS
        assert not missing, (module, missing)
    for name, their_params in theirs["signatures"]["returned"].items():
        our_params = ours["signatures"]["returned"][name]
        assert our_params[: len(their_params)] == their_params, name
        # Anything added comes after, with a default (or as **kwargs): old calls still bind.
        for _, kind, default in our_params[len(their_params) :]:
            assert kind in ("KEYWORD_ONLY", "VAR_KEYWORD") or default != repr(inspect_empty), name
    assert theirs["constants"] == ours["constants"]
    assert theirs["APIError text"] == ours["APIError text"]


inspect_empty = __import__("inspect").Parameter.empty
INTERNAL_IMPORTS = {
    "atexit",
    "backoff",
    "enum",
    "logging",
    "numbers",
    "queue",
    "Thread",
    "Empty",
    "sessions",
    "HTTPBasicAuth",
    "region_code_for_country_code",
    "ID_TYPES",
    "post",
    "APIError",
    "Consumer",
    "ApiPaths",
    "require",
    "stringify",
    "verify_country_code",
    "remove_trailing_slash",
    "VERSION",
    "DEFAULT_HOST",
}
