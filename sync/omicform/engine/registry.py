"""The one place that lists the kinds, in dependency order: a kind may depend only on kinds
listed before it. Adding a kind is a line in `ENTRIES` (and a loader, for a new module); a
staging kind is its row in `kinds/staging_rows.py` and its name in `ENTRIES`
(tests/test_startup_imports.py checks that every kind a module defines is listed).

A kind's module is imported only when the run needs it: when a file declares its section
(loading the section is the kind's), or when anything but its name is asked of it (a
saved plan's change, a state record, `omicform dump`). Until then the kind has nothing
declared, and a kind with nothing declared has nothing to check, read, verify, arrange or
pin (each kind's own code does nothing then; the tests check it), so its entry answers
those calls itself. A plan of NMDC objects alone so never imports NeMO's kind, its manifest
rules, its service or its generated client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from omicform.model.plan import Detail, Payload

if TYPE_CHECKING:
    from rich.console import RenderableType

    from omicform.connections import Connections
    from omicform.desired.context import LoadContext
    from omicform.desired.model import DesiredState
    from omicform.desired.yamlfile import LineMap
    from omicform.engine.kind import Kind
    from omicform.kinds.base import (
        AdoptContext,
        ApplyContext,
        CheckContext,
        Outcome,
        PlanContext,
        ReadContext,
    )
    from omicform.model.plan import Change
    from omicform.state.model import ResourceState


class KindModule:
    """The kinds one module defines, imported on first need (the three staging kinds share
    one module: a file declaring samples makes the projects they refer to read too)."""

    def __init__(self, load: Callable[[], tuple[Kind[Any], ...]]) -> None:
        self._load = load
        self._kinds: dict[str, Kind[Any]] | None = None

    @property
    def is_loaded(self) -> bool:
        return self._kinds is not None

    def kinds(self) -> dict[str, Kind[Any]]:
        # Apply's threads may race here: the import lock hands each the same module, so
        # both build the same dict of the same kinds.
        if self._kinds is None:
            self._kinds = {k.name: k for k in self._load()}
        return self._kinds


class LazyKind:
    """A kind known by its name until more is needed; then its module is imported (once)
    and every call goes to the kind itself."""

    def __init__(self, name: str, module: KindModule) -> None:
        self._name = name
        self.module = module
        self._kind: Kind[Any] | None = None  # once imported: the planner asks per item

    def __repr__(self) -> str:
        return f"LazyKind({self._name!r}, loaded={self.module.is_loaded})"

    def loaded(self) -> Kind[Any]:
        """The kind itself, its module imported on first call."""
        if self._kind is not None:
            return self._kind
        found = self.module.kinds().get(self._name)
        if found is None:
            raise LookupError(f"no kind {self._name!r} where the registry looks for it")
        self._kind = found
        return found

    def _idle(self, items: Sequence[Any]) -> bool:
        """Whether a call on `items` is answered without the kind: its module is not
        imported, so nothing of it is declared (see the module docstring)."""
        return not self.module.is_loaded and not items

    # -- known without the kind ---------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def pins_remote(self) -> bool:
        """A kind not imported has read nothing, so it pins nothing (the planner asks every
        kind for each plan, and must not import them all to hear it)."""
        return self.module.is_loaded and self.loaded().pins_remote

    def declared(self, desired: DesiredState) -> Sequence[Any]:
        """The kind's items. Every run asks this before any other call on `items` (refresh,
        preflight and the planner do), so the kind is imported here when `desired` holds a
        section of its module, however `desired` was made."""
        if not self.module.is_loaded and not _declares(self.module, desired):
            return ()
        return self.loaded().declared(desired)

    def check(self, items: Sequence[Any], ctx: CheckContext) -> None:
        if not self._idle(items):
            self.loaded().check(items, ctx)

    def read(self, items: Sequence[Any], ctx: ReadContext) -> None:
        if not self._idle(items):
            self.loaded().read(items, ctx)

    def verify(self, items: Sequence[Any], ctx: ReadContext) -> None:
        if not self._idle(items):
            self.loaded().verify(items, ctx)

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        return changes if self._idle(changes) else self.loaded().arrange(changes, ctx)

    # -- the kind's own -----------------------------------------------------------------------

    @property
    def service(self) -> str:
        return self.loaded().service

    @property
    def service_title(self) -> str:
        return self.loaded().service_title

    @property
    def dumpable(self) -> bool:
        return self.loaded().dumpable

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        self.loaded().load(section, ctx)

    def address(self, item: Any) -> str:
        return self.loaded().address(item)

    def plan(self, item: Any, ctx: PlanContext) -> Change:
        return self.loaded().plan(item, ctx)

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        return self.loaded().apply(change, ctx)

    def decode(self, detail: dict[str, Any]) -> Payload:
        return self.loaded().decode(detail)

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        return self.loaded().adopt(key, remote_id, ctx)

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        return self.loaded().dump(query, connections)

    def status(self, resource: ResourceState, connections: Connections) -> RenderableType | None:
        return self.loaded().status(resource, connections)


def _identifiers() -> tuple[Kind[Any], ...]:
    from omicform.kinds.identifiers import KIND

    return (KIND,)


def _staging() -> tuple[Kind[Any], ...]:
    from omicform.kinds.staging import KINDS  # one per row of kinds/staging_rows.py

    return KINDS


def _metadata() -> tuple[Kind[Any], ...]:
    from omicform.kinds.metadata import KIND

    return (KIND,)


def _nemo_manifests() -> tuple[Kind[Any], ...]:
    from omicform.kinds.nemo_manifests.kind import KIND

    return (KIND,)


STAGING = KindModule(_staging)

ENTRIES: tuple[LazyKind, ...] = (
    LazyKind("identifiers", KindModule(_identifiers)),
    LazyKind("jgi_sequencing_projects", STAGING),
    LazyKind("jgi_samples", STAGING),
    LazyKind("globus_tasks", STAGING),
    LazyKind("metadata_submissions", KindModule(_metadata)),
    LazyKind("nemo_manifests", KindModule(_nemo_manifests)),
)

KINDS: tuple[Kind[Any], ...] = ENTRIES


def _declares(module: KindModule, desired: DesiredState) -> bool:
    return any(e.module is module and desired.of(e.name) for e in ENTRIES)


def kind_named(name: str) -> Kind[Any] | None:
    return next((k for k in KINDS if k.name == name), None)


def decode_detail(kind: str, detail: dict[str, Any]) -> Payload:
    """A saved change's payload, typed by its kind; an empty one (forget) stays empty."""
    found = kind_named(kind)
    if found is None or not detail:
        return Detail(detail)
    return found.decode(detail)
