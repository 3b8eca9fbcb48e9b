"""What the clients return: customers (typed where known, the rest preserved) and trigger results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from attributionio_client.models import Customer as GeneratedCustomer
from attributionio_client.models import CustomerResponse, Record
from attributionio_client.types import Unset

from .._errors import InvalidResponseError, TrackapisError


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class CustomerRecord(Mapping[str, Any]):
    """One pageview, touchpoint, event or identity of a customer.

    Attribution.io does not document their fields, so each record is a read-only mapping of
    the fields as they came: `record["url"]`, `record.get("url")`, `dict(record)`.
    """

    fields: Mapping[str, Any] = attrs.field(converter=_frozen_mapping)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def to_dict(self) -> dict[str, Any]:
        """The record as it came, as a plain dict."""
        return dict(self.fields)


def _records(value: list[Record] | Unset) -> tuple[CustomerRecord, ...] | None:
    if isinstance(value, Unset):
        return None
    return tuple(CustomerRecord(record.to_dict()) for record in value)


@attrs.frozen
class Customer:
    """What Attribution.io knows of a customer.

    The four lists are typed; each is None unless it was asked for (and sent). The base
    information is undocumented: `base` holds its fields as they came, and `customer["name"]`
    reads one of them. `to_dict()` gives back the whole `customer` object as received.

    Attributes:
        client_id: The id the customer was fetched by.
        base: The base information set, field by field, as Attribution.io sent it.
        pageviews: The customer's pageviews, when asked for.
        touchpoints: The customer's touchpoints, when asked for.
        events: The customer's events, when asked for.
        identities: The customer's identities, when asked for.
    """

    client_id: str
    base: Mapping[str, Any] = attrs.field(converter=_frozen_mapping)
    pageviews: tuple[CustomerRecord, ...] | None = None
    touchpoints: tuple[CustomerRecord, ...] | None = None
    events: tuple[CustomerRecord, ...] | None = None
    identities: tuple[CustomerRecord, ...] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.base[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A base field, or `default`."""
        return self.base.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """The `customer` object as received: base fields and the lists that were sent."""
        result = dict(self.base)
        for name in ("pageviews", "touchpoints", "events", "identities"):
            records: tuple[CustomerRecord, ...] | None = getattr(self, name)
            if records is not None:
                result[name] = [record.to_dict() for record in records]
        return result

    @classmethod
    def from_generated(cls, client_id: str, customer: GeneratedCustomer) -> Customer:
        return cls(
            client_id,
            customer.additional_properties,
            _records(customer.pageviews),
            _records(customer.touchpoints),
            _records(customer.events),
            _records(customer.identities),
        )


def parse_customer(client_id: str, payload: Any) -> Customer:
    """A `{"customer": {...}}` body as a `Customer`; anything else is an `InvalidResponseError`."""
    try:
        if not isinstance(payload, dict) or not isinstance(payload.get("customer"), dict):
            raise TypeError("the body is not an object with a `customer` object")
        for name in ("pageviews", "touchpoints", "events", "identities"):
            records = payload["customer"].get(name)
            if records is not None and not (
                isinstance(records, list) and all(isinstance(record, dict) for record in records)
            ):
                raise TypeError(f"`customer.{name}` is not a list of objects")
        generated = CustomerResponse.from_dict(payload)
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise InvalidResponseError(
            f"GET customer {client_id!r}: unexpected body: {error}", body=payload
        ) from None
    return Customer.from_generated(client_id, generated.customer)


@attrs.frozen
class IdentityResult:
    """The outcome of `trigger_identity`.

    Attributes:
        client_id: The client id the identity was sent with: yours, or the one generated.
        client_id_generated: True when trackapis generated `client_id` (store it to reuse it).
        status: The HTTP status of the identity request; None when it was queued (background mode).
        queued: Background mode: True once queued; False when the queue was full (the request was
            then reported to `on_error` as dropped). Always False when sent at once.
    """

    client_id: str
    client_id_generated: bool
    status: int | None = None
    queued: bool = False


@attrs.frozen
class EventResult:
    """The outcome of `trigger_event`: one event and the identity that links it.

    Attributes:
        client_id: The client id both requests were sent with: yours, or the one generated.
        client_id_generated: True when trackapis generated `client_id` (store it to reuse it).
        transaction_id: The event's `<client_id>@<unix time>`, unique per event.
        event_status: The HTTP status of the event request; None when queued.
        identity_status: The HTTP status of the identity request; None when queued.
        queued: Background mode: True once both were queued; False when the queue was full (what
            was not queued was reported to `on_error` as dropped). Always False when sent at once.
    """

    client_id: str
    client_id_generated: bool
    transaction_id: str
    event_status: int | None = None
    identity_status: int | None = None
    queued: bool = False


@attrs.frozen
class EventOutcomes:
    """`trigger_event()`'s two requests, each with its own outcome: for callers that report them
    separately (the `pyttributionio` drop-in logs each and returns both statuses).

    Attributes:
        result: The client id (and whether it was generated), the transaction id, and the status
            of each request that was answered with 2xx (None for one that failed).
        event_error: Why the event request failed, after retries (an `APIError` carries the
            answer's status; a `TransportError` means no answer), or None when it was delivered.
        identity_error: The same for the identity request.
    """

    result: EventResult
    event_error: TrackapisError | None = None
    identity_error: TrackapisError | None = None
