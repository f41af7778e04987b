"""Request validation as FastAPI with pydantic 2 does it, for the few field types NMDC uses.

Each problem becomes one `{type, loc, msg, input[, ctx]}` item, in field order, with the
texts pydantic uses. Coercions follow pydantic's lax mode: `"12"` and `12.0` are integers,
`"2023-01-01"` and unix timestamps are datetimes, unknown fields are ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

Loc = tuple[str | int, ...]
Issue = dict[str, Any]
FieldKind = Literal["str", "int", "datetime"]

_INT_TEXT = re.compile(r"^[+-]?\d+(\.0*)?$")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(
    r"^[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$"
)
_INT64 = 2**63


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    required: bool = True


class Invalid(Exception):
    """One or more issues, in pydantic's order."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues)
        self.issues = issues


def issue(kind: str, loc: Loc, msg: str, value: Any, ctx: dict[str, Any] | None = None) -> Issue:
    item: Issue = {"type": kind, "loc": list(loc), "msg": msg, "input": value}
    if ctx is not None:
        item["ctx"] = ctx
    return item


def missing(loc: Loc, container: Any) -> Issue:
    return issue("missing", loc, "Field required", container)


def not_an_object(loc: Loc, value: Any) -> Issue:
    """A model given something other than a JSON object (FastAPI validates from attributes)."""
    return issue(
        "model_attributes_type",
        loc,
        "Input should be a valid dictionary or object to extract fields from",
        value,
    )


def coerce_str(value: Any, loc: Loc) -> str:
    if isinstance(value, str):
        return value
    raise Invalid([issue("string_type", loc, "Input should be a valid string", value)])


def coerce_int(value: Any, loc: Loc) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid([issue("finite_number", loc, "Input should be a finite number", value)])
        if value != int(value):
            raise Invalid(
                [
                    issue(
                        "int_from_float",
                        loc,
                        "Input should be a valid integer, got a number with a fractional part",
                        value,
                    )
                ]
            )
        if abs(value) >= _INT64:
            raise Invalid([_int_size(loc, value)])
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if _INT_TEXT.match(text):
            return int(text.split(".")[0])
        raise Invalid(
            [
                issue(
                    "int_parsing",
                    loc,
                    "Input should be a valid integer, unable to parse string as an integer",
                    value,
                )
            ]
        )
    raise Invalid([issue("int_type", loc, "Input should be a valid integer", value)])


def _int_size(loc: Loc, value: Any) -> Issue:
    return issue(
        "int_parsing_size",
        loc,
        "Unable to parse input string as an integer, exceeded maximum size",
        value,
    )


def coerce_datetime(value: Any, loc: Loc) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid([issue("datetime_type", loc, "Input should be a valid datetime", value)])
    if isinstance(value, (int, float)):
        return _from_timestamp(float(value), value, loc)
    if _NUMBER_TEXT.match(value):
        return _from_timestamp(float(value), value, loc)
    problem, parsed = _parse_datetime_text(value)
    if parsed is None:
        raise Invalid(
            [
                issue(
                    "datetime_from_date_parsing",
                    loc,
                    f"Input should be a valid datetime or date, {problem}",
                    value,
                    {"error": problem},
                )
            ]
        )
    return parsed


def _from_timestamp(seconds: float, value: Any, loc: Loc) -> datetime:
    # pydantic reads numbers above 2e10 as milliseconds.
    if abs(seconds) > 2e10:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        problem = "dates after 9999 are not supported as unix timestamps"
        raise Invalid(
            [
                issue(
                    "datetime_parsing",
                    loc,
                    f"Input should be a valid datetime, {problem}",
                    value,
                    {"error": problem},
                )
            ]
        ) from None


def _parse_datetime_text(text: str) -> tuple[str, datetime | None]:
    """(problem, None) or ("", value), with speedate's wording for the common problems."""
    if len(text) < 10:
        return "input is too short", None
    if not text[:4].isdigit():
        return "invalid character in year", None
    if text[4] != "-":
        return "invalid date separator, expected `-`", None
    if not text[5:7].isdigit():
        return "invalid character in month", None
    if text[7] != "-":
        return "invalid date separator, expected `-`", None
    if not text[8:10].isdigit():
        return "invalid character in day", None
    date_match = _DATE.match(text)
    assert date_match is not None
    year, month, day = (int(g) for g in date_match.groups())
    if not 1 <= month <= 12:
        return "month value is outside expected range of 1-12", None
    try:
        datetime(year, month, day)
    except ValueError:
        return "day value is outside expected range", None
    rest = text[10:]
    if not rest:
        return "", datetime(year, month, day)
    time_match = _TIME.match(rest)
    if time_match is None:
        return "unexpected extra characters at the end of the input", None
    hour, minute, second, fraction, zulu, sign, tz_hours, tz_minutes = time_match.groups()
    tzinfo = None
    if zulu:
        tzinfo = timezone.utc
    elif sign:
        offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes))
        tzinfo = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        parsed = datetime(
            year, month, day, int(hour), int(minute), int(second or 0), micro, tzinfo=tzinfo
        )
    except ValueError:
        return "unexpected extra characters at the end of the input", None
    return "", parsed


def validate_object(body: Any, fields: Sequence[Field], loc: Loc = ("body",)) -> dict[str, Any]:
    """The fields that were set (pydantic's `exclude_unset`), coerced; raises Invalid."""
    if not isinstance(body, dict):
        raise Invalid([not_an_object(loc, body)])
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for field in fields:
        where = (*loc, field.name)
        if field.name not in body:
            if field.required:
                issues.append(missing(where, body))
            continue
        value = body[field.name]
        if value is None and not field.required:
            values[field.name] = None
            continue
        try:
            values[field.name] = _COERCE[field.kind](value, where)
        except Invalid as exc:
            issues.extend(exc.issues)
    if issues:
        raise Invalid(issues)
    return values


_COERCE = {"str": coerce_str, "int": coerce_int, "datetime": coerce_datetime}


def json_datetime(value: datetime) -> str:
    """A datetime as pydantic writes it: microseconds only if any, `Z` for UTC."""
    if value.tzinfo is None and value.year >= 1000:
        # What the rest writes, in one call (stored datetimes are all naive): a listed page
        # writes one per record. Before year 1000 strftime's %Y does not pad; isoformat does.
        return value.isoformat()
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    offset = value.utcoffset()
    if offset is None:
        return text
    if offset == timedelta(0):
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def stored_datetime(value: datetime) -> datetime:
    """What MongoDB keeps: UTC without a zone, to the millisecond."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def to_json(value: Any) -> Any:
    """Stored values as JSON: datetimes as text, everything else as it is."""
    if isinstance(value, datetime):
        return json_datetime(value)
    if isinstance(value, dict):
        return {k: _plain_or_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def documents_to_json(
    docs: Iterable[dict[str, Any]], keep: Container[str] | None = None
) -> list[dict[str, Any]]:
    """`to_json` of each document, only its top-level fields in `keep` if given (a
    projection without dotted paths), in the document's order. A listed page: thousands of
    flat documents, whose text and numbers need no call (this is `[to_json(d) ...]` and
    `project(d, keep, to_json)` without a call per field, a third of a page's cost)."""
    plain = _PLAIN
    if keep is None:
        return [
            {k: v if v.__class__ in plain else to_json(v) for k, v in doc.items()} for doc in docs
        ]
    return [
        {k: v if v.__class__ in plain else to_json(v) for k, v in doc.items() if k in keep}
        for doc in docs
    ]


def _plain_or_json(value: Any) -> Any:
    # A page lists thousands of flat records: their text and numbers need no call.
    if value.__class__ in _PLAIN:
        return value
    return to_json(value)


_PLAIN = frozenset({str, int, float, bool, type(None)})
