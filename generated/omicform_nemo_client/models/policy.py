from typing import Literal, cast

Policy = Literal["embargo", "open", "restricted"]

POLICY_VALUES: set[Policy] = {
    "embargo",
    "open",
    "restricted",
}


def check_policy(value: str) -> Policy:
    if value in POLICY_VALUES:
        return cast(Policy, value)
    raise TypeError(f"Unexpected value {value!r}. Expected one of {POLICY_VALUES!r}")
