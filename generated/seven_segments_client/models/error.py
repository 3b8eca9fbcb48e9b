from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_list_type_1 import ErrorListType1


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """
    Attributes:
        success (bool):
        errors (ErrorListType1 | list[str] | Unset): Error messages; later API versions used an object keyed by field.
    """

    success: bool
    errors: ErrorListType1 | list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        errors: dict[str, Any] | list[str] | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = self.errors

        else:
            errors = self.errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_list_type_1 import ErrorListType1  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        def _parse_errors(data: object) -> ErrorListType1 | list[str] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_error_list_type_0 = cast(list[str], data)

                return componentsschemas_error_list_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_error_list_type_1 = ErrorListType1.from_dict(data)

            return componentsschemas_error_list_type_1

        errors = _parse_errors(d.pop("errors", UNSET))

        error = cls(
            success=success,
            errors=errors,
        )

        error.additional_properties = d
        return error

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
