"""Reading desired-state files into a `DesiredState`, with errors that name file, line, field.

The file format is kind-agnostic: strict YAML (duplicate keys refused, every key keeping its
line), the `omicform: 1` header, the config sections (`services:`...), unknown sections
refused. Every other top-level section belongs to a kind: the loader is handed the kinds
(`engine/registry.py`; `omicform.engine.desired.load_desired` hands them over) and gives each
its own section to load (`load(section, ctx)`), in the kinds' order, so a kind's section may
refer to the kinds before it.

Nothing here touches the network: `omicform validate` runs exactly this (plus local checks).
Every problem is collected, entry by entry, so `validate` lists them all; `load_desired`
(for plan and apply) raises the first one after reading everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from omicform.desired.context import LoadContext
from omicform.desired.display import shown
from omicform.desired.model import (
    DesiredState,
    Move,
    Origin,
    Reference,
    ServiceConfig,
    StateSettings,
)
from omicform.desired.moved import load_moved
from omicform.desired.problems import Problems
from omicform.desired.references import REFERENCED
from omicform.desired.sections import section
from omicform.desired.settings import SECRET_NAMES, load_services
from omicform.desired.state_section import load_state_settings
from omicform.desired.yamlfile import LineMap, load_yaml
from omicform.errors import ConfigError

FORMAT_VERSION = 1
DEFAULT_FILE = "omicform.yaml"
# The sections of the file format itself; every other section is a kind's.
CONFIG_SECTIONS = ("omicform", "services", "state", "moved")

__all__ = [
    "DEFAULT_FILE",
    "SECRET_NAMES",
    "SectionLoader",
    "collect_desired",
    "config_files",
    "load_desired",
]


class SectionLoader(Protocol):
    """What the loader needs of a kind: its section's name, and how to load it."""

    @property
    def name(self) -> str: ...

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        """Loads every entry of the section, adding each item with `ctx.add` (or
        `ctx.each`) and every problem to `ctx.problems`."""
        ...


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


def load_desired(target: Path | str, kinds: Sequence[SectionLoader]) -> DesiredState:
    """Loads and checks the desired state; raises the first problem (counting the others)."""
    problems = Problems()
    desired = collect_desired(target, problems, kinds)
    problems.raise_first()
    return desired


def collect_desired(
    target: Path | str, problems: Problems, kinds: Sequence[SectionLoader]
) -> DesiredState:
    """Loads what can be loaded, adding every problem found to `problems`."""
    files = config_files(Path(target))
    loader = _Loader(problems, kinds)
    for path in files:
        try:
            loader.load_file(path)
        except ConfigError as error:  # the file as a whole is unusable
            problems.add(error)
    return loader.finish(tuple(files))


class _Loader:
    def __init__(self, problems: Problems, kinds: Sequence[SectionLoader]) -> None:
        self.problems = problems
        self.kinds = kinds
        self.known = {*CONFIG_SECTIONS, *(k.name for k in kinds)}
        self.services: ServiceConfig | None = None
        self.services_origin: Origin | None = None
        self.state: StateSettings | None = None
        self.items: dict[str, list[Any]] = {k.name: [] for k in kinds}
        self.origins: dict[str, Origin] = {}
        self.broken: set[str] = set()
        self.moved: list[Move] = []

    def load_file(self, path: Path) -> None:
        doc = load_yaml(path)
        file = str(path)
        _check_header(doc, file)
        for name in doc:
            if name not in self.known:
                self.problems.add(
                    ConfigError(
                        "unknown section",
                        file=file,
                        line=doc.line_of(name),
                        field=name,
                        hint="Known sections: " + ", ".join(sorted(self.known)) + ".",
                    )
                )
        try:
            if "services" in doc:
                self._services(doc, file)
        except ConfigError as error:
            self.problems.add(error)
        try:
            if "state" in doc:
                self._state_settings(doc, file)
        except ConfigError as error:
            self.problems.add(error)
        try:
            if "moved" in doc:
                self.moved += load_moved(doc["moved"], file, doc.line_of("moved"))
        except ConfigError as error:
            self.problems.add(error)
        for kind in self.kinds:
            if kind.name not in doc:
                continue
            items = self.items[kind.name]
            ctx = LoadContext(
                kind.name, file, path.parent, self.problems, items, self.origins, self.broken
            )
            try:
                kind.load(section(doc, kind.name, file), ctx)
            except ConfigError as error:
                self.problems.add(error)

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

    def _state_settings(self, doc: LineMap, file: str) -> None:
        if self.state is not None:
            raise ConfigError(
                "`state` is set in more than one file",
                file=file,
                line=doc.line_of("state"),
                field="state",
            )
        self.state = load_state_settings(section(doc, "state", file), file)

    def finish(self, files: tuple[Path, ...]) -> DesiredState:
        """Checks every reference once all files are read (a batch may be declared in any)."""
        batches = {b.name: b for b in self.items.get(REFERENCED, ())}
        for items in self.items.values():
            for item in items:
                found = getattr(item, "references", None)
                # `plain`: the loader saw no reference in it (most of a big table's records).
                if found is None or getattr(item, "plain", False):
                    continue
                for ref, where, field in found():
                    if f"{REFERENCED}.{ref.batch}" in self.broken:
                        continue
                    try:
                        check_reference(batches, ref, where, field)
                    except ConfigError as error:
                        self.problems.add(error)
        return DesiredState(
            files=files,
            services=self.services or ServiceConfig(),
            state=self.state,
            sections={name: tuple(items) for name, items in self.items.items()},
            moved=tuple(self.moved),
        )


class DeclaredBatch(Protocol):
    """A declared identifier batch, as a reference is checked against it (the record is the
    identifiers kind's)."""

    @property
    def count(self) -> int: ...


def check_references(state: DesiredState, refs: Iterable[tuple[Reference, Origin, str]]) -> None:
    """Checks references found outside the YAML (inside metadata documents)."""
    batches = {b.name: b for b in state.of(REFERENCED)}
    for ref, where, field in refs:
        check_reference(batches, ref, where, field)


def check_reference(
    batches: Mapping[str, DeclaredBatch], ref: Reference, where: Origin, field: str
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
