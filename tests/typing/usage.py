"""How a user with a `mypy --strict` codebase calls the generated clients.

Checked by mypy (see tests/test_static.py), never executed: the `assert_type` lines pin what
the public surface returns, so a regeneration that changes a type fails the check.
"""

from __future__ import annotations

import datetime
from typing import assert_type

import httpx

from attributionio_client import AuthenticatedClient as AttributionAuthenticatedClient
from attributionio_client import Client as AttributionClient
from attributionio_client.api.customers import get_customer
from attributionio_client.api.public import trigger_event, trigger_identity
from attributionio_client.models import CustomerResponse, Event, EventRequest, Identity, IdentityRequest, Meta
from attributionio_client.models import Error as AttributionError
from attributionio_client.types import Response
from interakt_client import Client as InteraktClient
from interakt_client.api.events import track_event
from interakt_client.api.users import track_user
from interakt_client.models import Error as InteraktError
from interakt_client.models import (
    EventByPhone,
    EventByUserId,
    EventTrackResult,
    TrackResult,
    Traits,
    UserByPhone,
    UserByUserId,
)
from seven_segments_client import AuthenticatedClient as SevenSegmentsAuthenticatedClient
from seven_segments_client import Client as SevenSegmentsClient
from seven_segments_client.api.analytics import export_analysis
from seven_segments_client.api.bulk import bulk
from seven_segments_client.api.campaigns import get_html
from seven_segments_client.api.system import get_system_time
from seven_segments_client.models import (
    BulkEventCommand,
    BulkRequest,
    BulkResult,
    CustomerIds,
    EventTrack,
    ExportRequest,
    FunnelResult,
    HtmlRequest,
    HtmlResult,
    ReportResult,
    SystemTime,
    TableResult,
)
from seven_segments_client.models import Error as SevenSegmentsError


def interakt(base_url: str, api_key: str) -> None:
    client = InteraktClient(base_url=base_url, httpx_args={"auth": httpx.BasicAuth(api_key, "")})
    traits = Traits.from_dict({"name": "John Doe", "age": 24})
    user = UserByUserId(user_id="42", traits=traits, created_at=datetime.datetime.now(datetime.UTC))
    assert_type(track_user.sync(client=client, body=user), InteraktError | TrackResult | None)
    by_phone = UserByPhone(phone_number="9999999999", country_code="+91")
    detailed = track_user.sync_detailed(client=client, body=by_phone)
    assert_type(detailed.status_code.value, int)
    event = EventByUserId(user_id="42", event="Order Placed", traits=traits)
    assert_type(
        track_event.sync(client=client, body=event), EventTrackResult | InteraktError | TrackResult | None
    )
    track_event.sync(
        client=client, body=EventByPhone(phone_number="9999999999", country_code="+91", event="Signed Up")
    )


async def interakt_async(client: InteraktClient) -> None:
    result = await track_event.asyncio(client=client, body=EventByUserId(user_id="42", event="Order Placed"))
    assert_type(result, EventTrackResult | InteraktError | TrackResult | None)


def seven_segments(base_url: str, username: str, password: str) -> None:
    client = SevenSegmentsClient(base_url=base_url)
    john = CustomerIds.from_dict({"registered": "john123"})
    html = get_html.sync(
        client=client,
        body=HtmlRequest(customer_ids=john, company_id="token", html_campaign_name="Banner left"),
    )
    assert_type(html, SevenSegmentsError | HtmlResult | None)
    command = BulkEventCommand(
        name="crm/events",
        data=EventTrack(customer_ids=john, company_id="token", type_="purchase", timestamp=1.5),
    )
    assert_type(
        bulk.sync(client=client, body=BulkRequest(commands=[command])), BulkResult | SevenSegmentsError | None
    )
    assert_type(get_system_time.sync(client=client), SevenSegmentsError | SystemTime | None)
    # Operations with `security` take an AuthenticatedClient; its bearer token is not how these
    # APIs authenticate, so the auth goes into the httpx client handed over (which replaces the token).
    authenticated = SevenSegmentsAuthenticatedClient(base_url=base_url, token="").set_httpx_client(
        httpx.Client(base_url=base_url, auth=httpx.BasicAuth(username, password))
    )
    export = export_analysis.sync(
        "funnel", client=authenticated, body=ExportRequest(analysis_id="id"), company="token"
    )
    assert_type(export, SevenSegmentsError | FunnelResult | ReportResult | TableResult | None)


def attributionio(private_url: str, public_url: str, public_key: str, secret: str) -> None:
    private = AttributionAuthenticatedClient(base_url=private_url, token="").set_httpx_client(
        httpx.Client(base_url=private_url, params={"secret": secret})
    )
    customer: Response[AttributionError | CustomerResponse] = get_customer.sync_detailed(
        public_key, "john@example.com", client=private, show_events=True
    )
    assert_type(customer.parsed, AttributionError | CustomerResponse | None)
    public = AttributionClient(base_url=public_url)
    meta = Meta(agent="User-Agent unknown")
    identity = Identity(aliases=["a"], client_id="c", public_key=public_key, created_at=0, meta=meta)
    trigger_identity.sync(client=public, body=IdentityRequest(identity=identity))
    event = Event(
        aliases=["a"],
        client_id="c",
        event_public_key="signup",
        url="URL unknown",
        public_key=public_key,
        transaction_id="c@0",
        is_informational=False,
        created_at=0,
        meta=meta,
    )
    trigger_event.sync(client=public, body=EventRequest(event=event))
