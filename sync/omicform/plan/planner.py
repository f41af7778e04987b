"""The planner: desired state + state + snapshot -> Plan. Pure: it sends nothing.

Each kind's rules live in its own function below; `make_plan` only walks the kinds in
dependency order (identifiers, projects, samples, tasks, metadata, manifests, forgets).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from omicform.checks.preflight import LocalFiles, preflight
from omicform.desired.model import (
    DesiredObject,
    DesiredState,
    IdentifierBatch,
    MetadataSubmission,
    NemoManifest,
    Reference,
    Template,
)
from omicform.desired.references import Unresolved, references_in, resolver
from omicform.diff.fields import diff_fields
from omicform.errors import PlanError
from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change, FieldChange, Plan
from omicform.refresh.snapshot import Snapshot
from omicform.services.nmdc import StagingKind
from omicform.state.model import ResourceState, State

NO_DELETE = (
    "removed from the file: dropped from state only; "
    "{service} has no delete, so the remote object stays"
)


STAGING = frozenset(kind.value for kind in StagingKind)


@dataclass
class _Context:
    desired: DesiredState
    state: State
    snapshot: Snapshot
    files: LocalFiles
    minted: dict[str, tuple[str, ...]]
    minting: set[str]  # batches this plan mints: references to them are unknown until apply
    creating: set[str]  # addresses this plan creates


def make_plan(
    desired: DesiredState,
    state: State,
    snapshot: Snapshot,
    *,
    files: LocalFiles | None = None,
    targets: Collection[str] | None = None,
    refresh_only: bool = False,
) -> Plan:
    minted = state.minted()
    files = files if files is not None else preflight(desired, minted)
    ctx = _Context(desired, state, snapshot, files, minted, set(), set())
    changes: list[Change] = []
    warnings: list[str] = []
    for batch in desired.identifiers:
        change = _plan_identifiers(batch, state.get(batch.address), ctx)
        if change.action == "mint":
            ctx.minting.add(batch.name)
        changes.append(change)
    for kind in StagingKind:
        for obj in desired.objects_of(kind):
            change = _plan_staging(obj, ctx)
            if change.action == "create":
                ctx.creating.add(change.address)
            changes.append(change)
    for item in desired.metadata:
        changes.append(_plan_metadata(item, ctx))
    manifests: list[Change] = []
    for manifest in desired.manifests:
        change, notes = _plan_manifest(manifest, ctx)
        manifests.append(change)
        warnings.extend(notes)
    changes.extend(_one_intent_at_a_time(manifests, state))
    declared = set(desired.addresses())
    for address in sorted(state.resources):
        if address not in declared:
            changes.append(_forget(state.resources[address]))
    if targets is not None:
        changes = _targeted(changes, targets)
    if refresh_only:
        changes = [_as_refresh(c) for c in changes]
    return Plan(
        lineage=state.lineage,
        serial=state.serial,
        changes=tuple(changes),
        # Only staging records: a submission's steps advance by themselves, and that must not
        # make a saved plan stale. Files are pinned by their hashes instead.
        fingerprints={
            a: fp for a, fp in snapshot.fingerprints().items() if a.split(".", 1)[0] in STAGING
        },
        config_files=tuple(str(f) for f in desired.files),
        warnings=tuple(warnings),
        refresh_only=refresh_only,
    )


# -- identifiers ------------------------------------------------------------------------------


def _plan_identifiers(
    batch: IdentifierBatch, resource: ResourceState | None, ctx: _Context
) -> Change:
    have = resource.minted if resource else ()
    base: dict[str, Any] = {
        "address": batch.address,
        "kind": "identifiers",
        "key": batch.name,
        "service": "nmdc",
    }
    before = {"type": resource.schema_class, "ids": list(have)} if resource else None
    if have and resource is not None and resource.schema_class != batch.schema_class:
        return Change(
            **base,
            action=Action.BLOCKED,
            reason=(
                f"already minted {len(have)} {resource.schema_class} ids; minted ids cannot change "
                "type. Declare a new batch for the new type."
            ),
            before=before,
        )
    if len(have) < batch.count:
        missing = batch.count - len(have)
        return Change(
            **base,
            action=Action.MINT,
            reason=f"mint {missing} new {batch.schema_class} id(s); minted ids are kept forever",
            before=before,
            after={"type": batch.schema_class, "count": batch.count, "ids": KNOWN_AFTER_APPLY},
            after_unknown=("ids",),
            detail={"schema_class": batch.schema_class, "how_many": missing, "count": batch.count},
        )
    reason = ""
    if len(have) > batch.count:
        reason = f"{len(have)} ids were minted and are kept; references use the first {batch.count}"
    return Change(**base, action=Action.NO_OP, reason=reason, before=before, after=before)


# -- NMDC staging records ---------------------------------------------------------------------


def _plan_staging(obj: DesiredObject, ctx: _Context) -> Change:
    kind = obj.kind
    remote = ctx.snapshot.get(obj.address)
    resolved, unknown = _resolve_fields(obj.fields, ctx.minted)
    depends = _reference_dependencies(obj.fields.values(), ctx)
    if kind is StagingKind.JGI_SAMPLES:
        depends += _project_dependency(obj, ctx)
    base: dict[str, Any] = {
        "address": obj.address,
        "kind": kind.value,
        "key": obj.key,
        "service": "nmdc",
        "depends_on": tuple(depends),
        "detail": {"origin": str(obj.origin)},
    }
    if remote is None or remote.data is None:
        return Change(
            **base,
            action=Action.CREATE,
            after=resolved,
            after_unknown=unknown,
            reason="not found on the server",
        )
    known = {k: v for k, v in resolved.items() if k not in unknown}
    diffs = diff_fields(known, remote.data)
    field_changes = tuple(FieldChange(d.name, d.before, d.after) for d in diffs)
    field_changes += tuple(FieldChange(n, remote.data.get(n), KNOWN_AFTER_APPLY) for n in unknown)
    before = {k: remote.data.get(k) for k in resolved}
    if not field_changes:
        in_state = ctx.state.get(obj.address) is not None
        reason = "" if in_state else "exists on the server already; adopted into state"
        return Change(**base, action=Action.NO_OP, reason=reason, before=before, after=resolved)
    if not kind.updatable:
        names = ", ".join(f.name for f in field_changes)
        return Change(
            **base,
            action=Action.BLOCKED,
            reason=(
                f"{names} differ(s) on the server, but NMDC has no update for sequencing projects; "
                "change the file back, or declare a project under a new name"
            ),
            before=before,
            after=resolved,
            field_changes=field_changes,
        )
    return Change(
        **base,
        action=Action.UPDATE,
        before=before,
        after=resolved,
        after_unknown=unknown,
        field_changes=field_changes,
    )


def _project_dependency(sample: DesiredObject, ctx: _Context) -> list[str]:
    project = sample.fields.get("sequencing_project_name")
    if not isinstance(project, str):
        return []
    address = f"{StagingKind.JGI_SEQUENCING_PROJECTS.value}.{project}"
    declared = any(o.address == address for o in ctx.desired.objects)
    remote = ctx.snapshot.get(address)
    if declared:
        return [address] if address in ctx.creating else []
    if remote is not None and remote.exists:
        return []
    where = sample.origin_of("sequencing_project_name")
    raise PlanError(
        f"sequencing project {project!r} is neither declared nor on the server",
        file=where.file,
        line=where.line,
        field=f"{sample.address}.sequencing_project_name",
        hint=f"Declare it under jgi_sequencing_projects: {project}: {{...}}, or fix the name.",
    )


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


def _reference_dependencies(values: Iterable[Any], ctx: _Context) -> list[str]:
    batches = {
        ref.batch
        for value in values
        if isinstance(value, (Reference, Template, list, dict))
        for ref in references_in(value)
    }
    return [f"identifiers.{b}" for b in sorted(batches) if b in ctx.minting]


# -- metadata submissions ---------------------------------------------------------------------


def _plan_metadata(item: MetadataSubmission, ctx: _Context) -> Change:
    document = ctx.files.metadata[item.address]
    resource = ctx.state.get(item.address)
    depends = _reference_dependencies([document.template], ctx)
    _server_verdict(item, ctx)
    content_hash = document.content_hash
    detail: dict[str, Any] = {
        "file": str(item.path),
        "file_hash": document.file_hash,
        "content_hash": content_hash,
    }
    base: dict[str, Any] = {
        "address": item.address,
        "kind": "metadata_submissions",
        "key": item.name,
        "service": "nmdc",
        "depends_on": tuple(depends),
        "detail": detail,
    }
    before = {"content_hash": resource.content_hash, "run": resource.run} if resource else None
    after = {"content_hash": content_hash or KNOWN_AFTER_APPLY}
    unknown = ("content_hash",) if content_hash is None else ()
    if resource is None or resource.content_hash is None:
        return Change(
            **base, action=Action.SUBMIT, before=before, after=after, after_unknown=unknown
        )
    if content_hash != resource.content_hash:
        return Change(
            **base,
            action=Action.RESUBMIT,
            reason="the document changed; NMDC upserts documents by id, earlier ones stay",
            before=before,
            after=after,
            after_unknown=unknown,
        )
    run = dict(resource.run or {})
    remote = ctx.snapshot.get(item.address)
    if remote is not None and remote.data is not None:
        run = dict(remote.data.get("run") or run)
    status = run.get("status")
    if status == "FAIL":
        return Change(
            **base,
            action=Action.SUBMIT,
            reason=f"run {run.get('id')} failed; submitting again",
            before=before,
            after=after,
        )
    if status in ("REQUESTED", "STARTED"):
        detail["run"] = run
        return Change(
            **base,
            action=Action.WAIT,
            reason=f"run {run.get('id')} is {status}",
            before=before,
            after=after,
        )
    return Change(**base, action=Action.NO_OP, before=before, after=after)


def _server_verdict(item: MetadataSubmission, ctx: _Context) -> None:
    problems = ctx.snapshot.validation.get(item.address)
    if problems:
        collection, messages = next(iter(problems.items()))
        raise PlanError(
            f"json:validate: {collection}: {messages[0]}",
            file=str(item.path),
            field=item.address,
            hint="The NMDC server found this; fix the document and plan again.",
        )


# -- NeMO manifests ---------------------------------------------------------------------------


def _plan_manifest(item: NemoManifest, ctx: _Context) -> tuple[Change, list[str]]:
    manifest = ctx.files.manifests[item.address]
    notes = [f"{w.location(str(item.path))}: {w.message}" for w in manifest.report.warnings]
    resource = ctx.state.get(item.address)
    remote = ctx.snapshot.get(item.address)
    submission = dict(resource.submission or {}) if resource else {}
    if remote is not None and remote.data is not None and "submission" in remote.data:
        submission = dict(remote.data["submission"])
    detail: dict[str, Any] = {
        "file": str(item.path),
        "content_hash": manifest.content_hash,
        "rows": manifest.report.rows,
        "access": manifest.report.access,
    }
    base: dict[str, Any] = {
        "address": item.address,
        "kind": "nemo_manifests",
        "key": item.name,
        "service": "nemo",
        "detail": detail,
    }
    before = (
        {"content_hash": resource.content_hash, "submission": resource.submission}
        if resource
        else None
    )
    after = {"content_hash": manifest.content_hash, "submission_id": KNOWN_AFTER_APPLY}
    if resource is not None and resource.pending:
        return _settle_interrupted(
            item, resource, remote.data if remote else None, base, before
        ), notes
    if resource is None or not resource.submission:
        return Change(
            **base,
            action=Action.SUBMIT,
            before=before,
            after=after,
            after_unknown=("submission_id",),
        ), notes
    if manifest.content_hash != resource.content_hash:
        reason = (
            f"the manifest changed: NeMO makes a new submission; submission {submission.get('id')} "
            "stays in NeMO's history"
        )
        return Change(
            **base,
            action=Action.RESUBMIT,
            reason=reason,
            before=before,
            after=after,
            after_unknown=("submission_id",),
        ), notes
    detail["submission"] = submission
    current = {"content_hash": resource.content_hash, "submission": submission}
    state_name = submission.get("state")
    if state_name == "in-progress":
        step = submission.get("next_step") or "manifest_validated"
        return Change(
            **base,
            action=Action.WAIT,
            reason=f"submission {submission.get('id')} is at step {step}",
            before=before,
            after=current,
        ), notes
    if state_name == "error":
        failed: dict[str, Any] = next(
            (s for s in submission.get("steps", []) if not s.get("success")), {}
        )
        step, msg = failed.get("name", "?"), failed.get("msg") or ""
        if step == "manifest_validated":
            why = (
                f"NeMO rejected the manifest: {msg}. "
                "Fix the file; the changed manifest will be resubmitted"
            )
        else:
            why = (
                f"submission {submission.get('id')} failed at {step}: {msg}. "
                "NeMO staff resolve failures after validation"
            )
        return Change(
            **base, action=Action.BLOCKED, reason=why, before=before, after=current
        ), notes
    return Change(**base, action=Action.NO_OP, before=before, after=current), notes


def _settle_interrupted(
    item: NemoManifest,
    resource: ResourceState,
    remote: dict[str, Any] | None,
    base: dict[str, Any],
    before: dict[str, Any] | None,
) -> Change:
    """An apply posted this manifest and never recorded the answer (`refresh/intents.py`)."""
    content_hash = base["detail"]["content_hash"]
    after = {"content_hash": content_hash, "submission_id": KNOWN_AFTER_APPLY}
    if remote is None:
        why = "NeMO's history was not read, so it cannot be settled in this plan"
        return _unsettled(item, base, before, why)
    candidates = list(remote.get("candidates", []))
    doubts = list(remote.get("doubts", []))
    if doubts or len(candidates) > 1:
        ids = ", ".join(c["id"] for c in candidates)
        why = f"submissions {ids} appeared while it was unanswered" + (
            f" ({'; '.join(doubts)})" if doubts else ""
        )
        return _unsettled(item, base, before, why)
    if candidates:
        found = candidates[0]
        base["detail"]["adopt"] = found
        return Change(
            **base,
            action=Action.ADOPT,
            reason=(
                f"an interrupted apply created submission {found['id']}; "
                "adopting it instead of posting again"
            ),
            before=before,
            after={"content_hash": content_hash, "submission": found},
        )
    return Change(
        **base,
        action=Action.SUBMIT,
        reason="an interrupted apply left no submission in NeMO's history; submitting",
        before=before,
        after=after,
        after_unknown=("submission_id",),
    )


def _unsettled(
    item: NemoManifest, base: dict[str, Any], before: dict[str, Any] | None, why: str
) -> Change:
    return Change(
        **base,
        action=Action.BLOCKED,
        reason=(
            f"an apply was interrupted while submitting this manifest, and {why}; "
            f"find the right submission with `omicform status --history` and record it with "
            f"`omicform import {item.address} ID`"
        ),
        before=before,
    )


def _one_intent_at_a_time(changes: list[Change], state: State) -> list[Change]:
    """Manifest posts wait for every unsettled intent to be settled first.

    Two unsettled intents could claim the same submission in NeMO's history; posting only
    after the others settle keeps their windows apart.
    """
    unsettled = tuple(
        c.address for c in changes if c.kind == "nemo_manifests" and _has_intent(state, c.address)
    )
    if not unsettled:
        return changes
    return [
        replace(c, depends_on=c.depends_on + tuple(a for a in unsettled if a != c.address))
        if c.kind == "nemo_manifests" and c.action in ("submit", "resubmit")
        else c
        for c in changes
    ]


def _has_intent(state: State, address: str) -> bool:
    resource = state.get(address)
    return resource is not None and bool(resource.pending)


# -- forgetting, targeting, refresh-only ------------------------------------------------------


def _forget(resource: ResourceState) -> Change:
    service = "NeMO" if resource.kind == "nemo_manifests" else "NMDC"
    return Change(
        address=resource.address,
        kind=resource.kind,
        key=resource.key,
        action=Action.FORGET,
        reason=NO_DELETE.format(service=service),
        before=resource.to_json(),
    )


def _targeted(changes: list[Change], targets: Collection[str]) -> list[Change]:
    """The targets and, transitively, what they depend on."""
    by_address = {c.address: c for c in changes}
    unknown = [t for t in targets if t not in by_address]
    if unknown:
        raise PlanError(
            f"no such address: {unknown[0]}",
            field="--target",
            hint=(
                "Addresses look like jgi_samples.KEY or identifiers.NAME; "
                "`omicform state list` shows them."
            ),
        )
    keep: set[str] = set()
    todo = list(targets)
    while todo:
        address = todo.pop()
        if address in keep:
            continue
        keep.add(address)
        todo.extend(by_address[address].depends_on)
    return [c for c in changes if c.address in keep]


def _as_refresh(change: Change) -> Change:
    """Refresh-only: nothing is written remotely; apply only records what was read."""
    if change.action in ("no-op", "wait", "adopt"):
        return change
    return Change(
        address=change.address,
        kind=change.kind,
        key=change.key,
        action=Action.NO_OP,
        reason=f"refresh only: {change.action} skipped",
        service=change.service,
        before=change.before,
        after=change.before,
        detail=change.detail,
    )
