"""Typed fields of record sections (the NMDC staging kinds' fields are declared with their
rows, in `kinds/staging_rows.py`, as the real server's models define them).

Values are type-checked here, before anything is sent, so a typo costs an error message
rather than a 422 halfway through an apply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Literal

from omicform.desired.display import shown
from omicform.diff.normalize import utc_instant

FieldType = Literal["str", "int", "datetime"]


@dataclass(frozen=True)
class FieldSpec:
    """One declared field's type, and whether it must be given and may be null."""

    type: FieldType
    required: bool
    nullable: bool = False


def field_specs(
    required: list[str], optional: dict[str, FieldType], types: dict[str, FieldType]
) -> dict[str, FieldSpec]:
    """A section's fields: the required ones (text unless `types` says otherwise), then the
    optional ones with their types (optional fields may be null)."""
    specs = {name: FieldSpec(types.get(name, "str"), True) for name in required}
    specs.update({name: FieldSpec(t, False, nullable=True) for name, t in optional.items()})
    return specs


@dataclass(frozen=True)
class Section:
    """A section of typed records (a staging collection's): its name, the field that is
    each entry's natural key (the entry's own key), and its fields. The sections themselves
    are declared by their kinds (`kinds/staging_rows.py`)."""

    name: str
    key: str
    fields: dict[str, FieldSpec]

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.fields.items() if s.required)

    @cached_property
    def required_set(self) -> frozenset[str]:
        return frozenset(self.required)


# Python turns at most 4,300 digits into an int (sys.get_int_max_str_digits); no field's
# number comes near it, so a longer one is a mistake to report, not a traceback.
MAX_DIGITS = 4300


class FieldTypeError(ValueError):
    """A declared value does not fit its field; the message says what would."""


def coerce(spec: FieldSpec, value: Any, *, from_text: bool = False) -> Any:
    """The wire value for a declared value, or FieldTypeError.

    `from_text` is for table cells, which are always text: there "12" is a fine int.
    """
    if value is None:
        if spec.nullable:
            return None
        raise FieldTypeError("a value is required")
    if spec.type == "str":
        if isinstance(value, str):
            return value
        # YAML reads 503568 as a number and 0123 as octal: guessing back would corrupt ids.
        raise FieldTypeError(f"expected text, got {_described(value)}; put it in quotes")
    if spec.type == "int":
        if isinstance(value, bool):
            raise FieldTypeError(f"expected a whole number, got {shown(value)}")
        if isinstance(value, int):
            return value
        if from_text and isinstance(value, str):
            return whole_number(value)
        raise FieldTypeError(f"expected a whole number, got {shown(value)}")
    return datetime_text(value)


def whole_number(text: str) -> int:
    """A table cell's whole number: ASCII digits, a minus sign at most (`int()` alone also
    takes `²` as a digit and fails on it, and refuses more than MAX_DIGITS digits)."""
    digits = text.strip()
    unsigned = digits.removeprefix("-")
    if not (unsigned.isascii() and unsigned.isdigit()):
        raise FieldTypeError(f"expected a whole number, got {shown(text)}")
    if len(unsigned) > MAX_DIGITS:
        raise FieldTypeError(f"a number of {len(unsigned):,} digits is too long")
    return int(digits)


def _described(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return shown(value)
    return f"{type(value).__name__} {shown(value)}"


def datetime_text(value: Any) -> str:
    """A declared datetime as omicform sends it: UTC, `Z`, no trailing zero in the fraction."""
    if isinstance(value, str):
        return _datetime_from_text(value)
    if isinstance(value, dt.datetime):
        try:
            moment = utc_instant(value)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC
            raise FieldTypeError(f"{shown(value)} is out of range in UTC") from None
    else:
        raise FieldTypeError(
            f"expected a date and time like 2023-01-01T00:00:00Z, got {shown(value)}"
        )
    return _canonical(moment)


# Already canonical (UTC, `Z`, no trailing zero in the fraction): itself, once the date
# and time are known to be real ones. Most declared datetimes are written so.
_CANONICAL = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?Z")


@lru_cache(maxsize=1024)  # a table's rows often share their datetimes
def _datetime_from_text(value: str) -> str:
    if _CANONICAL.fullmatch(value):
        try:
            dt.datetime.fromisoformat(value[:-1])
            return value
        except ValueError:
            pass  # not a real date: the general reading below says so
    parsed = utc_instant(value.strip())
    if parsed is None:
        raise FieldTypeError(
            f"expected a date and time like 2023-01-01T00:00:00Z, got {shown(value)}"
        )
    if "T" not in value and " " not in value.strip():
        raise FieldTypeError(f"expected a date and time, not only a date: {shown(value)}")
    return _canonical(parsed)


# A datetime cell's text as `datetime_text` gives it, without its type check (a table's
# cells are text): a C call when cached, where `datetime_text` is a Python call first.
datetime_from_text = _datetime_from_text


def _canonical(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(moment) + "Z"


def _fraction(moment: dt.datetime) -> str:
    return f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
