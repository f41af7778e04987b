"""Reading desired-state files into a `DesiredState`, with errors that name file, line, field.

Nothing here touches the network: `omicform validate` runs exactly this (plus local checks).
Every problem is collected, entry by entry, so `validate` lists them all; `load_desired`
(for plan and apply) raises the first one after reading everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from omicform.desired.display import shown
from omicform.desired.fields import SECTIONS
from omicform.desired.files import is_file, user_path
from omicform.desired.model import (
    DesiredObject,
    DesiredState,
    IdentifierBatch,
    MetadataSubmission,
    NemoManifest,
    Origin,
    Reference,
    ServiceConfig,
)
from omicform.desired.problems import Problems
from omicform.desired.references import references_in
from omicform.desired.sections import entries, error_at, only, section
from omicform.desired.settings import SECRET_NAMES, load_services
from omicform.desired.staging import load_staging
from omicform.desired.yamlfile import LineMap, load_yaml
from omicform.errors import ConfigError

FORMAT_VERSION = 1
DEFAULT_FILE = "omicform.yaml"
KINDS = SECTIONS  # the NMDC staging sections
TOP_LEVEL = {
    "omicform",
    "services",
    "identifiers",
    "metadata_submissions",
    "nemo_manifests",
    *KINDS,
}
SECTION_ORDER = ("services", "identifiers", *KINDS, "metadata_submissions", "nemo_manifests")
# Ids one batch may ask for. The server puts no bound on `how_many`, so a typo
# (`count: 1000000000`) would mint until something broke; ten thousand is far more than a
# study's data objects, and a larger need can be split into several batches.
MAX_BATCH = 10_000

__all__ = ["DEFAULT_FILE", "MAX_BATCH", "SECRET_NAMES", "collect_desired", "load_desired"]


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
            hint="Write one with `omicform init`, or name another file with -f.",
        )
    return [target]


def load_desired(target: Path | str = DEFAULT_FILE) -> DesiredState:
    """Loads and checks the desired state; raises the first problem (counting the others)."""
    problems = Problems()
    desired = collect_desired(target, problems)
    problems.raise_first()
    return desired


def collect_desired(target: Path | str, problems: Problems) -> DesiredState:
    """Loads what can be loaded, adding every problem found to `problems`."""
    files = config_files(Path(target))
    loader = _Loader(problems)
    for path in files:
        try:
            loader.load_file(path)
        except ConfigError as error:  # the file as a whole is unusable
            problems.add(error)
    return loader.finish(tuple(files))


class _Loader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.services: ServiceConfig | None = None
        self.services_origin: Origin | None = None
        self.objects: dict[str, DesiredObject] = {}
        self.identifiers: dict[str, IdentifierBatch] = {}
        self.broken_batches: set[str] = set()  # declared wrongly: references are not judged
        self.metadata: dict[str, MetadataSubmission] = {}
        self.manifests: dict[str, NemoManifest] = {}
        self.origins: dict[str, Origin] = {}

    # -- files ------------------------------------------------------------------------------

    def load_file(self, path: Path) -> None:
        doc = load_yaml(path)
        file = str(path)
        _check_header(doc, file)
        for name in doc:
            if name not in TOP_LEVEL:
                self.problems.add(
                    ConfigError(
                        "unknown section",
                        file=file,
                        line=doc.line_of(name),
                        field=name,
                        hint="Known sections: " + ", ".join(sorted(TOP_LEVEL)) + ".",
                    )
                )
        base = path.parent
        for name in SECTION_ORDER:
            if name in doc:
                try:
                    self._section(name, doc, file, base)
                except ConfigError as error:
                    self.problems.add(error)

    def _section(self, name: str, doc: LineMap, file: str, base: Path) -> None:
        if name == "services":
            self._services(doc, file)
        elif name == "identifiers":
            self._each(section(doc, name, file), file, self._identifier)
        elif name in KINDS:
            load_staging(
                KINDS[name], section(doc, name, file), file, base, self.problems, self._object
            )
        elif name == "metadata_submissions":
            self._each(
                section(doc, name, file), file, lambda n, s, w: self._metadata(n, s, w, base)
            )
        else:
            self._each(
                section(doc, name, file), file, lambda n, s, w: self._manifest(n, s, w, base)
            )

    def _each(
        self, entries_of: LineMap, file: str, load: Callable[[str, Any, Origin], None]
    ) -> None:
        for name, spec, line in entries(entries_of):
            try:
                load(name, spec, Origin(file, line))
            except ConfigError as error:
                self.problems.add(error)

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

    def _object(self, obj: DesiredObject) -> None:
        self._add(self.objects, obj.address, obj, obj.origin)

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
        self.services = load_services(section(doc, "services", file), file)
        self.services_origin = Origin(file, line)

    def _identifier(self, name: str, spec: Any, where: Origin) -> None:
        address = f"identifiers.{name}"
        try:
            batch = _batch(name, spec, where, address)
        except ConfigError:
            self.broken_batches.add(name)
            raise
        self._add(self.identifiers, name, batch, where)

    def _metadata(self, name: str, spec: Any, where: Origin, base: Path) -> None:
        path = _file_entry(spec, where, f"metadata_submissions.{name}", base, {"file"})
        self._add(self.metadata, name, MetadataSubmission(name, path, where), where)

    def _manifest(self, name: str, spec: Any, where: Origin, base: Path) -> None:
        address = f"nemo_manifests.{name}"
        path = _file_entry(spec, where, address, base, {"file", "strict"})
        strict = spec.get("strict", False) if isinstance(spec, dict) else False
        if not isinstance(strict, bool):
            raise error_at(where, spec, "strict", f"{address}.strict", "expected true or false")
        self._add(self.manifests, name, NemoManifest(name, path, where, strict), where)

    # -- cross-checks -----------------------------------------------------------------------

    def finish(self, files: tuple[Path, ...]) -> DesiredState:
        objects = tuple(self.objects.values())
        for obj in objects:
            for name, value in obj.fields.items():
                for ref in references_in(value):
                    if ref.batch in self.broken_batches:
                        continue
                    try:
                        check_reference(
                            self.identifiers, ref, obj.origin_of(name), f"{obj.address}.{name}"
                        )
                    except ConfigError as error:
                        self.problems.add(error)
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


def _check_header(doc: Any, file: str) -> None:
    if doc is None:
        raise ConfigError("the file is empty; it needs at least `omicform: 1`", file=file)
    if not isinstance(doc, LineMap):
        raise ConfigError("the file must be a mapping of kinds", file=file, line=1)
    version = doc.get("omicform")
    if version != FORMAT_VERSION:
        raise ConfigError(
            f"expected `omicform: {FORMAT_VERSION}`, found {shown(version)}",
            file=file,
            line=doc.line_of("omicform") if "omicform" in doc else 1,
            field="omicform",
            hint="Start every desired-state file with the line `omicform: 1`.",
        )


def _batch(name: str, spec: Any, where: Origin, address: str) -> IdentifierBatch:
    if not isinstance(spec, LineMap):
        raise ConfigError(
            "expected a mapping like {type: nmdc:DataObject, count: 4}",
            file=where.file,
            line=where.line,
            field=address,
        )
    only(spec, {"type", "count"}, where, address)
    schema_class = spec.get("type")
    if not isinstance(schema_class, str) or not schema_class.startswith("nmdc:"):
        raise error_at(
            where, spec, "type", f"{address}.type", "expected a class such as nmdc:DataObject"
        )
    count = spec.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise error_at(
            where, spec, "count", f"{address}.count", "expected a whole number of 1 or more"
        )
    if count > MAX_BATCH:
        raise ConfigError(
            f"{count:,} is more than {MAX_BATCH:,}",
            file=where.file,
            line=spec.line_of("count"),
            field=f"{address}.count",
            hint=(
                f"A batch mints at most {MAX_BATCH:,} ids; split a larger need into several "
                "batches (and check the number: minted ids are spent forever)."
            ),
        )
    return IdentifierBatch(name, schema_class, count, where)


def _file_entry(spec: Any, where: Origin, address: str, base: Path, allowed: set[str]) -> Path:
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
