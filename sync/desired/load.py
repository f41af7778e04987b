"""Reading desired-state files into a `DesiredState`, with errors that name file, line, field.

Nothing here touches the network: `omicform validate` runs exactly this (plus local checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from omicform.desired.fields import FIELDS, FieldTypeError, coerce
from omicform.desired.model import (
    DesiredObject,
    DesiredState,
    IdentifierBatch,
    MetadataSubmission,
    NemoManifest,
    NemoServiceConfig,
    NmdcServiceConfig,
    Origin,
    Reference,
    ServiceConfig,
    Template,
)
from omicform.desired.references import ReferenceSyntaxError, parse_text, references_in
from omicform.desired.tables import read_table
from omicform.desired.yamlfile import LineMap, load_yaml
from omicform.errors import ConfigError
from omicform.services.nmdc import StagingKind

FORMAT_VERSION = 1
DEFAULT_FILE = "omicform.yaml"
KINDS = {kind.value: kind for kind in StagingKind}
TOP_LEVEL = {
    "omicform",
    "services",
    "identifiers",
    "metadata_submissions",
    "nemo_manifests",
    *KINDS,
}
# Names that mean a secret: refused anywhere under `services:`.
SECRET_NAMES = {"client_secret", "password", "secret", "token", "jwt", "api_key", "access_token"}


def config_files(target: Path) -> list[Path]:
    """The YAML files a `-f` target names: the file itself, or a folder's *.yaml and *.yml."""
    if target.is_dir():
        files = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
        if not files:
            raise ConfigError("the folder holds no .yaml or .yml files", file=str(target))
        return files
    if not target.exists():
        raise ConfigError(
            "no such file",
            file=str(target),
            hint="" + "Write one with `omicform init`, or name another file with -f.",
        )
    return [target]


def load_desired(target: Path | str = DEFAULT_FILE) -> DesiredState:
    """Loads and checks the desired state from a file or a folder of files."""
    files = config_files(Path(target))
    loader = _Loader()
    for path in files:
        loader.load_file(path)
    return loader.finish(tuple(files))


class _Loader:
    def __init__(self) -> None:
        self.services: ServiceConfig | None = None
        self.services_origin: Origin | None = None
        self.objects: dict[str, DesiredObject] = {}
        self.identifiers: dict[str, IdentifierBatch] = {}
        self.metadata: dict[str, MetadataSubmission] = {}
        self.manifests: dict[str, NemoManifest] = {}
        self.origins: dict[str, Origin] = {}

    # -- files ------------------------------------------------------------------------------

    def load_file(self, path: Path) -> None:
        doc = load_yaml(path)
        file = str(path)
        if doc is None:
            raise ConfigError("the file is empty; it needs at least `omicform: 1`", file=file)
        if not isinstance(doc, LineMap):
            raise ConfigError("the file must be a mapping of kinds", file=file, line=1)
        version = doc.get("omicform")
        if version != FORMAT_VERSION:
            raise ConfigError(
                f"expected `omicform: {FORMAT_VERSION}`, found {version!r}",
                file=file,
                line=doc.line_of("omicform") if "omicform" in doc else 1,
                field="omicform",
                hint="Start every desired-state file with the line `omicform: 1`.",
            )
        for name in doc:
            if name not in TOP_LEVEL:
                raise ConfigError(
                    "unknown section",
                    file=file,
                    line=doc.line_of(name),
                    field=name,
                    hint="Known sections: " + ", ".join(sorted(TOP_LEVEL)) + ".",
                )
        base = path.parent
        if "services" in doc:
            self._services(doc, file)
        if "identifiers" in doc:
            self._identifiers(_section(doc, "identifiers", file), file)
        for name, kind in KINDS.items():
            if name in doc:
                self._staging(kind, _section(doc, name, file), file, base)
        if "metadata_submissions" in doc:
            for name, spec, line in _entries(_section(doc, "metadata_submissions", file)):
                where = Origin(file, line)
                path_ = _file_entry(spec, where, f"metadata_submissions.{name}", base, {"file"})
                self._add(self.metadata, name, MetadataSubmission(name, path_, where), where)
        if "nemo_manifests" in doc:
            for name, spec, line in _entries(_section(doc, "nemo_manifests", file)):
                where = Origin(file, line)
                address = f"nemo_manifests.{name}"
                path_ = _file_entry(spec, where, address, base, {"file", "strict"})
                strict = spec.get("strict", False) if isinstance(spec, dict) else False
                if not isinstance(strict, bool):
                    raise _error(
                        where, spec, "strict", f"{address}.strict", "expected true or false"
                    )
                self._add(self.manifests, name, NemoManifest(name, path_, where, strict), where)

    def _add(self, table: dict[str, Any], name: str, item: Any, where: Origin) -> None:
        address = item.address
        if address in self.origins:
            raise ConfigError(
                f"declared twice (first at {self.origins[address]})",
                file=where.file,
                line=where.line,
                field=address,
            )
        self.origins[address] = where
        table[name] = item

    # -- sections ---------------------------------------------------------------------------

    def _services(self, doc: LineMap, file: str) -> None:
        line = doc.line_of("services")
        if self.services is not None:
            raise ConfigError(
                f"`services` is already set in {self.services_origin}",
                file=file,
                line=line,
                field="services",
            )
        section = _section(doc, "services", file)
        _refuse_secrets(section, file, "services")
        unknown = set(section) - {"nmdc", "nemo"}
        if unknown:
            name = sorted(unknown)[0]
            raise ConfigError(
                "unknown service; expected nmdc or nemo",
                file=file,
                line=section.line_of(name),
                field=f"services.{name}",
            )
        nmdc = _options(section, "nmdc", file, NmdcServiceConfig())
        nemo = _options(section, "nemo", file, NemoServiceConfig())
        self.services = ServiceConfig(nmdc=nmdc, nemo=nemo)
        self.services_origin = Origin(file, line)

    def _identifiers(self, section: LineMap, file: str) -> None:
        for name, spec, line in _entries(section):
            where = Origin(file, line)
            address = f"identifiers.{name}"
            if not isinstance(spec, LineMap):
                raise ConfigError(
                    "expected a mapping like {type: nmdc:DataObject, count: 4}",
                    file=file,
                    line=line,
                    field=address,
                )
            _only(spec, {"type", "count"}, where, address)
            schema_class = spec.get("type")
            if not isinstance(schema_class, str) or not schema_class.startswith("nmdc:"):
                raise _error(
                    where,
                    spec,
                    "type",
                    f"{address}.type",
                    "expected a class such as nmdc:DataObject",
                )
            count = spec.get("count")
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise _error(
                    where, spec, "count", f"{address}.count", "expected a whole number of 1 or more"
                )
            self._add(
                self.identifiers, name, IdentifierBatch(name, schema_class, count, where), where
            )

    def _staging(self, kind: StagingKind, section: LineMap, file: str, base: Path) -> None:
        defaults_raw = section.get("defaults", {})
        if not isinstance(defaults_raw, dict):
            raise ConfigError(
                "`defaults` must be a mapping of fields",
                file=file,
                line=section.line_of("defaults"),
                field=f"{kind.value}.defaults",
            )
        defaults = {k: (v, section.line_of("defaults")) for k, v in defaults_raw.items()}
        for name, spec, line in _entries(section):
            if name == "defaults":
                continue
            if name == "from":
                self._table(kind, spec, Origin(file, line), base, defaults)
                continue
            where = Origin(file, line)
            if not isinstance(spec, LineMap):
                raise ConfigError(
                    "expected a mapping of fields",
                    file=file,
                    line=line,
                    field=f"{kind.value}.{name}",
                )
            values = {k: (v, spec.line_of(k)) for k, v in spec.items()}
            self._object(kind, name, {**defaults, **values}, where, from_text=False)

    def _table(
        self,
        kind: StagingKind,
        spec: Any,
        where: Origin,
        base: Path,
        defaults: dict[str, tuple[Any, int]],
    ) -> None:
        sources = spec if isinstance(spec, list) else [spec]
        for source in sources:
            if not isinstance(source, str):
                raise ConfigError(
                    "`from` takes a CSV/TSV file name or a list of them",
                    file=where.file,
                    line=where.line,
                    field=f"{kind.value}.from",
                )
            path = (base / source).resolve() if not Path(source).is_absolute() else Path(source)
            for row in read_table(path, where):
                values = {k: (v, row.line) for k, v in row.values.items() if v != ""}
                key = row.values.get(kind.key, "")
                cell_origin = Origin(str(path), row.line)
                if not key:
                    raise ConfigError(
                        f"the row has no {kind.key}",
                        file=str(path),
                        line=row.line,
                        field=kind.key,
                    )
                self._object(kind, key, {**defaults, **values}, cell_origin, from_text=True)

    def _object(
        self,
        kind: StagingKind,
        key: str,
        raw: dict[str, tuple[Any, int]],
        where: Origin,
        *,
        from_text: bool,
    ) -> None:
        address = f"{kind.value}.{key}"
        specs = FIELDS[kind]
        fields: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for name, (value, line) in raw.items():
            field_where = Origin(where.file, line)
            if name not in specs:
                raise ConfigError(
                    f"unknown field for {kind.value}",
                    file=where.file,
                    line=line,
                    field=f"{address}.{name}",
                    hint="Known fields: " + ", ".join(specs) + ".",
                )
            fields[name] = _field_value(
                specs[name], value, field_where, f"{address}.{name}", from_text
            )
            lines[name] = line
        declared_key = fields.setdefault(kind.key, key)
        if declared_key != key:
            raise ConfigError(
                f"{kind.key} {declared_key!r} differs from the entry's key {key!r}",
                file=where.file,
                line=lines.get(kind.key, where.line),
                field=f"{address}.{kind.key}",
                hint=f"Leave {kind.key} out: the entry's key is the {kind.key}.",
            )
        missing = [n for n, s in specs.items() if s.required and n not in fields]
        if missing:
            raise ConfigError(
                "missing required field(s): " + ", ".join(missing),
                file=where.file,
                line=where.line,
                field=address,
                hint=f"Every {kind.value} entry needs: "
                + ", ".join(n for n, s in specs.items() if s.required)
                + ".",
            )
        self._add(self.objects, address, DesiredObject(kind, key, fields, where, lines), where)

    # -- cross-checks -----------------------------------------------------------------------

    def finish(self, files: tuple[Path, ...]) -> DesiredState:
        objects = tuple(self.objects.values())
        for obj in objects:
            for name, value in obj.fields.items():
                for ref in references_in(value):
                    check_reference(
                        self.identifiers,
                        ref,
                        Origin(obj.origin.file, obj.field_lines.get(name, obj.origin.line)),
                        f"{obj.address}.{name}",
                    )
        return DesiredState(
            files=files,
            services=self.services or ServiceConfig(),
            objects=objects,
            identifiers=tuple(self.identifiers.values()),
            metadata=tuple(self.metadata.values()),
            manifests=tuple(self.manifests.values()),
        )


def check_references(state: DesiredState, refs: Iterable[tuple[Reference, Origin, str]]) -> None:
    """Checks references found outside the YAML (inside metadata documents)."""
    batches = {b.name: b for b in state.identifiers}
    for ref, where, field in refs:
        check_reference(batches, ref, where, field)


def check_reference(
    batches: Mapping[str, IdentifierBatch], ref: Reference, where: Origin, field: str
) -> None:
    """A reference must name a declared batch and an index below its count."""
    batch = batches.get(ref.batch)
    if batch is None:
        raise ConfigError(
            f"{ref} refers to an identifier batch that is not declared",
            file=where.file,
            line=where.line,
            field=field,
            hint=f"Declare it under identifiers: {ref.batch}: {{type: nmdc:..., count: N}}.",
        )
    if ref.index >= batch.count:
        raise ConfigError(
            f"{ref} is out of range: batch {ref.batch} has count {batch.count}",
            file=where.file,
            line=where.line,
            field=field,
            hint=f"Use an index from 0 to {batch.count - 1}, or raise the count.",
        )


# -- helpers ----------------------------------------------------------------------------------


def _section(doc: LineMap, name: str, file: str) -> LineMap:
    value = doc.get(name)
    if value is None:
        return LineMap()
    if not isinstance(value, LineMap):
        raise ConfigError("expected a mapping", file=file, line=doc.line_of(name), field=name)
    return value


def _entries(section: LineMap) -> Iterable[tuple[str, Any, int]]:
    for name, value in section.items():
        yield str(name), value, section.line_of(name)


def _only(spec: LineMap, allowed: set[str], where: Origin, address: str) -> None:
    for name in spec:
        if name not in allowed:
            raise ConfigError(
                "unknown setting",
                file=where.file,
                line=spec.line_of(name),
                field=f"{address}.{name}",
                hint="Known settings: " + ", ".join(sorted(allowed)) + ".",
            )


def _error(where: Origin, spec: Any, name: str, field: str, message: str) -> ConfigError:
    line = spec.line_of(name) if isinstance(spec, LineMap) else where.line
    return ConfigError(message, file=where.file, line=line, field=field)


def _file_entry(spec: Any, where: Origin, address: str, base: Path, allowed: set[str]) -> Path:
    if isinstance(spec, LineMap):
        _only(spec, allowed, where, address)
        name = spec.get("file")
    else:
        name = spec
    if not isinstance(name, str) or not name:
        raise _error(where, spec, "file", f"{address}.file", "expected a file name")
    path = Path(name) if Path(name).is_absolute() else base / name
    if not path.is_file():
        raise _error(where, spec, "file", f"{address}.file", f"no such file: {path}")
    return path


def _field_value(spec: Any, value: Any, where: Origin, field: str, from_text: bool) -> Any:
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


def _refuse_secrets(node: Any, file: str, path: str) -> None:
    if not isinstance(node, LineMap):
        return
    for name, value in node.items():
        field = f"{path}.{name}"
        if name.lower() in SECRET_NAMES:
            raise ConfigError(
                "secrets are never read from files",
                file=file,
                line=node.line_of(name),
                field=field,
                hint=(
                    "Remove it, export the secret in an environment variable, and name "
                    f"that variable with `{name}_env: VARIABLE`."
                ),
            )
        _refuse_secrets(value, file, field)


def _options(section: LineMap, name: str, file: str, default: Any) -> Any:
    spec = section.get(name)
    if spec is None:
        return default
    if not isinstance(spec, LineMap):
        raise ConfigError(
            "expected a mapping", file=file, line=section.line_of(name), field=f"services.{name}"
        )
    known = set(type(default).__dataclass_fields__)
    values: dict[str, Any] = {}
    for key, value in spec.items():
        field = f"services.{name}.{key}"
        line = spec.line_of(key)
        if key not in known:
            raise ConfigError(
                "unknown setting",
                file=file,
                line=line,
                field=field,
                hint="Known settings: " + ", ".join(sorted(known)) + ".",
            )
        if key == "rate_limit":
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
            ):
                raise ConfigError(
                    "expected requests per second (a positive number) or null",
                    file=file,
                    line=line,
                    field=field,
                )
            values[key] = float(value) if value is not None else None
        elif not isinstance(value, str) or not value:
            raise ConfigError("expected text", file=file, line=line, field=field)
        else:
            values[key] = value
    return type(default)(**values)
