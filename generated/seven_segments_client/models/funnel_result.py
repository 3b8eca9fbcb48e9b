from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.funnel_drill_down import FunnelDrillDown
    from ..models.funnel_metric import FunnelMetric
    from ..models.funnel_total import FunnelTotal


T = TypeVar("T", bound="FunnelResult")


@_attrs_define
class FunnelResult:
    """A funnel in native-json (the seed README's example).

    Attributes:
        success (bool):
        steps (list[str]):
        total (FunnelTotal):
        name (str | Unset):
        drill_down (FunnelDrillDown | Unset):
        metric (FunnelMetric | Unset):
    """

    success: bool
    steps: list[str]
    total: FunnelTotal
    name: str | Unset = UNSET
    drill_down: FunnelDrillDown | Unset = UNSET
    metric: FunnelMetric | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        steps = self.steps

        total = self.total.to_dict()

        name = self.name

        drill_down: dict[str, Any] | Unset = UNSET
        if not isinstance(self.drill_down, Unset):
            drill_down = self.drill_down.to_dict()

        metric: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metric, Unset):
            metric = self.metric.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "steps": steps,
                "total": total,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if drill_down is not UNSET:
            field_dict["drill_down"] = drill_down
        if metric is not UNSET:
            field_dict["metric"] = metric

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.funnel_drill_down import FunnelDrillDown  # noqa: PLC0415
        from ..models.funnel_metric import FunnelMetric  # noqa: PLC0415
        from ..models.funnel_total import FunnelTotal  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        steps = cast(list[str], d.pop("steps"))

        total = FunnelTotal.from_dict(d.pop("total"))

        name = d.pop("name", UNSET)

        _drill_down = d.pop("drill_down", UNSET)
        drill_down: FunnelDrillDown | Unset
        if isinstance(_drill_down, Unset):
            drill_down = UNSET
        else:
            drill_down = FunnelDrillDown.from_dict(_drill_down)

        _metric = d.pop("metric", UNSET)
        metric: FunnelMetric | Unset
        if isinstance(_metric, Unset):
            metric = UNSET
        else:
            metric = FunnelMetric.from_dict(_metric)

        funnel_result = cls(
            success=success,
            steps=steps,
            total=total,
            name=name,
            drill_down=drill_down,
            metric=metric,
        )

        funnel_result.additional_properties = d
        return funnel_result

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
