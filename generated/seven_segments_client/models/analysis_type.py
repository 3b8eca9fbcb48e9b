from typing import Literal

AnalysisType = Literal["funnel", "report", "retention", "segmentation"]

ANALYSIS_TYPE_VALUES: set[AnalysisType] = {
    "funnel",
    "report",
    "retention",
    "segmentation",
}


def check_analysis_type(value: str) -> AnalysisType:
    if value in ANALYSIS_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ANALYSIS_TYPE_VALUES!r}"
    )
