from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record import Record


T = TypeVar("T", bound="Customer")


@_attrs_define
class Customer:
    """What Attribution.io knows of the customer. The base fields are undocumented and kept as
    they come; each `show_*` flag adds its list.

        Attributes:
            pageviews (list[Record] | Unset):
            touchpoints (list[Record] | Unset):
            events (list[Record] | Unset):
            identities (list[Record] | Unset):
    """

    pageviews: list[Record] | Unset = UNSET
    touchpoints: list[Record] | Unset = UNSET
    events: list[Record] | Unset = UNSET
    identities: list[Record] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pageviews: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pageviews, Unset):
            pageviews = []
            for pageviews_item_data in self.pageviews:
                pageviews_item = pageviews_item_data.to_dict()
                pageviews.append(pageviews_item)

        touchpoints: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.touchpoints, Unset):
            touchpoints = []
            for touchpoints_item_data in self.touchpoints:
                touchpoints_item = touchpoints_item_data.to_dict()
                touchpoints.append(touchpoints_item)

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)

        identities: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.identities, Unset):
            identities = []
            for identities_item_data in self.identities:
                identities_item = identities_item_data.to_dict()
                identities.append(identities_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pageviews is not UNSET:
            field_dict["pageviews"] = pageviews
        if touchpoints is not UNSET:
            field_dict["touchpoints"] = touchpoints
        if events is not UNSET:
            field_dict["events"] = events
        if identities is not UNSET:
            field_dict["identities"] = identities

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record import Record  # noqa: PLC0415

        d = dict(src_dict)
        _pageviews = d.pop("pageviews", UNSET)
        pageviews: list[Record] | Unset = UNSET
        if _pageviews is not UNSET:
            pageviews = []
            for pageviews_item_data in _pageviews:
                pageviews_item = Record.from_dict(pageviews_item_data)

                pageviews.append(pageviews_item)

        _touchpoints = d.pop("touchpoints", UNSET)
        touchpoints: list[Record] | Unset = UNSET
        if _touchpoints is not UNSET:
            touchpoints = []
            for touchpoints_item_data in _touchpoints:
                touchpoints_item = Record.from_dict(touchpoints_item_data)

                touchpoints.append(touchpoints_item)

        _events = d.pop("events", UNSET)
        events: list[Record] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = Record.from_dict(events_item_data)

                events.append(events_item)

        _identities = d.pop("identities", UNSET)
        identities: list[Record] | Unset = UNSET
        if _identities is not UNSET:
            identities = []
            for identities_item_data in _identities:
                identities_item = Record.from_dict(identities_item_data)

                identities.append(identities_item)

        customer = cls(
            pageviews=pageviews,
            touchpoints=touchpoints,
            events=events,
            identities=identities,
        )

        customer.additional_properties = d
        return customer

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
