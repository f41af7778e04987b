"""The one protocol every kind implements (after Terraform's provider interface: the same
calls for every resource type), so that the engine never needs to know which kind it holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from rich.console import RenderableType

from omicform.connections import Connections
from omicform.desired.context import LoadContext
from omicform.desired.model import DesiredState
from omicform.desired.yamlfile import LineMap
from omicform.kinds.base import (
    AdoptContext,
    ApplyContext,
    CheckContext,
    Outcome,
    PlanContext,
    ReadContext,
)
from omicform.model.plan import Change, Payload
from omicform.state.model import ResourceState

D = TypeVar("D")  # the declared item (a YAML entry, once loaded)


class Kind(Protocol[D]):
    @property
    def name(self) -> str:
        """The YAML section, and the first part of every address of this kind."""
        ...

    @property
    def service(self) -> str:
        """The service it lives in ("nmdc" or "nemo"): the apply runs it on that pool."""
        ...

    @property
    def service_title(self) -> str:
        """The service's name as people write it, for messages."""
        ...

    @property
    def pins_remote(self) -> bool:
        """Whether a saved plan pins the remote objects read (a fingerprint each), so apply
        refuses the plan when they changed meanwhile."""
        ...

    @property
    def dumpable(self) -> bool:
        """Whether `omicform dump` can write its remote records as desired-state YAML."""
        ...

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        """Loads the kind's YAML section of one file (its name is the section's): each item
        with `ctx.add` or `ctx.each`, each problem into `ctx.problems`, with file and line."""
        ...

    def declared(self, desired: DesiredState) -> Sequence[D]:
        """This kind's items in the desired state, in file order."""
        ...

    def address(self, item: D) -> str: ...

    def check(self, items: Sequence[D], ctx: CheckContext) -> None:
        """Offline, before any request: reads and checks the files `items` name (into
        `ctx.files`), raising the first problem or collecting every one (validate)."""
        ...

    def read(self, items: Sequence[D], ctx: ReadContext) -> None:
        """Reads what planning `items` needs, in as few requests as possible."""
        ...

    def verify(self, items: Sequence[D], ctx: ReadContext) -> None:
        """Has the service check local content that would be sent (after every read)."""
        ...

    def plan(self, item: D, ctx: PlanContext) -> Change:
        """One item's change. Pure: it sends nothing and reads no file."""
        ...

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        """This kind's planned changes, reordered or given extra dependencies if need be."""
        ...

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        """Carries out one change, recording in state as soon as anything is known."""
        ...

    def decode(self, detail: dict[str, Any]) -> Payload:
        """A saved plan's `detail` as this kind's typed payload (the inverse of its
        `to_json`)."""
        ...

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        """`omicform import`: the state record of an object made without omicform."""
        ...

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        """`omicform dump`: remote records as YAML entries, by key (when `dumpable`)."""
        ...

    def status(self, resource: ResourceState, connections: Connections) -> RenderableType | None:
        """`omicform status`: the progress of what was submitted, if this kind submits."""
        ...
