from typing import Literal, cast

YesFlag = Literal["y"]

YES_FLAG_VALUES: set[YesFlag] = {
    "y",
}


def check_yes_flag(value: str) -> YesFlag:
    if value in YES_FLAG_VALUES:
        return cast(YesFlag, value)
    raise TypeError(f"Unexpected value {value!r}. Expected one of {YES_FLAG_VALUES!r}")
