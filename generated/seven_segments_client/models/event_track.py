from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_ids import CustomerIds
    from ..models.properties import Properties


T = TypeVar("T", bound="EventTrack")


@_attrs_define
class EventTrack:
    """
    Attributes:
        customer_ids (CustomerIds): The customer, keyed by id type: `registered` (a plain string in the SDKs means
            registered)
            and/or `cookie` (anonymous). Other id types are unknown and allowed.
        company_id (str): The company token, e.g. `12345678-90ab-cdef-1234-567890abcdef`.
        type_ (str): The event type, e.g. `purchase`.
        properties (Properties | Unset): Free-form properties of the customer or the event.
        timestamp (float | Unset): When the event happened, in UNIX seconds (int or float). Without it, the time of
            receipt.
        age (float | Unset): Seconds before the send at which the event happened (older clients).
    """

    customer_ids: CustomerIds
    company_id: str
    type_: str
    properties: Properties | Unset = UNSET
    timestamp: float | Unset = UNSET
    age: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_ids = self.customer_ids.to_dict()

        company_id = self.company_id

        type_ = self.type_

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        timestamp = self.timestamp

        age = self.age

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_ids": customer_ids,
                "company_id": company_id,
                "type": type_,
            }
        )
        if properties is not UNSET:
            field_dict["properties"] = properties
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if age is not UNSET:
            field_dict["age"] = age

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_ids import CustomerIds  # noqa: PLC0415
        from ..models.properties import Properties  # noqa: PLC0415

        d = dict(src_dict)
        customer_ids = CustomerIds.from_dict(d.pop("customer_ids"))

        company_id = d.pop("company_id")

        type_ = d.pop("type")

        _properties = d.pop("properties", UNSET)
        properties: Properties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = Properties.from_dict(_properties)

        timestamp = d.pop("timestamp", UNSET)

        age = d.pop("age", UNSET)

        event_track = cls(
            customer_ids=customer_ids,
            company_id=company_id,
            type_=type_,
            properties=properties,
            timestamp=timestamp,
            age=age,
        )

        event_track.additional_properties = d
        return event_track

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
