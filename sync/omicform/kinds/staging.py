"""NMDC's workflow-file-staging records (sequencing projects, samples, Globus tasks): one
generic kind, driven by one row per collection.

Each record is keyed by its natural key, compared field by field (declared fields only),
created when absent and updated when different, where the collection has an update.
A new staging collection is one more row in `ROWS` (`kinds/staging_rows.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from omicform.connections import Connections
from omicform.desired.context import LoadContext
from omicform.desired.model import DesiredObject, Reference, Template
from omicform.desired.references import Unresolved, parse_text, resolver
from omicform.desired.staging import load_staging
from omicform.desired.yamlfile import LineMap
from omicform.diff.fields import FieldDiff, diff_among, diff_fields, owned_diffs, projected
from omicform.errors import (
    AlreadyExists,
    ConfigError,
    OmicformError,
    OutcomeUnknown,
    ServerFailed,
)
from omicform.kinds.base import (
    AdoptContext,
    ApplyContext,
    CheckContext,
    Outcome,
    PlanContext,
    ReadContext,
    SectionKind,
    mint_dependencies,
    payload_of,
)
from omicform.kinds.staging_read import read_records, referenced_from_others, values_of_references
from omicform.kinds.staging_rows import ROWS, Row
from omicform.kinds.staging_update import (
    WAITS_ON,
    drift_of,
    observed,
    read_modify_write,
    reference_waits,
    same,
)
from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change, FieldChange, Payload
from omicform.state.model import ResourceState


@dataclass(slots=True)  # one per planned record: not frozen, which costs 3x to make
class Declared:
    """A record's payload: only where it was declared (apply needs nothing else: the
    fields are the change's `after`)."""

    origin: str
    ignore: tuple[str, ...] = ()  # `ignore_changes`: sent on create, never by an update

    def to_json(self) -> dict[str, Any]:
        if not self.ignore:
            return {"origin": self.origin}
        return {"origin": self.origin, "ignore_changes": list(self.ignore)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Declared:
        return cls(str(data.get("origin", "")), tuple(data.get("ignore_changes") or ()))


@dataclass(frozen=True)
class Staged:
    """A record's state: its declared fields as last applied (or adopted)."""

    kind: str
    key: str
    fields: dict[str, Any]

    def to_state(self) -> ResourceState:
        return ResourceState(f"{self.kind}.{self.key}", self.kind, self.key, fields=self.fields)


class Verdict(NamedTuple):
    """A record's planned action, before it becomes its `Change`."""

    action: Action
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    unknown: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()


ADOPTED = "exists on the server already; adopted into state"


class Staging(SectionKind[DesiredObject]):
    service = "nmdc"
    service_title = "NMDC"
    # A saved plan pins these records: if one changes on the server, the plan is stale.
    pins_remote = True
    dumpable = True

    def __init__(self, row: Row) -> None:
        self.row = row
        self.name = row.name
        # Declared as omicform writes datetimes: the diff's shortcut for the server's readback.
        self.datetimes = frozenset(n for n, f in row.fields.items() if f.type == "datetime")

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        """Entries, `defaults:` and `from:` tables, every field checked against its type."""
        load_staging(
            self.row.section,
            section,
            ctx.file,
            ctx.base,
            ctx.problems,
            ctx.add,  # each record at its own origin
        )

    # -- read ---------------------------------------------------------------------------------

    def check(self, items: Sequence[DesiredObject], ctx: CheckContext) -> None:
        """Checked as the file is loaded: every field against its type."""

    def read(self, items: Sequence[DesiredObject], ctx: ReadContext) -> None:
        declared = ctx.only_wanted(items, self.address)
        keys = {o.key for o in declared} | referenced_from_others(self.name, ctx)
        if not keys:
            return
        coarse = values_of_references(self.row, declared)
        records = read_records(
            ctx.connections.nmdc,
            self.row.collection,
            keys,
            fields={name for o in declared for name in o.fields},
            coarse=coarse,
            page_size=ctx.page_size,
        )
        ignored = {o.key: o.ignore for o in declared}
        for key in sorted(keys):
            # A saved plan does not pin ignored fields: the pipeline writes them meanwhile.
            unpinned = ignored.get(key, frozenset())
            ctx.snapshot.add(f"{self.name}.{key}", records.get(key), unpinned)

    def verify(self, items: Sequence[DesiredObject], ctx: ReadContext) -> None:
        """Nothing to verify: fields are checked offline."""

    # -- plan ---------------------------------------------------------------------------------

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        return changes

    def plan(self, obj: DesiredObject, ctx: PlanContext) -> Change:
        address = obj.address
        remote = ctx.snapshot.remotes.get(address)
        fields = obj.fields
        unknown: tuple[str, ...]
        depends: tuple[str, ...]  # a tuple all along: most records' is () or one shared one
        if obj.plain and isinstance(fields, dict):  # nothing to resolve, no batch to wait for
            resolved, unknown, depends = fields, (), ()
        else:
            resolved, unknown = _resolve_fields(fields, ctx.minted)
            depends = tuple(mint_dependencies(fields.values(), ctx))
        for ref in self.row.refers_to:
            # Every record referring to one project waits, or not, on the same change.
            key = fields.get(ref.field)
            waits = ctx.memo.get((WAITS_ON, ref.kind, key)) if key.__class__ is str else None
            depends += waits if waits is not None else reference_waits(obj, ref, ctx)
        origin = obj.origin  # as str(origin), without a Python call per record
        detail = Declared(
            f"{origin[0]}:{origin[1]}", tuple(sorted(obj.ignore)) if obj.ignore else ()
        )
        data = remote.data if remote is not None else None
        if data is None:
            verdict = Verdict(Action.CREATE, "not found on the server", None, resolved, unknown)
        elif unknown or obj.ignore or ctx.refresh_only:
            verdict = self._compare(obj, data, resolved, unknown, ctx)
        else:  # most records: every field known and owned, no drift to watch
            before, differing = projected(resolved, data)
            diffs = owned_diffs(resolved, before, differing, self.datetimes) if differing else ()
            # Positional, in Change's field order: by keyword it costs twice as much per record.
            if not diffs:  # as `_compare` says it, without its Verdict
                reason = "" if address in ctx.state.resources else ADOPTED
                return Change(
                    address, self.name, obj.key, Action.NO_OP, reason, self.service,
                    before, resolved, (), (), depends, detail,
                )  # fmt: skip
            verdict = self._changed(before, resolved, (), diffs)
        return Change(
            address, self.name, obj.key, verdict.action, verdict.reason, self.service,
            verdict.before, verdict.after, verdict.unknown, verdict.changes, depends, detail,
        )  # fmt: skip

    def _compare(
        self,
        obj: DesiredObject,
        data: dict[str, Any],
        resolved: dict[str, Any],
        unknown: tuple[str, ...],
        ctx: PlanContext,
    ) -> Verdict:
        """What the record on the server needs: nothing, an update, or (without one) a block."""
        ignored = obj.ignore
        if unknown:
            unknown = tuple(n for n in unknown if n not in ignored)
        known = {k: v for k, v in resolved.items() if k not in unknown} if unknown else resolved
        before, differing = projected(resolved, data)
        diffs: list[FieldDiff] = []
        if differing:
            diffs = diff_among(known, before, differing, ignore=ignored, datetimes=self.datetimes)
        unknowns = tuple(FieldChange(n, data.get(n), KNOWN_AFTER_APPLY) for n in unknown)
        after = observed(resolved, ignored, data) if ignored else resolved
        watched = set(resolved) if ctx.refresh_only else ignored
        prior = ctx.state.get(obj.address)
        if watched and prior is not None:
            drift = drift_of(obj.address, self.name, obj.key, prior, data, watched)
            if drift is not None:
                ctx.drift.append(drift)
        if not (diffs or unknowns):
            return Verdict(Action.NO_OP, "" if prior is not None else ADOPTED, before, after)
        return self._changed(before, after, unknown, diffs, unknowns)

    def _changed(
        self,
        before: dict[str, Any],
        after: dict[str, Any],
        unknown: tuple[str, ...],
        diffs: Sequence[FieldDiff],
        unknowns: tuple[FieldChange, ...] = (),
    ) -> Verdict:
        """An update of the differing fields (and those known only after apply), or a block
        where the collection has no update."""
        changes = tuple(FieldChange(d.name, d.before, d.after) for d in diffs) + unknowns
        if not self.row.collection.updatable:
            names = ", ".join(f.name for f in changes)
            reason = (
                f"{names} differ(s) on the server, but NMDC has no update for "
                f"{self.row.plural}; change the file back, or declare a {self.row.noun} "
                "under a new name"
            )
            return Verdict(Action.BLOCKED, reason, before, after, (), changes)
        return Verdict(Action.UPDATE, "", before, after, unknown, changes)

    # -- apply --------------------------------------------------------------------------------

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        collection = self.row.collection
        fields = _resolve_at_apply(change.after or {}, ctx)
        nmdc = ctx.connections.nmdc
        ignored = payload_of(change, Declared.from_json, Declared).ignore
        if change.action is Action.NO_OP:
            prior = ctx.recorder.get(change.address)
            _record(change, fields, ctx)
            if prior is not None and prior.fields and _differs(prior.fields, fields):
                return Outcome(
                    change.address, "refresh", "done", "state now holds the server's values"
                )
            return Outcome(change.address, "no-op", "done")
        if change.action is Action.UPDATE:
            return self._update(change, fields, ignored, ctx)
        try:
            nmdc.create_record(collection, fields)
        except AlreadyExists:
            return self._settle(change, fields, ctx, "it already existed")
        except (OutcomeUnknown, ServerFailed):
            # The create may have happened: read it back by its key before anything else.
            return self._settle(change, fields, ctx, "the create's outcome was unclear", retry=True)
        _record(change, fields, ctx)
        return Outcome(change.address, "create", "done")

    def _update(
        self, change: Change, fields: dict[str, Any], ignored: Sequence[str], ctx: ApplyContext
    ) -> Outcome:
        """Read-modify-write: the live record, the owned fields over it."""
        owned = {k: v for k, v in fields.items() if k not in ignored}
        nmdc, collection = ctx.connections.nmdc, self.row.collection
        live = read_modify_write(nmdc, collection, self.row.fields, change.key, owned)
        if live is None:
            return Outcome(change.address, "update", "failed", "it is no longer on the server")
        _record(change, observed(fields, ignored, live), ctx)
        return Outcome(change.address, "update", "done")

    def _settle(
        self,
        change: Change,
        fields: dict[str, Any],
        ctx: ApplyContext,
        why: str,
        *,
        retry: bool = False,
    ) -> Outcome:
        collection = self.row.collection
        nmdc = ctx.connections.nmdc
        remote = nmdc.get_record(collection, change.key)
        if remote is None:
            if not retry:
                return Outcome(
                    change.address, "create", "failed", f"{why}, but it cannot be read back"
                )
            nmdc.create_record(collection, fields)  # provably absent: creating cannot duplicate
            _record(change, fields, ctx)
            return Outcome(
                change.address, "create", "done", f"{why}; read back absent, created again"
            )
        ignored = payload_of(change, Declared.from_json, Declared).ignore
        differs = diff_fields(fields, remote, ignore=ignored)
        if not differs:
            _record(change, observed(fields, ignored, remote), ctx)
            return Outcome(change.address, "create", "done", f"{why}; read back identical")
        if collection.updatable:
            done = self._update(change, fields, ignored, ctx)
            return Outcome(change.address, "create", done.result, f"{why}; read back and updated")
        names = ", ".join(d.name for d in differs)
        return Outcome(
            change.address,
            "create",
            "failed",
            f"{why} with other values ({names}), and NMDC cannot update {self.row.plural}",
        )

    def decode(self, detail: dict[str, Any]) -> Payload:
        return Declared.from_json(detail)

    # -- import, dump, status ------------------------------------------------------------------

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        collection, address = self.row.collection, f"{self.name}.{key}"
        record = ctx.connections.nmdc.get_record(collection, key)
        if record is None:
            raise ConfigError(
                f"no {self.name} with {collection.key} {key!r} on the server", field=address
            )
        declared = next((o for o in ctx.desired.of(self.name) if o.address == address), None)
        fields = {k: v for k, v in record.items() if declared is None or k in declared.fields}
        return Staged(self.name, key, fields).to_state()

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        collection = self.row.collection
        return {
            str(r[collection.key]): {
                k: v for k, v in r.items() if k != collection.key and v is not None
            }
            for r in connections.nmdc.list_records(collection, filter=query)
        }

    def status(self, resource: ResourceState, connections: Connections) -> None:
        """A record is made in its request: nothing to follow."""


def _resolve_fields(
    fields: Mapping[str, Any], minted: Mapping[str, Sequence[str]]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Fields with references replaced by minted ids; names still unknown are listed apart."""
    resolve = resolver(minted)
    resolved: dict[str, Any] = {}
    unknown: list[str] = []
    for name, value in fields.items():
        if not isinstance(value, (Reference, Template)):
            resolved[name] = value  # the common case: plain data
            continue
        try:
            resolved[name] = resolve(value)
        except Unresolved:
            resolved[name] = str(value)  # the `${identifiers...}` text, resolved at apply
            unknown.append(name)
    return resolved, tuple(unknown)


def _resolve_at_apply(values: dict[str, Any], ctx: ApplyContext) -> dict[str, Any]:
    if not any(isinstance(v, str) and "${" in v for v in values.values()):
        return dict(values)  # nothing to resolve (the common case): no minted-id lookup
    resolve = resolver(ctx.recorder.minted())
    try:
        return {k: resolve(parse_text(v)) if isinstance(v, str) else v for k, v in values.items()}
    except Unresolved as exc:
        raise OmicformError(
            f"{exc} is not minted", hint="Its identifiers batch failed to mint; apply again."
        ) from None


def _differs(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return any(not same(before.get(k), v) for k, v in after.items())


def _record(change: Change, fields: dict[str, Any], ctx: ApplyContext) -> None:
    ctx.recorder.put(Staged(change.kind, change.key, fields).to_state())


KINDS = tuple(Staging(row) for row in ROWS)
