from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.export_request_format import (
    ExportRequestFormat,
    check_export_request_format,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportRequest")


@_attrs_define
class ExportRequest:
    """
    Attributes:
        analysis_id (str):
        timezone (str | Unset):  Default: 'UTC'.
        execution_time (float | Unset): Evaluate the analysis as of this UNIX time.
        format_ (ExportRequestFormat | Unset): `native-json` and `table-json` answer `application/json`; `csv` answers
            `text/csv`.
             Default: 'native-json'.
    """

    analysis_id: str
    timezone: str | Unset = "UTC"
    execution_time: float | Unset = UNSET
    format_: ExportRequestFormat | Unset = "native-json"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        analysis_id = self.analysis_id

        timezone = self.timezone

        execution_time = self.execution_time

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "analysis_id": analysis_id,
            }
        )
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if execution_time is not UNSET:
            field_dict["execution_time"] = execution_time
        if format_ is not UNSET:
            field_dict["format"] = format_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        analysis_id = d.pop("analysis_id")

        timezone = d.pop("timezone", UNSET)

        execution_time = d.pop("execution_time", UNSET)

        _format_ = d.pop("format", UNSET)
        format_: ExportRequestFormat | Unset
        if isinstance(_format_, Unset):
            format_ = UNSET
        else:
            format_ = check_export_request_format(_format_)

        export_request = cls(
            analysis_id=analysis_id,
            timezone=timezone,
            execution_time=execution_time,
            format_=format_,
        )

        export_request.additional_properties = d
        return export_request

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
