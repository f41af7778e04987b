"""What `ignore_changes` changes in the staging kind: the fields a plan compares, the drift
it shows, and the read-modify-write of an update.

An update reads the record again just before its PATCH and sends that live record with only
the owned fields (declared, not ignored) changed, so a field another writer set meanwhile
keeps the server's value. NMDC offers no ETag: a write landing between that GET and the
PATCH is still overwritten (see docs/architecture.md).

Also what a planned record waits on for the record one of its fields names (a sample's
project), worked out once per named record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from omicform.desired.model import DesiredObject
from omicform.diff.normalize import normalize
from omicform.errors import PlanError
from omicform.kinds.staging_rows import RefersTo
from omicform.model.plan import Action, Drift, FieldChange
from omicform.services.nmdc import Collection as StagingCollection
from omicform.services.nmdc import NmdcService
from omicform.state.model import ResourceState

if TYPE_CHECKING:
    from omicform.kinds.base import PlanContext


def same(a: Any, b: Any) -> bool:
    return bool(a == b or normalize(a) == normalize(b))


def observed(
    resolved: Mapping[str, Any], ignored: Collection[str], remote: Mapping[str, Any]
) -> dict[str, Any]:
    """The fields after apply: the owned ones as declared, the ignored ones as the server
    has them (absent there: left out)."""
    after = {k: v for k, v in resolved.items() if k not in ignored}
    after.update({k: remote[k] for k in resolved if k in ignored and k in remote})
    return after


def drift_of(
    address: str,
    kind: str,
    key: str,
    prior: ResourceState | None,
    remote: Mapping[str, Any],
    names: Collection[str],
) -> Drift | None:
    """Fields among `names` whose server value differs from the one state last recorded
    (before: state's; after: the server's). None without state or without a difference."""
    if prior is None:
        return None
    changes = tuple(
        FieldChange(n, prior.fields[n], remote.get(n))
        for n in sorted(names)
        if n in prior.fields and not same(prior.fields[n], remote.get(n))
    )
    return Drift(address, kind, key, changes) if changes else None


def read_modify_write(
    nmdc: NmdcService,
    collection: StagingCollection,
    known: Collection[str],
    key: str,
    owned: Mapping[str, Any],
) -> dict[str, Any] | None:
    """PATCHes the live record with `owned` over it (only the fields the server's model
    knows, `known`); the live record as sent, or None when the record is gone."""
    live = nmdc.get_record(collection, key)
    if live is None:
        return None
    body = {k: v for k, v in live.items() if k in known and v is not None}
    body.update(owned)
    nmdc.update_record(collection, body)
    return body


# The memo key of what records naming one record wait on: ctx.memo[WAITS_ON, kind, key].
# Written here, read by Staging.plan first (a call fewer for most of 100,000 records).
WAITS_ON = "waits on"


def reference_waits(obj: DesiredObject, ref: RefersTo, ctx: PlanContext) -> tuple[str, ...]:
    """What a record waits on for the record its field `ref` names (its project): that
    one's create, when it is planned; remembered for the records naming the same one."""
    key = obj.fields.get(ref.field)
    if not isinstance(key, str):
        return ()
    address = f"{ref.kind}.{key}"
    remote = ctx.snapshot.get(address)
    waits: tuple[str, ...] = ()
    if address in ctx.declared:
        waits = (address,) if ctx.action_of(address) is Action.CREATE else ()
    elif remote is None or not remote.exists:
        where = obj.origin_of(ref.field)
        raise PlanError(
            f"{ref.noun} {key!r} is neither declared nor on the server",
            file=where.file,
            line=where.line,
            field=f"{obj.address}.{ref.field}",
            hint=f"Declare it under {ref.kind}: {key}: {{...}}, or fix the name.",
        )
    ctx.memo[WAITS_ON, ref.kind, key] = waits
    return waits
