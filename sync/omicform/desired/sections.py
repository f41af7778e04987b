"""Small checks shared by the sections of a desired-state file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from omicform.desired.display import shown
from omicform.desired.fields import FieldSpec, FieldTypeError, coerce
from omicform.desired.files import is_file, user_path
from omicform.desired.model import Origin, Reference, Template
from omicform.desired.references import ReferenceSyntaxError, parse_text
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError


def section(doc: LineMap, name: str, file: str) -> LineMap:
    value = doc.get(name)
    if value is None:
        return LineMap()
    if not isinstance(value, LineMap):
        raise ConfigError("expected a mapping", file=file, line=doc.line_of(name), field=name)
    return value


def entries(section: LineMap) -> Iterable[tuple[str, Any, int]]:
    for name, value in section.items():
        yield str(name), value, section.line_of(name)


def only(spec: LineMap, allowed: set[str], where: Origin, address: str) -> None:
    for name in spec:
        if name not in allowed:
            raise ConfigError(
                "unknown setting",
                file=where.file,
                line=spec.line_of(name),
                field=f"{address}.{name}",
                hint="Known settings: " + ", ".join(sorted(allowed)) + ".",
            )


def error_at(where: Origin, spec: Any, name: str, field: str, message: str) -> ConfigError:
    """An error at `name`'s own line inside `spec` when it has one, else at `where`."""
    line = spec.line_of(name) if isinstance(spec, LineMap) else where.line
    return ConfigError(message, file=where.file, line=line, field=field)


def unknown_field(
    kind: str, specs: Mapping[str, FieldSpec], where: Origin, field: str
) -> ConfigError:
    return ConfigError(
        f"unknown field for {kind}",
        file=where.file,
        line=where.line,
        field=field,
        hint="Known fields: " + ", ".join(specs) + ".",
    )


def field_value(spec: FieldSpec, value: Any, where: Origin, field: str, from_text: bool) -> Any:
    """The typed value of one field, references parsed; a ConfigError at `where` if wrong."""
    if isinstance(value, str) and "${" in value:
        try:
            parsed = parse_text(value)
        except ReferenceSyntaxError as exc:
            raise ConfigError(str(exc), file=where.file, line=where.line, field=field) from None
        if spec.type != "str" and isinstance(parsed, (Reference, Template)):
            raise ConfigError(
                "references can only fill text fields",
                file=where.file,
                line=where.line,
                field=field,
            )
        return parsed
    try:
        return coerce(spec, value, from_text=from_text)
    except FieldTypeError as exc:
        raise ConfigError(str(exc), file=where.file, line=where.line, field=field) from None


def file_entry(spec: Any, where: Origin, address: str, base: Path, allowed: set[str]) -> Path:
    """The file an entry names, as `NAME: FILE` or `NAME: {file: FILE, ...}`; it must exist."""
    if isinstance(spec, LineMap):
        only(spec, allowed, where, address)
        name = spec.get("file")
    else:
        name = spec
    field = f"{address}.file"
    if not isinstance(name, str) or not name:
        raise error_at(where, spec, "file", field, "expected a file name")
    line = spec.line_of("file") if isinstance(spec, LineMap) else where.line
    path = user_path(name, base, Origin(where.file, line), field)
    if not is_file(path):
        raise error_at(where, spec, "file", field, f"no such file: {shown(str(path), 200)}")
    return path
