"""The tour: start the fakes on 127.0.0.1 and call every generated operation against them.

Run it with `scripts/demo --tour` or `python -m trackapis.demo.tour`. It prints
each request that was sent and the response that came back, then what each fake recorded, and
exits non-zero if any call did not get the answer it should have.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import httpx

import attributionio_client
import interakt_client
import seven_segments_client
from attributionio_client.api.customers import get_customer
from attributionio_client.api.public import trigger_event, trigger_identity
from attributionio_client.models import Event, EventRequest, Identity, IdentityRequest, Meta
from interakt_client.api.events import track_event as interakt_track_event
from interakt_client.api.users import track_user
from interakt_client.models import EventByUserId, Traits, UserByPhone, UserByUserId
from seven_segments_client.api.analytics import export_analysis
from seven_segments_client.api.bulk import bulk
from seven_segments_client.api.campaigns import get_html
from seven_segments_client.api.customers import update_customer
from seven_segments_client.api.events import track_event as seven_segments_track_event
from seven_segments_client.api.system import get_system_time
from seven_segments_client.models import (
    BulkCustomerCommand,
    BulkEventCommand,
    BulkRequest,
    CustomerIds,
    CustomerUpdate,
    EventTrack,
    ExportRequest,
    HtmlRequest,
    Properties,
)
from trackapis.testing import AttributionFake, InteraktFake, SevenSegmentsFake, serve

__all__ = [
    "ANALYSIS_ID",
    "SECRET_PLACEHOLDER",
    "TOKEN",
    "Demo",
    "Printer",
    "main",
]

TOKEN = "12345678-90ab-cdef-1234-567890abcdef"
ANALYSIS_ID = "2f86608f-24f5-11e3-9950-c48508494cf5"
SECRET_PLACEHOLDER = "[secret]"

Printer = Callable[[str], None]


def _redacted(url: httpx.URL) -> str:
    # The Attribution.io secret travels in the query string; never print it.
    if "secret" in url.params:
        url = url.copy_set_param("secret", SECRET_PLACEHOLDER)
    return str(url).replace("%5Bsecret%5D", SECRET_PLACEHOLDER)


def _hooks(say: Printer) -> dict[str, list[Callable[[Any], None]]]:
    def on_request(request: httpx.Request) -> None:
        body = request.content.decode() if request.content else ""
        say(f"  -> {request.method} {_redacted(request.url)} {body}".rstrip())

    def on_response(response: httpx.Response) -> None:
        response.read()
        say(f"  <- {response.status_code} {response.text}")

    return {"request": [on_request], "response": [on_response]}


class Demo:
    """Runs the calls and counts the answers that were not the expected ones."""

    def __init__(self, say: Printer = print) -> None:
        self.say = say
        self.failures: list[str] = []

    def expect(self, what: str, status: int, expected: int) -> None:
        if status != expected:
            self.failures.append(f"{what}: expected HTTP {expected}, got {status}")

    def call(self, what: str, expected: int, operation: Any, *args: Any, **kwargs: Any) -> None:
        """Call a generated operation (`sync_detailed`), expecting HTTP `expected`."""
        self.expect(what, operation.sync_detailed(*args, **kwargs).status_code, expected)

    def client(self, module: Any, url: str, **httpx_args: Any) -> Any:
        """A generated client whose httpx client prints the exchange and carries the API's auth.

        Operations with `security` are typed to take an `AuthenticatedClient`; none of these APIs
        uses its bearer token, so the auth travels in the httpx client handed over instead.
        """
        kind = module.AuthenticatedClient if httpx_args else module.Client
        client = kind(base_url=url, token="") if httpx_args else kind(base_url=url)
        return client.set_httpx_client(httpx.Client(base_url=url, event_hooks=_hooks(self.say), **httpx_args))

    def interakt(self, fake: InteraktFake) -> None:
        self.say("\nInterakt Track: users and events (HTTP Basic with the API key)")
        with self.client(interakt_client, fake.url, auth=httpx.BasicAuth("demo-interakt-key", "")) as client:
            traits = Traits.from_dict(
                {"name": "John Doe", "email": "john@email.com", "age": 24, "dob": "1998-01-01"}
            )
            user = UserByUserId(
                user_id="user-42", country_code="+91", phone_number="9999999999", traits=traits
            )
            self.call("trackUser", 202, track_user, client=client, body=user)
            by_phone = UserByPhone(
                phone_number="9999999999", country_code="+91", traits=Traits.from_dict({"dob": "1997-12-01"})
            )
            self.call("trackUser by phone", 202, track_user, client=client, body=by_phone)
            order = Traits.from_dict({"orderNumber": "CUS001", "orderValue": "50.00"})
            event = EventByUserId(user_id="user-42", event="Order Placed", traits=order)
            self.call("trackEvent", 201, interakt_track_event, client=client, body=event)
            self.say("  (fault injection: the next request gets 503 with Retry-After)")
            fake.faults.fail_next(1, status=503, retry_after=1)
            self.call("trackEvent under a 503", 503, interakt_track_event, client=client, body=event)
        stored = fake.user("user-42")
        assert stored is not None
        events = [e.event for e in stored.events]
        self.say(f"  fake state: user-42 traits={json.dumps(stored.traits)} events={events}")

    def seven_segments(self, fake: SevenSegmentsFake) -> None:
        self.say("\n7SEGMENTS: customers, events, campaigns, bulk, time, and an analysis export")
        fake.add_campaign("Banner left", '<img src="/my-awesome-banner-1.png" />')
        fake.add_analysis("funnel", ANALYSIS_ID, _FUNNEL)
        john = CustomerIds.from_dict({"registered": "john123"})
        with self.client(seven_segments_client, fake.url) as client:
            update = CustomerUpdate(
                ids=john, company_id=TOKEN, properties=Properties.from_dict({"first_name": "John"})
            )
            self.call("updateCustomer", 200, update_customer, client=client, body=update)
            purchase = EventTrack(
                customer_ids=john,
                company_id=TOKEN,
                type_="purchase",
                properties=Properties.from_dict({"product": "bottle", "amount": 5}),
            )
            self.call("trackEvent", 200, seven_segments_track_event, client=client, body=purchase)
            html = HtmlRequest(customer_ids=john, company_id=TOKEN, html_campaign_name="Banner left")
            self.call("getHtml", 200, get_html, client=client, body=html)
            commands = BulkRequest(
                commands=[
                    BulkCustomerCommand(name="crm/customers", data=update),
                    BulkEventCommand(name="crm/events", data=purchase),
                ]
            )
            self.call("bulk", 200, bulk, client=client, body=commands)
            self.call("getSystemTime", 200, get_system_time, client=client)
        with self.client(
            seven_segments_client, fake.url, auth=httpx.BasicAuth("demo-user", "demo-password")
        ) as client:
            export = ExportRequest(analysis_id=ANALYSIS_ID)
            self.call("exportAnalysis", 200, export_analysis, "funnel", client=client, body=export)
        stored = fake.customer(TOKEN, registered="john123")
        assert stored is not None
        events = [e.type for e in stored.events]
        self.say(f"  fake state: john123 properties={json.dumps(stored.properties)} events={events}")

    def attributionio(self, fake: AttributionFake) -> None:
        self.say(
            "\nAttribution.io: public identity and event, then the private customer API (secret redacted)"
        )
        meta = Meta(agent="User-Agent unknown")
        with self.client(attributionio_client, fake.url) as client:
            identity = Identity(
                aliases=["visitor-cookie-1"],
                client_id="john@example.com",
                public_key=fake.public_key,
                created_at=1_700_000_000,
                meta=meta,
            )
            self.call(
                "triggerIdentity",
                200,
                trigger_identity,
                client=client,
                body=IdentityRequest(identity=identity),
            )
            event = Event(
                aliases=["visitor-cookie-1"],
                client_id="john@example.com",
                event_public_key="signup",
                url="URL unknown",
                public_key=fake.public_key,
                transaction_id="john@example.com@1700000001",
                is_informational=False,
                created_at=1_700_000_001,
                meta=meta,
            )
            self.call("triggerEvent", 200, trigger_event, client=client, body=EventRequest(event=event))
        with self.client(attributionio_client, fake.url, params={"secret": "demo-secret"}) as client:
            key = fake.public_key
            self.call("getCustomer", 200, get_customer, key, "john@example.com", client=client, show_all=True)
            self.call("getCustomer (unknown)", 404, get_customer, key, "nobody", client=client)

    def run(self) -> int:
        self.say("Starting the fakes on 127.0.0.1 ...")
        with ExitStack() as stack:
            interakt = stack.enter_context(serve(InteraktFake(api_key="demo-interakt-key")))
            seven = stack.enter_context(serve(SevenSegmentsFake("demo-user", "demo-password")))
            attribution = stack.enter_context(serve(AttributionFake("demo-public-key", "demo-secret")))
            for fake in (interakt, seven, attribution):
                self.say(f"  {fake.api:<15} {fake.url}")
            self.interakt(interakt)
            self.seven_segments(seven)
            self.attributionio(attribution)
            total = sum(len(fake.requests) for fake in (interakt, seven, attribution))
        if self.failures:
            self.say(f"\nFAILED: {len(self.failures)} unexpected answers:")
            for failure in self.failures:
                self.say(f"  {failure}")
            return 1
        self.say(f"\nOK: {total} requests, every operation of the three APIs answered as the specs say.")
        return 0


_FUNNEL = {
    "success": True,
    "name": "Conversion funnel",
    "steps": ["First visit", "Registration", "First log in", "Purchase", "Payment"],
    "total": {
        "counts": [48632, 24120, 20398, 1256, 1250],
        "times": [-1, 680, 4502, 45, 540, 300],
        "metric": 1987562,
    },
    "drill_down": {"type": "none", "series": []},
    "metric": {"step": 4, "property": "price"},
}


def main() -> int:
    return Demo().run()


if __name__ == "__main__":
    sys.exit(main())
