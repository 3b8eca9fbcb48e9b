from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_groupings import ReportGroupings
    from ..models.report_row import ReportRow


T = TypeVar("T", bound="ReportResult")


@_attrs_define
class ReportResult:
    """A report in native-json.

    Attributes:
        success (bool):
        columns (list[Any]):
        rows (list[ReportRow]):
        valid (bool | Unset):
        name (str | Unset):
        column_count (int | Unset):
        row_count (int | Unset):
        groupings (ReportGroupings | Unset):
        stats (list[Any] | Unset):
    """

    success: bool
    columns: list[Any]
    rows: list[ReportRow]
    valid: bool | Unset = UNSET
    name: str | Unset = UNSET
    column_count: int | Unset = UNSET
    row_count: int | Unset = UNSET
    groupings: ReportGroupings | Unset = UNSET
    stats: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        columns = self.columns

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        valid = self.valid

        name = self.name

        column_count = self.column_count

        row_count = self.row_count

        groupings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.groupings, Unset):
            groupings = self.groupings.to_dict()

        stats: list[Any] | Unset = UNSET
        if not isinstance(self.stats, Unset):
            stats = self.stats

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "columns": columns,
                "rows": rows,
            }
        )
        if valid is not UNSET:
            field_dict["valid"] = valid
        if name is not UNSET:
            field_dict["name"] = name
        if column_count is not UNSET:
            field_dict["column_count"] = column_count
        if row_count is not UNSET:
            field_dict["row_count"] = row_count
        if groupings is not UNSET:
            field_dict["groupings"] = groupings
        if stats is not UNSET:
            field_dict["stats"] = stats

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_groupings import ReportGroupings  # noqa: PLC0415
        from ..models.report_row import ReportRow  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        columns = cast(list[Any], d.pop("columns"))

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = ReportRow.from_dict(rows_item_data)

            rows.append(rows_item)

        valid = d.pop("valid", UNSET)

        name = d.pop("name", UNSET)

        column_count = d.pop("column_count", UNSET)

        row_count = d.pop("row_count", UNSET)

        _groupings = d.pop("groupings", UNSET)
        groupings: ReportGroupings | Unset
        if isinstance(_groupings, Unset):
            groupings = UNSET
        else:
            groupings = ReportGroupings.from_dict(_groupings)

        stats = cast(list[Any], d.pop("stats", UNSET))

        report_result = cls(
            success=success,
            columns=columns,
            rows=rows,
            valid=valid,
            name=name,
            column_count=column_count,
            row_count=row_count,
            groupings=groupings,
            stats=stats,
        )

        report_result.additional_properties = d
        return report_result

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
