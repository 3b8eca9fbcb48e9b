from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FunnelTotal")


@_attrs_define
class FunnelTotal:
    """
    Attributes:
        counts (list[float]):
        times (list[float] | Unset):
        metric (float | Unset):
    """

    counts: list[float]
    times: list[float] | Unset = UNSET
    metric: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts

        times: list[float] | Unset = UNSET
        if not isinstance(self.times, Unset):
            times = self.times

        metric = self.metric

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counts": counts,
            }
        )
        if times is not UNSET:
            field_dict["times"] = times
        if metric is not UNSET:
            field_dict["metric"] = metric

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        counts = cast(list[float], d.pop("counts"))

        times = cast(list[float], d.pop("times", UNSET))

        metric = d.pop("metric", UNSET)

        funnel_total = cls(
            counts=counts,
            times=times,
            metric=metric,
        )

        funnel_total.additional_properties = d
        return funnel_total

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
