"""Spec-validating fake servers of the three APIs, for your own tests and CI.

Each fake is an ASGI app that validates every request against its API's OpenAPI document,
checks credentials, keeps the state the real service would reflect, records every request, and
injects faults on demand::

    from trackapis.testing import InteraktFake, serve

    with serve(InteraktFake(api_key="k")) as fake:
        ...  # point a client at fake.url
        fake.faults.fail_next(2, status=503, retry_after=1)
        assert fake.user("u1").traits == {...}

With pytest, enable the plugin (`-p trackapis.testing.pytest_plugin`) and use the fixtures
`interakt_fake`, `seven_segments_fake` and `attributionio_fake`. From a shell:
`python -m trackapis.testing serve --api interakt --port 0` prints the URL.
"""

from ._app import Call, DroppedConnection, FakeAPI, RecordedRequest, Reply
from ._attributionio import AttributionEvent, AttributionFake, AttributionIdentity
from ._credentials import TEST_CREDENTIALS
from ._faults import Fault, Faults
from ._interakt import InteraktEvent, InteraktFake, InteraktUser
from ._json import JsonObject, JsonValue
from ._received import AttributionReceived, InteraktReceived, SevenSegmentsReceived, received
from ._serve_fakes import serve_fakes
from ._server import serve
from ._seven_segments import SevenSegmentsCustomer, SevenSegmentsEvent, SevenSegmentsFake
from ._specs import API_NAMES, ApiName, load_spec, spec_path

__all__ = [
    "API_NAMES",
    "FAKES",
    "TEST_CREDENTIALS",
    "ApiName",
    "AttributionEvent",
    "AttributionFake",
    "AttributionIdentity",
    "AttributionReceived",
    "Call",
    "DroppedConnection",
    "FakeAPI",
    "Fault",
    "Faults",
    "InteraktEvent",
    "InteraktFake",
    "InteraktReceived",
    "InteraktUser",
    "JsonObject",
    "JsonValue",
    "RecordedRequest",
    "Reply",
    "SevenSegmentsCustomer",
    "SevenSegmentsEvent",
    "SevenSegmentsFake",
    "SevenSegmentsReceived",
    "load_spec",
    "received",
    "serve",
    "serve_fakes",
    "spec_path",
]

FAKES: dict[ApiName, type[FakeAPI]] = {
    "interakt": InteraktFake,
    "seven_segments": SevenSegmentsFake,
    "attributionio": AttributionFake,
}
