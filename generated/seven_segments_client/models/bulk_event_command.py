from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_track import EventTrack


T = TypeVar("T", bound="BulkEventCommand")


@_attrs_define
class BulkEventCommand:
    """
    Attributes:
        name (Literal['crm/events']):
        data (EventTrack):
    """

    name: Literal["crm/events"]
    data: EventTrack
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_track import EventTrack  # noqa: PLC0415

        d = dict(src_dict)
        name = cast(Literal["crm/events"], d.pop("name"))
        if name != "crm/events":
            raise ValueError(f"name must match const 'crm/events', got '{name}'")

        data = EventTrack.from_dict(d.pop("data"))

        bulk_event_command = cls(
            name=name,
            data=data,
        )

        bulk_event_command.additional_properties = d
        return bulk_event_command

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
