from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.meta import Meta


T = TypeVar("T", bound="Identity")


@_attrs_define
class Identity:
    """
    Attributes:
        aliases (list[str]): Attribution.io visitor ids (the `AttrioP_<key>` cookie's value).
        client_id (str): Your id for the customer; without one, the original wrapper invents 24 characters of [a-z0-9].
        public_key (str):
        created_at (int): UNIX seconds.
        meta (Meta):
    """

    aliases: list[str]
    client_id: str
    public_key: str
    created_at: int
    meta: Meta
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aliases = self.aliases

        client_id = self.client_id

        public_key = self.public_key

        created_at = self.created_at

        meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aliases": aliases,
                "client_id": client_id,
                "public_key": public_key,
                "created_at": created_at,
                "meta": meta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.meta import Meta  # noqa: PLC0415

        d = dict(src_dict)
        aliases = cast(list[str], d.pop("aliases"))

        client_id = d.pop("client_id")

        public_key = d.pop("public_key")

        created_at = d.pop("created_at")

        meta = Meta.from_dict(d.pop("meta"))

        identity = cls(
            aliases=aliases,
            client_id=client_id,
            public_key=public_key,
            created_at=created_at,
            meta=meta,
        )

        identity.additional_properties = d
        return identity

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
