from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_groupings_rows_item import ReportGroupingsRowsItem


T = TypeVar("T", bound="ReportGroupings")


@_attrs_define
class ReportGroupings:
    """
    Attributes:
        columns (list[Any] | Unset):
        rows (list[ReportGroupingsRowsItem] | Unset):
    """

    columns: list[Any] | Unset = UNSET
    rows: list[ReportGroupingsRowsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        columns: list[Any] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns

        rows: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = rows_item_data.to_dict()
                rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if columns is not UNSET:
            field_dict["columns"] = columns
        if rows is not UNSET:
            field_dict["rows"] = rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_groupings_rows_item import ReportGroupingsRowsItem  # noqa: PLC0415

        d = dict(src_dict)
        columns = cast(list[Any], d.pop("columns", UNSET))

        _rows = d.pop("rows", UNSET)
        rows: list[ReportGroupingsRowsItem] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = ReportGroupingsRowsItem.from_dict(rows_item_data)

                rows.append(rows_item)

        report_groupings = cls(
            columns=columns,
            rows=rows,
        )

        report_groupings.additional_properties = d
        return report_groupings

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
