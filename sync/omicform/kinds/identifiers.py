"""Identifier batches: ids minted once from NMDC and kept forever (`type:`, `count:`).

Other kinds refer to them as `${identifiers.NAME[i]}`; `kinds.base.mint_dependencies` is
how their changes come to wait for a batch minted in the same apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omicform.connections import Connections
from omicform.desired.context import LoadContext
from omicform.desired.model import Origin
from omicform.desired.references import REFERENCED
from omicform.desired.sections import error_at, only
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError, OutcomeUnknown, ServiceError
from omicform.kinds.base import (
    AdoptContext,
    ApplyContext,
    CheckContext,
    Outcome,
    PlanContext,
    ReadContext,
    SectionKind,
    not_dumpable,
    payload_of,
)
from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change, Detail, Payload
from omicform.state.model import ResourceState

NAME = REFERENCED  # the section `${identifiers.NAME[i]}` refers to
# Ids one batch may ask for. The server puts no bound on `how_many`, so a typo
# (`count: 1000000000`) would mint until something broke; ten thousand is far more than a
# study's data objects, and a larger need can be split into several batches.
MAX_BATCH = 10_000


@dataclass(frozen=True)
class IdentifierBatch:
    """A declared batch: ids to mint once and keep forever (`type: nmdc:DataObject, count: 4`)."""

    name: str
    schema_class: str
    count: int
    origin: Origin

    @property
    def address(self) -> str:
        return f"{NAME}.{self.name}"


@dataclass(frozen=True)
class Mint:
    """A mint's payload: `how_many` more ids of `schema_class`, for `count` in all."""

    schema_class: str
    how_many: int
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"schema_class": self.schema_class, "how_many": self.how_many, "count": self.count}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mint:
        return cls(str(data["schema_class"]), int(data["how_many"]), int(data["count"]))


@dataclass(frozen=True)
class MintedIds:
    """A batch's state record: every id ever minted for it, in order, and their class."""

    key: str
    schema_class: str | None
    minted: tuple[str, ...] = ()

    def to_state(self) -> ResourceState:
        return ResourceState(
            f"{NAME}.{self.key}", NAME, self.key, schema_class=self.schema_class, minted=self.minted
        )

    @classmethod
    def from_state(cls, resource: ResourceState | None) -> MintedIds | None:
        if resource is None:
            return None
        return cls(resource.key, resource.schema_class, resource.minted)


def _batch(name: str, spec: Any, where: Origin) -> IdentifierBatch:
    address = f"{NAME}.{name}"
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


class Identifiers(SectionKind[IdentifierBatch]):
    name = NAME
    service = "nmdc"
    service_title = "NMDC"
    pins_remote = False
    dumpable = False

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        """`NAME: {type: nmdc:CLASS, count: N}` entries."""
        ctx.each(section, _batch)

    def check(self, items: Sequence[IdentifierBatch], ctx: CheckContext) -> None:
        """Checked as the file is loaded (type, count, references)."""

    def read(self, items: Sequence[IdentifierBatch], ctx: ReadContext) -> None:
        """Nothing to read: minted ids are known from state alone."""

    def verify(self, items: Sequence[IdentifierBatch], ctx: ReadContext) -> None:
        """Nothing to verify."""

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        return changes

    def plan(self, batch: IdentifierBatch, ctx: PlanContext) -> Change:
        resource = MintedIds.from_state(ctx.state.get(batch.address))
        have = resource.minted if resource else ()
        base: dict[str, Any] = {
            "address": batch.address,
            "kind": NAME,
            "key": batch.name,
            "service": self.service,
        }
        before = {"type": resource.schema_class, "ids": list(have)} if resource else None
        if have and resource is not None and resource.schema_class != batch.schema_class:
            return Change(
                **base,
                action=Action.BLOCKED,
                reason=(
                    f"already minted {len(have)} {resource.schema_class} ids; minted ids cannot "
                    "change type. Declare a new batch for the new type."
                ),
                before=before,
            )
        if len(have) < batch.count:
            missing = batch.count - len(have)
            why = f"mint {missing} new {batch.schema_class} id(s); minted ids are kept forever"
            return Change(
                **base,
                action=Action.MINT,
                reason=why,
                before=before,
                after={"type": batch.schema_class, "count": batch.count, "ids": KNOWN_AFTER_APPLY},
                after_unknown=("ids",),
                detail=Mint(batch.schema_class, missing, batch.count),
            )
        reason = ""
        if len(have) > batch.count:
            reason = (
                f"{len(have)} ids were minted and are kept; references use the first {batch.count}"
            )
        return Change(**base, action=Action.NO_OP, reason=reason, before=before, after=before)

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        current = MintedIds.from_state(ctx.recorder.get(change.address))
        if change.action is not Action.MINT:
            return Outcome(change.address, change.action, "done", change.reason)
        mint = payload_of(change, Mint.from_json, Mint)
        have = current.minted if current else ()
        missing = mint.count - len(have)
        if missing <= 0:  # minted meanwhile (a rerun after a crash that recorded them)
            return Outcome(change.address, "mint", "done", "already minted")
        schema_class = mint.schema_class
        try:
            ids = ctx.connections.nmdc.mint(schema_class, missing)
        except ServiceError as exc:
            # Ids minted by earlier chunks exist: record them, so the next apply mints only
            # the rest.
            if exc.completed:
                _record_minted(change, schema_class, tuple(have) + exc.completed, ctx)
            if isinstance(exc, OutcomeUnknown):
                raise OutcomeUnknown(
                    "minting may have spent ids that were never recorded; the next apply mints "
                    "the rest (unused ids are harmless)",
                    service=exc.service,
                    method=exc.method,
                    path=exc.path,
                    url=exc.url,
                    completed=exc.completed,
                ) from None
            raise
        _record_minted(change, schema_class, tuple(have) + tuple(ids), ctx)
        shown = ", ".join(ids) if len(ids) <= 10 else f"{len(ids)} ids ({ids[0]} ... {ids[-1]})"
        return Outcome(change.address, "mint", "done", f"minted {shown}")

    def decode(self, detail: dict[str, Any]) -> Payload:
        """Only a mint carries anything."""
        return Mint.from_json(detail) if detail else Detail()

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        address = f"{NAME}.{key}"
        if not remote_id:
            raise ConfigError(
                "name the ids: omicform import identifiers.NAME ID1,ID2", field=address
            )
        batch = next((b for b in ctx.desired.of(NAME) if b.address == address), None)
        if batch is None:
            raise ConfigError(f"{address} is not declared", field=address)
        ids = tuple(i.strip() for i in remote_id.split(",") if i.strip())
        return MintedIds(key, batch.schema_class, ids).to_state()

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        raise not_dumpable(NAME)

    def status(self, resource: ResourceState, connections: Connections) -> None:
        """Minting finishes in its request: nothing to follow."""


def _record_minted(
    change: Change, schema_class: str, minted: tuple[str, ...], ctx: ApplyContext
) -> None:
    ctx.recorder.put(MintedIds(change.key, schema_class, minted).to_state())


KIND = Identifiers()
