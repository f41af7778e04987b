"""One canonical form per value, so equal things compare equal.

The NMDC server echoes datetimes with `Z` on create but reads them back without a time
zone, in UTC, truncated to milliseconds; YAML may give 1.0 where JSON gives 1; an absent
field, null and "" all mean "empty".

`utc_instant` is omicform's one reading of a datetime (naive means UTC, text may end in `Z`):
declared fields, comparisons and NeMO intent windows all go through it. The sandbox keeps
its own on purpose: it emulates the server's pydantic and MongoDB, and the differential
tests rely on the two being written independently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

_EMPTY: Any = None


@overload
def utc_instant(value: dt.datetime) -> dt.datetime: ...
@overload
def utc_instant(value: str) -> dt.datetime | None: ...
def utc_instant(value: dt.datetime | str) -> dt.datetime | None:
    """The instant `value` names, aware and in UTC; None for text that is not ISO 8601 or
    whose instant falls outside years 1-9999 in UTC (a datetime so raises OverflowError).

    A naive datetime is UTC: the NMDC server stores datetimes without a zone, in UTC, and
    reads them back so. Text may end in `Z` (which `fromisoformat` reads only from Python
    3.11 on) or carry an offset; it is not stripped.
    """
    if isinstance(value, str):
        try:
            return utc_instant(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except (ValueError, OverflowError):  # not ISO 8601, or in UTC before 1 or after 9999
            return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def normalize(value: Any) -> Any:
    if value is None or value == "" or value == [] or value == {}:
        return _EMPTY
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, str):
        moment = _parse_datetime(value)
        return _instant(moment) if moment is not None else value
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: n for k, v in value.items() if (n := normalize(v)) is not _EMPTY}
    return value


def same_datetime_text(declared: Any, remote: Any) -> bool:
    """The cheap answer for the commonest difference: a datetime omicform sends as
    `2024-03-01T12:00:00Z` that the server reads back naive (UTC) as `2024-03-01T12:00:00`.
    True only when `remote` is a naive datetime's text and `declared` is it with a `Z` (the
    same instant); False means "compare normalised"."""
    if declared.__class__ is not str or remote.__class__ is not str:
        return False
    if len(declared) != len(remote) + 1 or declared[-1] != "Z" or not declared.startswith(remote):
        return False
    if len(remote) < 19 or remote[4] != "-" or remote[10] not in "T " or remote[13] != ":":
        return False  # not a datetime's shape: `normalize` would not read it as one either
    try:
        return dt.datetime.fromisoformat(remote).tzinfo is None
    except ValueError:
        return False


def _parse_datetime(text: str) -> dt.datetime | None:
    # Cheap shape test first: most strings are not datetimes and this runs for every field.
    if len(text) < 19 or text[4] != "-" or text[10] not in "T " or text[13] != ":":
        return None
    return utc_instant(text)


def _instant(moment: dt.datetime) -> str:
    moment = utc_instant(moment)
    # NMDC's store keeps milliseconds: .987654 comes back as .987000.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat()
