"""The NMDC staging sections (`jgi_sequencing_projects`, `jgi_samples`, `globus_tasks`).

An entry's fields may come from three places: the section's `defaults:`, a row of a
`from:` table, and the entry itself. Each value keeps where it was written, so a mistake is
reported there: a typo in `defaults:` at its line in the YAML file, not at every table row
that inherits it. Problems are collected, not raised, so `validate` can list them all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from omicform.desired.display import SHOWN_CHARS, find_unsafe, has_unsafe, safe_name, shown
from omicform.desired.fields import (
    MAX_DIGITS,
    FieldSpec,
    FieldTypeError,
    Section,
    datetime_from_text,
    datetime_text,
)
from omicform.desired.files import user_path
from omicform.desired.ignore import IGNORE, ignore_changes
from omicform.desired.model import DesiredObject, Origin, Reference, Template
from omicform.desired.problems import Problems
from omicform.desired.sections import field_value, unknown_field
from omicform.desired.tables import Header, Row, read_table
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError


class Defaults(NamedTuple):
    """A section's `defaults:`, each checked once at its own line (bad ones left out) and
    typed once: every entry and table row inherits the typed values as they are."""

    values: dict[str, Any]
    lines: dict[str, int]
    origins: dict[str, Origin]  # where each was written (the YAML file)
    plain: bool  # none holds a reference


Add = Callable[[DesiredObject], None]
NO_DEFAULTS = Defaults({}, {}, {}, True)
# Shared by every table row's record, which has none of its own (nothing changes a
# record's mappings once made): not an empty dict each, 100,000 of them for a big table.
NO_LINES: Mapping[str, int] = MappingProxyType({})
NO_ORIGINS: Mapping[str, Origin] = MappingProxyType({})


class Entry(NamedTuple):
    """One entry as written: where, its own raw fields (in order), and how to read them."""

    key: str
    fields: Mapping[str, Any]
    where: Origin
    lines: Mapping[str, int]  # each own field's line; absent: the entry's line
    from_text: bool  # a table row: "12" is a fine whole number there
    # The fields to check; the others are text known to be fine (a table's text columns
    # when the table holds no `${`). None: every one.
    to_check: Sequence[str] | None = None


class Tables(NamedTuple):
    """What every entry of a section inherits: its defaults, `ignore_changes`, and where
    problems and good entries go."""

    kind: Section
    base: Path
    defaults: Defaults
    ignore: frozenset[str]
    problems: Problems
    add: Add


def load_staging(
    kind: Section, section: LineMap, file: str, base: Path, problems: Problems, add: Add
) -> None:
    """Every entry of one staging section, checked; each good one is passed to `add`."""
    defaults = _defaults(kind, section, file, problems)
    ignore = ignore_changes(kind, section, f"{kind.name}.{IGNORE}", file, problems)
    t = Tables(kind, base, defaults, ignore, problems, add)
    for name, spec in section.items():
        line = section.line_of(name)
        if name in ("defaults", IGNORE):
            continue
        if name == "from":
            _tables(t, spec, Origin(file, line))
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
        fields = {k: v for k, v in spec.items() if k != IGNORE} if IGNORE in spec else spec
        _object(t, Entry(name, fields, Origin(file, line), spec.lines, False), ignore | own)


def _defaults(kind: Section, section: LineMap, file: str, problems: Problems) -> Defaults:
    raw = section.get("defaults")
    if raw is None:
        return NO_DEFAULTS
    if not isinstance(raw, LineMap):
        problems.add(
            ConfigError(
                "`defaults` must be a mapping of fields",
                file=file,
                line=section.line_of("defaults"),
                field=f"{kind.name}.defaults",
            )
        )
        return NO_DEFAULTS
    specs = kind.fields
    good = Defaults({}, {}, {}, True)
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
            good.values[name] = field_value(specs[name], value, where, field, False)
        except ConfigError as error:
            problems.add(error)
            continue
        good.lines[name] = where.line
        good.origins[name] = where
    plain = not any(isinstance(v, (Reference, Template)) for v in good.values.values())
    return good._replace(plain=plain)


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
    kind, problems, add = t.kind, t.problems, t.add
    file = str(path)
    columns: set[str] = set()
    usable = False  # every column known, none repeated
    checks: list[tuple[str, bool]] | None = None
    for item in read_table(path, where):
        if item.__class__ is Row:  # first: all but one or two items are rows
            line, cells = item  # a Row, checked above
            key = cells.get(kind.key, "")
            if not key:
                problems.add(
                    ConfigError(f"the row has no {kind.key}", file=file, line=line, field=kind.key)
                )
                continue
            if not (usable and all(cells.values())):  # else: leave out
                cells = {k: v for k, v in cells.items() if v and k in columns}  # blank, unknown
            # tuple.__new__: a NamedTuple's own constructor is a Python call per row.
            where = tuple.__new__(Origin, (file, line))
            quick = _quick(t, key, cells, where, checks) if checks is not None else None
            if quick is not None:
                add(quick)
            else:  # every cell is on the row's line: no line per field
                to_check = [n for n, _ in checks] if checks is not None else None
                _object(t, Entry(key, cells, where, {}, True, to_check), t.ignore)
        elif isinstance(item, Header):
            columns = _columns(kind, item, file, problems)
            usable = columns == set(item.names)  # every row's cells have the header's names
            if not item.templated:  # text cells are fine as they are: check the others
                specs = kind.fields
                names = [n for n in item.names if n in columns and specs[n].type != "str"]
                checks = [(n, specs[n].type == "int") for n in names]
        else:
            problems.add(item)  # type: ignore[arg-type]  # neither a row nor the header


def _quick(
    t: Tables,
    key: str,
    cells: dict[str, str],
    where: Origin,
    checks: Sequence[tuple[str, bool]],
) -> DesiredObject | None:
    """A table row's record the short way, when nothing about the row is unusual: a plain
    key, every cell of `checks` (name, whether a whole number; else a datetime) typed as
    `_plain_value` types it, every required field there (a 100,000-row table is mostly
    such rows). None: the general way decides, and reports."""
    if len(key) > SHOWN_CHARS or find_unsafe(key) is not None:
        return None
    typed: list[tuple[str, Any]] = []
    for name, whole in checks:  # `_plain_value`, inline: one call per row, not per cell
        value = cells.get(name)
        if value is None:
            continue
        if whole:
            if not (value.isascii() and value.isdigit()) or len(value) > MAX_DIGITS:
                return None
            typed.append((name, int(value)))
            continue
        try:
            typed.append((name, datetime_from_text(value)))
        except FieldTypeError:
            return None
    defaults = t.defaults
    values: dict[str, Any] = {**defaults.values, **cells} if defaults.values else cells
    if not values.keys() >= t.kind.required_set:
        return None
    values.update(typed)  # only now: the general way reads the cells as they were
    origins: Mapping[str, Origin] = NO_ORIGINS
    if defaults.values:
        _, origins = _where_written(defaults, Entry(key, cells, where, NO_LINES, True))
    return DesiredObject(
        t.kind.name, key, values, where, NO_LINES, origins, t.ignore, defaults.plain
    )


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


def _object(t: Tables, entry: Entry, ignore: frozenset[str]) -> None:
    kind, key, where = t.kind, entry.key, entry.where
    if has_unsafe(key):
        t.problems.add(
            ConfigError(
                f"the key {shown(key)} holds a control or invisible character",
                file=where.file,
                line=where.line,
                field=kind.key,
            )
        )
        return
    address = f"{kind.name}.{key}" if len(key) <= SHOWN_CHARS else f"{kind.name}.{shown(key)}"
    typed = _typed(t, address, entry)
    if typed is None:
        return
    values, plain = typed
    lines, origins = _where_written(t.defaults, entry)
    declared_key = values.setdefault(kind.key, key)
    try:
        _check_entry(kind, key, declared_key, values, address, where, lines)
        t.add(DesiredObject(kind.name, key, values, where, lines, origins, ignore, plain))
    except ConfigError as error:
        t.problems.add(error)


def _where_written(
    defaults: Defaults, entry: Entry
) -> tuple[Mapping[str, int], Mapping[str, Origin]]:
    """Each field's line in the entry's file, and the origins of those from another file
    (a table row's `defaults:` are in the YAML file)."""
    if not defaults.values:
        return entry.lines, {}
    if entry.where.file == next(iter(defaults.origins.values())).file:
        return {**defaults.lines, **entry.lines}, {}
    if entry.fields.keys().isdisjoint(defaults.origins):
        return entry.lines, defaults.origins  # shared by every row: nobody changes it
    origins = {n: o for n, o in defaults.origins.items() if n not in entry.fields}
    return entry.lines, origins


def _typed(t: Tables, address: str, entry: Entry) -> tuple[dict[str, Any], bool] | None:
    """The entry's typed fields over its defaults' (in the order `{**defaults, **own}`
    gives), and whether none holds a reference; None when a field is wrong (each wrong
    one is reported)."""
    kind, defaults, own = t.kind, t.defaults, entry.fields
    specs: dict[str, FieldSpec] = kind.fields
    names: Collection[str]
    if entry.to_check is None:
        values, names = dict(defaults.values), own.keys()
    else:  # values assigned below keep their place: the order stays `{**defaults, **own}`'s
        values, names = {**defaults.values, **own}, [n for n in entry.to_check if n in own]
    plain, failed = defaults.plain, False
    for name in names:
        value, spec = own[name], specs.get(name)
        if spec is not None and (typed := _plain_value(spec, value, entry.from_text)) is not SLOW:
            values[name] = typed
            continue
        try:
            values[name] = typed = _field(kind, address, entry, name, value, spec)
        except ConfigError as error:
            t.problems.add(error)
            failed = True
            continue
        if isinstance(typed, (Reference, Template)):
            plain = False
    return None if failed else (values, plain)


SLOW = object()  # `_plain_value` has no answer: the full check (and its error) decides


def _plain_value(spec: FieldSpec, value: Any, from_text: bool) -> Any:
    """The common cases without the full check, which gives the same answer for them:
    text in a text field, a whole number (a table's digits) in a number field, a datetime's
    text; SLOW for anything else (a reference, a mistake, null)."""
    if value.__class__ is str:
        if spec.type == "str":
            return value if "${" not in value else SLOW
        if spec.type == "int":
            if from_text and value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
                return int(value)
            return SLOW
        try:
            return datetime_text(value)
        except FieldTypeError:
            return SLOW
    if value.__class__ is int and spec.type == "int":
        return value
    return SLOW


def _field(
    kind: Section, address: str, entry: Entry, name: str, value: Any, spec: FieldSpec | None
) -> Any:
    where = Origin(entry.where.file, entry.lines.get(name, entry.where.line))
    field = f"{address}.{safe_name(name)}"
    if spec is None:
        raise unknown_field(kind.name, kind.fields, where, field)
    return field_value(spec, value, where, field, entry.from_text)


def _check_entry(
    kind: Section,
    key: str,
    declared_key: Any,
    values: dict[str, Any],
    address: str,
    where: Origin,
    lines: Mapping[str, int],
) -> None:
    if declared_key != key:
        raise ConfigError(
            f"{kind.key} {shown(declared_key)} differs from the entry's key {shown(key)}",
            file=where.file,
            line=lines.get(kind.key, where.line),
            field=f"{address}.{kind.key}",
            hint=f"Leave {kind.key} out: the entry's key is the {kind.key}.",
        )
    if not values.keys() >= kind.required_set:
        missing = [n for n, s in kind.fields.items() if s.required and n not in values]
        raise ConfigError(
            "missing required field(s): " + ", ".join(missing),
            file=where.file,
            line=where.line,
            field=address,
            hint=f"Every {kind.name} entry needs: " + ", ".join(kind.required) + ".",
        )
