"""One canonical form per value, so equal things compare equal.

The NMDC server echoes datetimes with `Z` on create but reads them back without a time
zone, in UTC, truncated to milliseconds; YAML may give 1.0 where JSON gives 1; an absent
field, null and "" all mean "empty".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_EMPTY: Any = None


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


def _parse_datetime(text: str) -> dt.datetime | None:
    # Cheap shape test first: most strings are not datetimes and this runs for every field.
    if len(text) < 19 or text[4] != "-" or text[10] not in "T " or text[13] != ":":
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _instant(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)  # the server's naive datetimes are UTC
    # NMDC's store keeps milliseconds: .987654 comes back as .987000.
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return moment.astimezone(dt.timezone.utc).isoformat()
