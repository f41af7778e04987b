"""Field-by-field differences, over the declared fields only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from omicform.diff.normalize import normalize, same_datetime_text


@dataclass(frozen=True)
class FieldDiff:
    name: str
    before: Any
    after: Any


def diff_fields(
    declared: Mapping[str, Any], remote: Mapping[str, Any], *, ignore: Iterable[str] = ()
) -> list[FieldDiff]:
    """Declared fields whose value differs remotely; fields only the server has are ignored."""
    skip = ignore if isinstance(ignore, (set, frozenset)) else set(ignore)
    diffs = []
    for name, value in declared.items():
        theirs = remote.get(name)
        # Most values are equal as they are; normalising is for the rest (datetimes, 1.0).
        if value == theirs or name in skip or same_datetime_text(value, theirs):
            continue
        if normalize(value) != normalize(theirs):
            diffs.append(FieldDiff(name, theirs, value))
    return diffs
