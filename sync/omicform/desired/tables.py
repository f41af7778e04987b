"""Records from CSV/TSV sample tables (`jgi_samples: {from: samples.tsv}`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from omicform.desired.display import shown
from omicform.desired.files import decode_utf8, is_file, read_user_file
from omicform.desired.model import Origin
from omicform.errors import ConfigError


class Row(NamedTuple):  # a tuple: a 100,000-row table makes 100,000 of them
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Header:
    """A table's header line: its column names, and whether any cell may hold a reference."""

    line: int
    names: list[str]
    templated: bool  # some cell may hold a `${...}` reference: "${" is in the file


def read_table(path: Path, declared_at: Origin) -> Iterator[Row | Header | ConfigError]:
    """The header (first), then the rows of a CSV (`.csv`) or tab-separated file.

    A row with the wrong number of cells is yielded as its error, so every one is reported.

    Cells are text. A malformed line (a cell over the csv module's 128 KiB limit, a NUL)
    is an error naming its line.
    """
    if not is_file(path):
        raise ConfigError(
            f"no such table: {shown(str(path), 200)}",
            file=declared_at.file,
            line=declared_at.line,
            field="from",
        )
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    text = decode_utf8(read_user_file(path), str(path), bom=True)
    lines = text.splitlines()
    reader = csv.reader(lines, delimiter=delimiter)
    rows: Iterator[list[str]] = _split(lines, delimiter) if _plain(text, lines) else reader
    padded = rows is reader or not _unpadded(text, delimiter)
    header: list[str] | None = None
    # Each row's dict is a copy of this one, its values then set: twice as fast as
    # dict(zip(...)), which grows each dict twice; same keys, same order, same values
    # (a repeated column keeps its first place and its last cell, as with dict(zip)).
    blank: dict[str, str] = {}
    try:
        for number, cells in enumerate(rows, start=1):
            stripped = list(map(str.strip, cells)) if padded else cells
            if not any(stripped):
                continue
            if header is None:
                header = stripped
                blank = dict.fromkeys(header, "")
                yield Header(number, header, "${" in text)
                continue
            if len(cells) != len(header):
                yield ConfigError(
                    f"expected {len(header)} cells like the header, found {len(cells)}",
                    file=str(path),
                    line=number,
                )
                continue
            values = blank.copy()
            # As long, checked above; `strict=` alone would cost a third of the row's dict.
            values.update(zip(header, stripped))  # noqa: B905
            # tuple.__new__: a NamedTuple's own constructor is a Python call per row.
            yield tuple.__new__(Row, (number, values))
    except csv.Error as exc:
        raise ConfigError(
            f"not a readable table: {exc}",
            file=str(path),
            line=reader.line_num,
            hint="Cells are at most 131,072 characters and hold no NUL character.",
        ) from None
    if header is None:
        raise ConfigError("the table is empty: it needs a header row", file=str(path), line=1)


def _plain(text: str, lines: list[str]) -> bool:
    """A table the csv module would read as a plain split: no quote, no NUL, no cell over its
    limit (a line under it has none). Splitting it is faster; the answer is the same."""
    return (
        '"' not in text
        and "\x00" not in text
        and max(map(len, lines), default=0) <= csv.field_size_limit()
    )


def _unpadded(text: str, delimiter: str) -> bool:
    """No cell begins or ends with whitespace, so stripping each would change none: a few
    searches of the text instead of a strip per cell (1.3 million in a 100,000-row table).

    ASCII only (other text may hold other whitespace), without the rare line boundaries of
    `str.splitlines` (\\v, \\f, \\x1c-\\x1e) or the unit separator, which `str.strip`
    also strips: then a cell's edges are the delimiter, \\n and \\r, and the text's own.
    """
    if not text.isascii() or any(c in text for c in "\x0b\x0c\x1c\x1d\x1e\x1f"):
        return False
    spaces = tuple(c for c in ((" ", "\t") if delimiter == "," else (" ",)) if c in text)
    if not spaces:  # one fast search each: most tables have no space at all
        return True
    if text.startswith(spaces) or text.endswith(spaces):
        return False
    bounds = (delimiter, "\n", "\r")
    return not any(b + c in text or c + b in text for c in spaces for b in bounds)


def _split(lines: list[str], delimiter: str) -> Iterator[list[str]]:
    return map(str.split, lines, repeat(delimiter, len(lines)))
