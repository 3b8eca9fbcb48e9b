from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerIds")


@_attrs_define
class CustomerIds:
    """The customer, keyed by id type: `registered` (a plain string in the SDKs means registered)
    and/or `cookie` (anonymous). Other id types are unknown and allowed.

        Attributes:
            registered (str | Unset):
            cookie (str | Unset):
    """

    registered: str | Unset = UNSET
    cookie: str | Unset = UNSET
    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        registered = self.registered

        cookie = self.cookie

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if registered is not UNSET:
            field_dict["registered"] = registered
        if cookie is not UNSET:
            field_dict["cookie"] = cookie

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        registered = d.pop("registered", UNSET)

        cookie = d.pop("cookie", UNSET)

        customer_ids = cls(
            registered=registered,
            cookie=cookie,
        )

        customer_ids.additional_properties = d
        return customer_ids

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
