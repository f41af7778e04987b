"""`${identifiers.NAME[i]}` references: parsing them, and resolving them once ids exist."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from omicform.desired.display import shown
from omicform.desired.model import Reference, Template

# `${identifiers.NAME[i]}` names an entry of this section: a batch of the identifiers kind.
REFERENCED = "identifiers"
_REFERENCE = re.compile(r"\$\{identifiers\.([A-Za-z0-9_.-]+)\[(\d+)\]\}")
_ANY_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


class ReferenceSyntaxError(ValueError):
    pass


def parse_text(text: str) -> str | Reference | Template:
    """A plain string, a whole-value reference, or a template mixing text and references."""
    if "${" not in text:
        return text
    parts: list[str | Reference] = []
    position = 0
    for match in _ANY_PLACEHOLDER.finditer(text):
        ref = _REFERENCE.fullmatch(match.group(0))
        if ref is None:
            raise ReferenceSyntaxError(
                f"unknown reference {shown(match.group(0))}; write ${{identifiers.NAME[INDEX]}}"
            )
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(Reference(ref.group(1), int(ref.group(2))))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    if len(parts) == 1 and isinstance(parts[0], Reference):
        return parts[0]
    return Template(tuple(parts))


def parse_tree(value: Any) -> Any:
    """Parses every string inside a JSON-like tree (for metadata documents)."""
    if isinstance(value, str):
        return parse_text(value)
    if isinstance(value, list):
        return [parse_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: parse_tree(v) for k, v in value.items()}
    return value


def references_in(value: Any) -> list[Reference]:
    if isinstance(value, Reference):
        return [value]
    if isinstance(value, Template):
        return list(value.references)
    if isinstance(value, list):
        return [r for v in value for r in references_in(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in references_in(v)]
    return []


class Unresolved(Exception):
    """A reference to ids that are not minted yet: the value is known only after apply."""


def resolver(minted: Mapping[str, Sequence[str]]) -> Callable[[Any], Any]:
    """A function that replaces references with minted ids, raising Unresolved if it can't."""

    def lookup(ref: Reference) -> str:
        ids = minted.get(ref.batch, ())
        if ref.index >= len(ids):
            raise Unresolved(str(ref))
        return ids[ref.index]

    def resolve(value: Any) -> Any:
        if isinstance(value, Reference):
            return lookup(value)
        if isinstance(value, Template):
            return "".join(lookup(p) if isinstance(p, Reference) else p for p in value.parts)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    return resolve
