from typing import Literal, cast

StepName = Literal[
    "gcp_release",
    "https_release",
    "manifest_validated",
    "portal_release",
    "qc_complete",
    "upload_complete",
]

STEP_NAME_VALUES: set[StepName] = {
    "gcp_release",
    "https_release",
    "manifest_validated",
    "portal_release",
    "qc_complete",
    "upload_complete",
}


def check_step_name(value: str) -> StepName:
    if value in STEP_NAME_VALUES:
        return cast(StepName, value)
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STEP_NAME_VALUES!r}")
