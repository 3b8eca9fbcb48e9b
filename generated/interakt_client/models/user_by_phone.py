from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.traits import Traits


T = TypeVar("T", bound="UserByPhone")


@_attrs_define
class UserByPhone:
    """A user identified by `phoneNumber` with `countryCode`.

    Attributes:
        phone_number (str): Digits only, without the country code.
        country_code (str): Country calling code, documented with a leading `+` (the SDKs default to `+91`); the
            original SDK sends it as the caller gave it, so `91` occurs too.
        user_id (str | Unset): Your database id for the user. The original SDK stringifies numbers.
        full_phone_number (str | Unset): Country code and number without `+`. Seen in third-party copies only; meaning
            unconfirmed.
        traits (Traits | Unset): Attributes of the user or properties of the event. Values are strings, numbers,
            booleans, date-time strings or lists; nothing else is known about them.
        created_at (datetime.datetime | Unset): When it happened (ISO-8601). Without it the server uses its current UTC
            time.
        tags (list[str] | Unset): Seen in third-party copies only; meaning unknown.
    """

    phone_number: str
    country_code: str
    user_id: str | Unset = UNSET
    full_phone_number: str | Unset = UNSET
    traits: Traits | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    tags: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        phone_number = self.phone_number

        country_code = self.country_code

        user_id = self.user_id

        full_phone_number = self.full_phone_number

        traits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.traits, Unset):
            traits = self.traits.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "phoneNumber": phone_number,
                "countryCode": country_code,
            }
        )
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if full_phone_number is not UNSET:
            field_dict["fullPhoneNumber"] = full_phone_number
        if traits is not UNSET:
            field_dict["traits"] = traits
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.traits import Traits  # noqa: PLC0415

        d = dict(src_dict)
        phone_number = d.pop("phoneNumber")

        country_code = d.pop("countryCode")

        user_id = d.pop("userId", UNSET)

        full_phone_number = d.pop("fullPhoneNumber", UNSET)

        _traits = d.pop("traits", UNSET)
        traits: Traits | Unset
        if isinstance(_traits, Unset):
            traits = UNSET
        else:
            traits = Traits.from_dict(_traits)

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        tags = cast(list[str], d.pop("tags", UNSET))

        user_by_phone = cls(
            phone_number=phone_number,
            country_code=country_code,
            user_id=user_id,
            full_phone_number=full_phone_number,
            traits=traits,
            created_at=created_at,
            tags=tags,
        )

        user_by_phone.additional_properties = d
        return user_by_phone

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
