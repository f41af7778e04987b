"""Records from CSV/TSV sample tables (`jgi_samples: {from: samples.tsv}`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from omicform.desired.model import Origin
from omicform.errors import ConfigError


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read_table(path: Path, declared_at: Origin) -> Iterator[Row]:
    """Rows of a CSV (`.csv`) or tab-separated file, header first; cells are text."""
    if not path.is_file():
        raise ConfigError(
            f"no such table: {path}", file=declared_at.file, line=declared_at.line, field="from"
        )
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the table: {exc}", file=str(path)) from None
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header: list[str] | None = None
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if len(cells) != len(header):
            raise ConfigError(
                f"expected {len(header)} cells like the header, found {len(cells)}",
                file=str(path),
                line=number,
            )
        yield Row(number, {h: c.strip() for h, c in zip(header, cells, strict=True)})
    if header is None:
        raise ConfigError("the table is empty: it needs a header row", file=str(path), line=1)
