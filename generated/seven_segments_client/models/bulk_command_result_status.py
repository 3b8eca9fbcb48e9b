from typing import Literal

BulkCommandResultStatus = Literal["error", "ok", "retry"]

BULK_COMMAND_RESULT_STATUS_VALUES: set[BulkCommandResultStatus] = {
    "error",
    "ok",
    "retry",
}


def check_bulk_command_result_status(value: str) -> BulkCommandResultStatus:
    if value in BULK_COMMAND_RESULT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BULK_COMMAND_RESULT_STATUS_VALUES!r}"
    )
