"""Field-by-field differences, over the declared fields only."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from omicform.diff.normalize import normalize, same_datetime_text


@dataclass(frozen=True)
class FieldDiff:
    name: str
    before: Any
    after: Any


def projected(remote: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """The remote record's values of `names` (None where it has none), in their order."""
    return dict(zip(names, map(remote.get, names), strict=True))


def diff_fields(
    declared: Mapping[str, Any], remote: Mapping[str, Any], *, ignore: Iterable[str] = ()
) -> list[FieldDiff]:
    """Declared fields whose value differs remotely; fields only the server has are ignored."""
    return diff_projected(declared, projected(remote, declared), ignore=ignore)


def diff_projected(
    declared: Mapping[str, Any], before: Mapping[str, Any], *, ignore: Iterable[str] = ()
) -> list[FieldDiff]:
    """`diff_fields` against the remote values of the declared fields (`projected`)."""
    try:
        # The fields that differ as they are, found without a Python loop: most records
        # differ in none, or in a datetime the server writes back in its own form.
        differing = {name for name, _ in declared.items() - before.items()}
    except TypeError:  # an unhashable value (a list): look at every field
        differing = set(declared)
    if not differing:
        return []
    skip = ignore if isinstance(ignore, (set, frozenset)) else set(ignore)
    diffs = []
    for name in differing if len(differing) == 1 else [n for n in declared if n in differing]:
        if name in skip:
            continue
        value, theirs = declared[name], before[name]
        # Normalising is for values equal in another form (datetimes, 1.0 and 1).
        if not same_datetime_text(value, theirs) and normalize(value) != normalize(theirs):
            diffs.append(FieldDiff(name, theirs, value))
    return diffs
