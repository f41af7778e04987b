"""The NMDC staging sections (`jgi_sequencing_projects`, `jgi_samples`, `globus_tasks`).

An entry's fields may come from three places: the section's `defaults:`, a row of a
`from:` table, and the entry itself. Each value keeps where it was written, so a mistake is
reported there: a typo in `defaults:` at its line in the YAML file, not at every table row
that inherits it. Problems are collected, not raised, so `validate` can list them all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from omicform.desired.display import has_unsafe, safe_name, shown
from omicform.desired.fields import FieldSpec, Section
from omicform.desired.files import user_path
from omicform.desired.ignore import IGNORE, ignore_changes
from omicform.desired.model import DesiredObject, Origin
from omicform.desired.problems import Problems
from omicform.desired.sections import field_value, unknown_field
from omicform.desired.tables import Header, read_table
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError


class Value(NamedTuple):
    value: Any
    origin: Origin
    from_text: bool  # a table cell: "12" is a fine whole number there


Add = Callable[[DesiredObject], None]


def load_staging(
    kind: Section, section: LineMap, file: str, base: Path, problems: Problems, add: Add
) -> None:
    """Every entry of one staging section, checked; each good one is passed to `add`."""
    defaults = _defaults(kind, section, file, problems)
    ignore = ignore_changes(kind, section, f"{kind.name}.{IGNORE}", file, problems)
    for name, spec in section.items():
        line = section.line_of(name)
        if name in ("defaults", IGNORE):
            continue
        if name == "from":
            tables = Tables(kind, base, defaults, ignore, problems, add)
            _tables(tables, spec, Origin(file, line))
            continue
        if not isinstance(spec, LineMap):
            problems.add(
                ConfigError(
                    "expected a mapping of fields",
                    file=file,
                    line=line,
                    field=f"{kind.name}.{name}",
                )
            )
            continue
        own = ignore_changes(kind, spec, f"{kind.name}.{name}.{IGNORE}", file, problems)
        values = {
            k: Value(v, Origin(file, spec.line_of(k)), False)
            for k, v in spec.items()
            if k != IGNORE
        }
        where = Origin(file, line)
        _object(kind, name, {**defaults, **values}, where, problems, add, ignore | own)


def _defaults(kind: Section, section: LineMap, file: str, problems: Problems) -> dict[str, Value]:
    """The section's defaults, each checked once at its own line; bad ones are left out."""
    raw = section.get("defaults")
    if raw is None:
        return {}
    if not isinstance(raw, LineMap):
        problems.add(
            ConfigError(
                "`defaults` must be a mapping of fields",
                file=file,
                line=section.line_of("defaults"),
                field=f"{kind.name}.defaults",
            )
        )
        return {}
    specs = kind.fields
    good: dict[str, Value] = {}
    for name, value in raw.items():
        where = Origin(file, raw.line_of(name))
        field = f"{kind.name}.defaults.{name}"
        try:
            if name not in specs:
                raise unknown_field(kind.name, specs, where, field)
            if name == kind.key:
                raise ConfigError(
                    f"{kind.key} cannot have a default: each entry's key is its own",
                    file=file,
                    line=where.line,
                    field=field,
                )
            field_value(specs[name], value, where, field, False)
        except ConfigError as error:
            problems.add(error)
            continue
        good[name] = Value(value, where, False)
    return good


class Tables(NamedTuple):
    """What every row of a section's `from:` tables inherits."""

    kind: Section
    base: Path
    defaults: dict[str, Value]
    ignore: frozenset[str]
    problems: Problems
    add: Add


def _tables(t: Tables, spec: Any, where: Origin) -> None:
    kind = t.kind
    for source in spec if isinstance(spec, list) else [spec]:
        try:
            if not isinstance(source, str) or not source:
                raise ConfigError(
                    "`from` takes a CSV/TSV file name or a list of them",
                    file=where.file,
                    line=where.line,
                    field=f"{kind.name}.from",
                )
            path = user_path(source, t.base, where, f"{kind.name}.from")
            _table(t, path.resolve(), where)
        except ConfigError as error:  # the whole table is unreadable
            t.problems.add(error)


def _table(t: Tables, path: Path, where: Origin) -> None:
    kind, problems = t.kind, t.problems
    file = str(path)
    columns: set[str] = set()
    for item in read_table(path, where):
        if isinstance(item, ConfigError):
            problems.add(item)
        elif isinstance(item, Header):
            columns = _columns(kind, item, file, problems)
        else:
            key = item.values.get(kind.key, "")
            if not key:
                problems.add(
                    ConfigError(
                        f"the row has no {kind.key}", file=file, line=item.line, field=kind.key
                    )
                )
                continue
            row = Origin(file, item.line)
            values = {k: Value(v, row, True) for k, v in item.values.items() if v and k in columns}
            _object(kind, key, {**t.defaults, **values}, row, problems, t.add, t.ignore)


def _columns(kind: Section, header: Header, file: str, problems: Problems) -> set[str]:
    """The header's usable columns; unknown and repeated ones are reported once, here."""
    specs = kind.fields
    seen: set[str] = set()
    for name in header.names:
        where = Origin(file, header.line)
        if name in seen:
            problems.add(
                ConfigError(
                    "a column named twice", file=file, line=header.line, field=safe_name(name)
                )
            )
        elif name not in specs:
            problems.add(unknown_field(kind.name, specs, where, safe_name(name)))
        seen.add(name)
    return {n for n in seen if n in specs and header.names.count(n) == 1}


def _object(
    kind: Section,
    key: str,
    raw: dict[str, Value],
    where: Origin,
    problems: Problems,
    add: Add,
    ignore: frozenset[str] = frozenset(),
) -> None:
    address = f"{kind.name}.{safe_name(key)}"
    if has_unsafe(key):
        problems.add(
            ConfigError(
                f"the key {shown(key)} holds a control or invisible character",
                file=where.file,
                line=where.line,
                field=kind.key,
            )
        )
        return
    fields = _fields(kind, address, raw, where.file, problems)
    if fields is None:
        return
    values, lines, origins = fields
    declared_key = values.setdefault(kind.key, key)
    try:
        _check_entry(kind, key, declared_key, values, address, where, lines)
        add(DesiredObject(kind.name, key, values, where, lines, origins, ignore))
    except ConfigError as error:
        problems.add(error)


def _fields(
    kind: Section, address: str, raw: dict[str, Value], entry_file: str, problems: Problems
) -> tuple[dict[str, Any], dict[str, int], dict[str, Origin]] | None:
    """The typed fields, their lines, and the origins of those from another file."""
    specs: dict[str, FieldSpec] = kind.fields
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    origins: dict[str, Origin] = {}
    failed = False
    for name, (value, origin, from_text) in raw.items():
        field = f"{address}.{safe_name(name)}"
        try:
            if name not in specs:
                raise unknown_field(kind.name, specs, origin, field)
            values[name] = field_value(specs[name], value, origin, field, from_text)
        except ConfigError as error:
            problems.add(error)
            failed = True
            continue
        lines[name] = origin.line
        if origin.file != entry_file:  # a default under a table row
            origins[name] = origin
    return None if failed else (values, lines, origins)


def _check_entry(
    kind: Section,
    key: str,
    declared_key: Any,
    values: dict[str, Any],
    address: str,
    where: Origin,
    lines: dict[str, int],
) -> None:
    if declared_key != key:
        raise ConfigError(
            f"{kind.key} {shown(declared_key)} differs from the entry's key {shown(key)}",
            file=where.file,
            line=lines.get(kind.key, where.line),
            field=f"{address}.{kind.key}",
            hint=f"Leave {kind.key} out: the entry's key is the {kind.key}.",
        )
    specs = kind.fields
    missing = [n for n, s in specs.items() if s.required and n not in values]
    if missing:
        raise ConfigError(
            "missing required field(s): " + ", ".join(missing),
            file=where.file,
            line=where.line,
            field=address,
            hint=f"Every {kind.name} entry needs: "
            + ", ".join(n for n, s in specs.items() if s.required)
            + ".",
        )
