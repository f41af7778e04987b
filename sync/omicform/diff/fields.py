"""Field-by-field differences, over the declared fields only."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import ne
from typing import Any

from omicform.diff.normalize import normalize, same_datetime_text


@dataclass(frozen=True)
class FieldDiff:
    """One field whose declared value differs from the remote one."""

    name: str
    before: Any
    after: Any


def diff_fields(
    declared: Mapping[str, Any], remote: Mapping[str, Any], *, ignore: Iterable[str] = ()
) -> list[FieldDiff]:
    """Declared fields whose value differs remotely; fields only the server has are ignored."""
    before, differing = projected(declared, remote)
    return diff_among(declared, before, differing, ignore=ignore)


def projected(
    declared: Mapping[str, Any], remote: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The remote values of the declared fields (None where it has none), and the names
    whose values differ as they are: the only ones `diff_among` must look at again.

    A large plan spends much of its time here, so both are made by C loops (map, zip,
    compress): a third of the time of a Python loop over the fields. A remote record
    holding exactly the declared fields, in their order (as a record read back mostly
    does), is its own projection: it is shared rather than copied (a plan of 100,000
    records keeps every projection as its `before`).
    """
    if remote.__class__ is dict and len(remote) == len(declared) and list(remote) == list(declared):
        before: dict[str, Any] = remote  # a dict, checked above
    else:
        before = dict(zip(declared, map(remote.get, declared), strict=True))
    return before, list(compress(declared, map(ne, declared.values(), before.values())))


def diff_among(
    declared: Mapping[str, Any],
    before: Mapping[str, Any],
    differing: Iterable[str],
    *,
    ignore: Iterable[str] = (),
    datetimes: Collection[str] = (),
) -> list[FieldDiff]:
    """The fields among `differing` (in declared order) that still differ normalised.

    `datetimes` names the fields whose declared text is a datetime as omicform writes it
    (checked when loaded): the server's naive readback of one is known equal without
    reading it again."""
    skip = ignore if isinstance(ignore, (set, frozenset)) else set(ignore)
    diffs = []
    for name in differing:
        if name in skip or name not in declared:
            continue
        value, theirs = declared[name], before[name]
        if name in datetimes and naive_readback(value, theirs):
            continue
        # Normalising is for values equal in another form (datetimes, 1.0 and 1).
        if not same_datetime_text(value, theirs) and normalize(value) != normalize(theirs):
            diffs.append(FieldDiff(name, theirs, value))
    return diffs


def owned_diffs(
    declared: Mapping[str, Any],
    before: Mapping[str, Any],
    differing: Iterable[str],
    datetimes: Collection[str],
) -> Sequence[FieldDiff]:
    """`diff_among` with nothing ignored, answered without it when every differing field
    is a datetime the server read back naive (most records of a large plan)."""
    for name in differing:
        if name not in datetimes or not naive_readback(declared[name], before[name]):
            return diff_among(declared, before, differing, datetimes=datetimes)
    return ()


def naive_readback(declared: Any, remote: Any) -> bool:
    """`remote` is `declared` (`...Z`, UTC) without its `Z`: the same instant, naive."""
    return (
        declared.__class__ is str
        and remote.__class__ is str
        and len(declared) == len(remote) + 1
        and declared.endswith("Z")
        and declared.startswith(remote)
    )
