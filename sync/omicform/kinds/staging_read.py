"""Reading NMDC staging records with as few requests as possible.

Never one GET per object: records come from the list endpoints in large pages, with a
filter narrowed to what the file declares. A short list of keys goes in an `$in` filter;
a long one would make the URL too long, so then the filter narrows by a coarser field
(samples by sequencing project) or is dropped, and the page size does the work.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from omicform.desired.model import DesiredObject
from omicform.kinds.base import PAGE_SIZE, ReadContext
from omicform.kinds.staging_rows import ROWS, Row
from omicform.services.nmdc import Collection as Endpoint
from omicform.services.nmdc import NmdcService

MAX_FILTER_CHARS = 6000  # keeps request lines well under common 8 KiB server limits


def read_records(
    nmdc: NmdcService,
    kind: Endpoint,
    keys: Collection[str],
    *,
    fields: Iterable[str] = (),
    coarse: tuple[str, Collection[str]] | None = None,
    page_size: int = PAGE_SIZE,
) -> dict[str, dict[str, Any]]:
    """The records of `kind` whose natural key is in `keys`, by key. `coarse`, a field and
    its values, is the filter when the keys are too many for one URL."""
    if not keys:
        return {}
    wanted = set(keys)
    projection = sorted({kind.key, *fields}) if fields else None
    found: dict[str, dict[str, Any]] = {}
    for record in nmdc.list_records(
        kind,
        filter=_narrowest_filter(kind, wanted, coarse),
        projection=projection,
        page_size=page_size,
    ):
        key = record.get(kind.key)
        if isinstance(key, str) and key in wanted:
            found[key] = record
    return found


def _narrowest_filter(
    kind: Endpoint, keys: Collection[str], coarse: tuple[str, Collection[str]] | None
) -> dict[str, Any] | None:
    by_key = {kind.key: {"$in": sorted(keys)}}
    if len(json.dumps(by_key)) <= MAX_FILTER_CHARS:
        return by_key
    if coarse is not None and coarse[1]:
        field, values = coarse
        by_field = {field: {"$in": sorted(values)}}
        if len(json.dumps(by_field)) <= MAX_FILTER_CHARS:
            return by_field
    return None


def referenced_from_others(name: str, ctx: ReadContext) -> set[str]:
    """Keys of this kind that other rows' declared records refer to: they must exist too."""
    keys: set[str] = set()
    for row in ROWS:
        for ref in row.refers_to:
            if ref.kind != name:
                continue
            for obj in ctx.only_wanted(ctx.desired.of(row.name), lambda o: o.address):
                if isinstance(value := obj.fields.get(ref.field), str):
                    keys.add(value)
    return keys


def values_of_references(
    row: Row, declared: Sequence[DesiredObject]
) -> tuple[str, set[str]] | None:
    """A field referring to another row and its values: a coarser filter (samples by
    sequencing project) when the keys themselves are too many for one URL."""
    if not row.refers_to:
        return None
    field = row.refers_to[0].field
    return field, {v for o in declared if isinstance(v := o.fields.get(field), str)}
