from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.bulk_customer_command import BulkCustomerCommand
    from ..models.bulk_event_command import BulkEventCommand


T = TypeVar("T", bound="BulkRequest")


@_attrs_define
class BulkRequest:
    """
    Attributes:
        commands (list[BulkCustomerCommand | BulkEventCommand]):
    """

    commands: list[BulkCustomerCommand | BulkEventCommand]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_customer_command import BulkCustomerCommand  # noqa: PLC0415

        commands = []
        for commands_item_data in self.commands:
            commands_item: dict[str, Any]
            if isinstance(commands_item_data, BulkCustomerCommand):
                commands_item = commands_item_data.to_dict()
            else:
                commands_item = commands_item_data.to_dict()

            commands.append(commands_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commands": commands,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_customer_command import BulkCustomerCommand  # noqa: PLC0415
        from ..models.bulk_event_command import BulkEventCommand  # noqa: PLC0415

        d = dict(src_dict)
        commands = []
        _commands = d.pop("commands")
        for commands_item_data in _commands:

            def _parse_commands_item(
                data: object,
            ) -> BulkCustomerCommand | BulkEventCommand:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    commands_item_type_0 = BulkCustomerCommand.from_dict(data)

                    return commands_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                commands_item_type_1 = BulkEventCommand.from_dict(data)

                return commands_item_type_1

            commands_item = _parse_commands_item(commands_item_data)

            commands.append(commands_item)

        bulk_request = cls(
            commands=commands,
        )

        bulk_request.additional_properties = d
        return bulk_request

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
