from typing import Literal, cast

RunStatus = Literal["COMPLETE", "FAIL", "REQUESTED", "STARTED"]

RUN_STATUS_VALUES: set[RunStatus] = {
    "COMPLETE",
    "FAIL",
    "REQUESTED",
    "STARTED",
}


def check_run_status(value: str) -> RunStatus:
    if value in RUN_STATUS_VALUES:
        return cast(RunStatus, value)
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RUN_STATUS_VALUES!r}")
