from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.customer_ids import CustomerIds


T = TypeVar("T", bound="HtmlRequest")


@_attrs_define
class HtmlRequest:
    """
    Attributes:
        customer_ids (CustomerIds): The customer, keyed by id type: `registered` (a plain string in the SDKs means
            registered)
            and/or `cookie` (anonymous). Other id types are unknown and allowed.
        company_id (str): The company token, e.g. `12345678-90ab-cdef-1234-567890abcdef`.
        html_campaign_name (str):
    """

    customer_ids: CustomerIds
    company_id: str
    html_campaign_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_ids = self.customer_ids.to_dict()

        company_id = self.company_id

        html_campaign_name = self.html_campaign_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_ids": customer_ids,
                "company_id": company_id,
                "html_campaign_name": html_campaign_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_ids import CustomerIds  # noqa: PLC0415

        d = dict(src_dict)
        customer_ids = CustomerIds.from_dict(d.pop("customer_ids"))

        company_id = d.pop("company_id")

        html_campaign_name = d.pop("html_campaign_name")

        html_request = cls(
            customer_ids=customer_ids,
            company_id=company_id,
            html_campaign_name=html_campaign_name,
        )

        html_request.additional_properties = d
        return html_request

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
