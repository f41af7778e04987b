"""Desired state built from Python records: a thin adapter over the file loader.

`workspace_from_records(root, document=..., tables={"jgi_samples": records})` writes what
the loader reads, under `root`: each table's records as a TSV (`jgi_samples.records.tsv`,
the same cells a hand-written table would have) and the document, with each table's `from:`
pointing at it, as `omicform.yaml`. The loader then reads them with every check it makes of
files, and the state lives beside them (`root/omicform.state.json`), so keep `root` between
runs. A problem in a record is reported by the record's index and field
(`jgi_samples[2].jdp_file_size: ...`), not by a line of the generated file.

Files are rewritten only when their text changes, so an unchanged run leaves them as they
were; the plan compares values, so rewriting would change nothing either.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from omicform.desired.model import DesiredState
from omicform.engine.registry import KINDS, kind_named
from omicform.engine.workspace import Workspace
from omicform.errors import ConfigError

CONFIG_NAME = "omicform.yaml"
TABLE_SUFFIX = ".records.tsv"
# What a TSV cell cannot hold: a tab or line break would split it; controls are refused
# by the loader anyway, here they are named by record and field.
_UNWRITABLE = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class RecordsWorkspace(Workspace):
    """A Workspace whose tables came from records: loading reports a record's problem by
    its index and field."""

    tables: tuple[Table, ...] = ()

    def desired(self) -> DesiredState:
        try:
            return super().desired()
        except ConfigError as error:
            raise translated(error, self.tables) from None


@dataclass(frozen=True)
class Table:
    """A generated TSV (its resolved path), its section, and the first record naming each
    field (a problem with a column is that record's)."""

    path: str
    kind: str
    first_use: tuple[tuple[str, int], ...]


def workspace_from_records(
    root: Path | str,
    document: Mapping[str, Any] | None = None,
    tables: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> Workspace:
    """Writes `document` (the config as a mapping, `omicform: 1` added when missing) and each
    table's records (any iterable of mappings: a list of dicts, `df.to_dict("records")`)
    under `root`, and returns the Workspace that reads them.

    Tables are the staging sections (`jgi_samples`, `jgi_sequencing_projects`,
    `globus_tasks`); the document's own section for a table (its `defaults:`, more entries,
    another `from:`) is kept. File names in the document are relative to `root`. Raises
    ConfigError naming the record's index and field for a value no table cell can hold;
    every other check runs when the Workspace loads (`.desired()`, `.plan()`).
    """
    folder = Path(root)
    folder.mkdir(parents=True, exist_ok=True)
    config = {"omicform": 1, **copy.deepcopy(dict(document or {}))}
    written: list[Table] = []
    for kind, records in (tables or {}).items():
        _check_kind(kind)
        text, first_use = table_text(kind, records)
        if not first_use:
            continue  # no records: the document's section, if any, stands alone
        name = f"{kind}{TABLE_SUFFIX}"
        _write_if_changed(folder / name, text)
        config[kind] = _with_table(kind, config.get(kind), name)
        written.append(Table(str((folder / name).resolve()), kind, tuple(first_use.items())))
    _write_if_changed(folder / CONFIG_NAME, _yaml_text(config))
    return RecordsWorkspace(config=folder / CONFIG_NAME, tables=tuple(written))


def _check_kind(kind: str) -> None:
    """Records are taken for the record kinds: those whose entries are records keyed by a
    natural key (the NMDC staging sections, whose remote records `omicform dump` writes as
    entries), which read `from:` tables. Any other section goes in the document."""
    found = kind_named(kind)
    if found is None or not found.dumpable:
        takes = ", ".join(k.name for k in KINDS if k.dumpable)
        raise ConfigError(
            "records are taken for the staging sections only",
            field=f"tables[{kind!r}]",
            hint=f"Tables: {takes}. Put other sections in `document`.",
        )


def table_text(kind: str, records: Iterable[Mapping[str, Any]]) -> tuple[str, dict[str, int]]:
    """The records as a TSV: a header of every field named (in order of first use), then a
    row per record; and the index of the first record naming each field ({} for none)."""
    rows: list[Mapping[str, Any]] = []
    columns: dict[str, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise ConfigError(
                f"expected a mapping of field names to values, found {type(record).__name__}",
                field=f"{kind}[{index}]",
            )
        for name in record:
            if name not in columns:
                if not isinstance(name, str) or not name or _unwritable(name):
                    raise ConfigError(f"{name!r} is not a field name", field=f"{kind}[{index}]")
                columns[name] = index
        rows.append(record)
    lines = ["\t".join(columns)]
    for index, record in enumerate(rows):
        cells = [_cell(record.get(name), f"{kind}[{index}].{name}") for name in columns]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n", columns


def _cell(value: Any, field: str) -> str:
    """A value as a table cell holds it: text, as a hand-written table would have it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""  # not set (pandas' missing value too)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a whole number pandas made a float (a column with gaps)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if not isinstance(value, str):
        raise ConfigError(
            f"a table cell holds text, a number or a date, not {type(value).__name__}",
            field=field,
        )
    if _unwritable(value):
        raise ConfigError("holds a tab or a line break, which no table cell can hold", field=field)
    return value


def _unwritable(text: str) -> bool:
    return any(c in _UNWRITABLE for c in text)


def _with_table(kind: str, section: Any, name: str) -> dict[str, Any]:
    if section is None:
        return {"from": name}
    if not isinstance(section, Mapping):
        raise ConfigError("expected a mapping (defaults:, entries)", field=f"document[{kind!r}]")
    merged = dict(section)
    before = merged.get("from")
    merged["from"] = [*(before if isinstance(before, list) else [before]), name] if before else name
    return merged


def _yaml_text(config: Mapping[str, Any]) -> str:
    try:
        return yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True)
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"the document holds a value YAML cannot write ({exc})", field="document"
        ) from None


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise ConfigError(f"cannot be written: {exc.strerror or exc}", file=str(path)) from None


def translated(error: ConfigError, tables: Iterable[Table]) -> ConfigError:
    """`error` about a generated table, told by record index and field; others unchanged."""
    table = next((t for t in tables if t.path == error.file), None)
    if table is None:
        return error
    kind, words = table.kind, _plain(error)
    first = dict(table.first_use).get(error.field or "")
    if error.line == 1 and first is not None:  # a column: the first record naming it
        field = f"{kind}[{first}].{error.field}"
    elif error.line is None or error.line < 2:  # the table as a whole
        field = f"{kind} records"
    else:
        index = error.line - 2  # line 1 is the header; a record is never split
        name = (error.field or "").rsplit(".", 1)[-1]
        field = f"{kind}[{index}]" + (f".{name}" if name else "")
    hint = f"The records are written to {error.file} (record i on line i + 2)."
    return ConfigError(words, field=field, hint=f"{error.hint} {hint}" if error.hint else hint)


def _plain(error: ConfigError) -> str:
    """The error's own words, without the `file:line: field: ` prefix."""
    text = error.message
    for part in (":".join(str(p) for p in (error.file, error.line) if p is not None), error.field):
        if part and text.startswith(part + ": "):
            text = text[len(part) + 2 :]
    return text
