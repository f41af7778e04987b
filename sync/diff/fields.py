"""Field-by-field differences, over the declared fields only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from omicform.diff.normalize import normalize


@dataclass(frozen=True)
class FieldDiff:
    name: str
    before: Any
    after: Any


def diff_fields(
    declared: Mapping[str, Any], remote: Mapping[str, Any], *, ignore: Iterable[str] = ()
) -> list[FieldDiff]:
    """Declared fields whose value differs remotely; fields only the server has are ignored."""
    skip = set(ignore)
    return [
        FieldDiff(name, remote.get(name), value)
        for name, value in declared.items()
        if name not in skip and normalize(value) != normalize(remote.get(name))
    ]
