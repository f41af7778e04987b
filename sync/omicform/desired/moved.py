"""`moved:` (Terraform's `moved` blocks): an address renamed in the file keeps what state
holds for it, so renaming `identifiers.reads` mints nothing and submits nothing again.

    moved:
      - {from: identifiers.reads, to: identifiers.sequencing_reads}
"""

from __future__ import annotations

from typing import Any

from omicform.desired.model import Move, Origin
from omicform.errors import ConfigError

SECTION = "moved"


def load_moved(value: Any, file: str, line: int) -> list[Move]:
    """The section's moves, each checked: two addresses of one kind, not the same."""
    if not isinstance(value, list):
        raise ConfigError(
            "`moved` takes a list of {from: ADDRESS, to: ADDRESS}",
            file=file,
            line=line,
            field=SECTION,
        )
    moves = []
    for i, entry in enumerate(value):
        where = Origin(file, getattr(entry, "line", line))
        field = f"{SECTION}[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"from", "to"}:
            raise ConfigError(
                "a move is {from: ADDRESS, to: ADDRESS}", file=file, line=where.line, field=field
            )
        source, target = entry["from"], entry["to"]
        check_move(source, target, file=file, line=where.line, field=field)
        moves.append(Move(source, target, where))
    return moves


def check_move(
    source: Any, target: Any, *, file: str | None = None, line: int | None = None, field: str
) -> None:
    for address in (source, target):
        if not isinstance(address, str) or "." not in address.strip("."):
            raise ConfigError(
                f"{address!r} is not an address (KIND.NAME)", file=file, line=line, field=field
            )
    if source == target:
        raise ConfigError("a move needs two different addresses", file=file, line=line, field=field)
    if source.split(".", 1)[0] != target.split(".", 1)[0]:
        raise ConfigError(
            f"{source} and {target} are of different kinds: a move keeps the kind",
            file=file,
            line=line,
            field=field,
        )
