from typing import Literal, cast

StatusFilter = Literal["complete", "error", "in-progress"]

STATUS_FILTER_VALUES: set[StatusFilter] = {
    "complete",
    "error",
    "in-progress",
}


def check_status_filter(value: str) -> StatusFilter:
    if value in STATUS_FILTER_VALUES:
        return cast(StatusFilter, value)
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STATUS_FILTER_VALUES!r}")
