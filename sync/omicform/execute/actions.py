"""How each kind of change is carried out. One function per (kind, action) family.

Each returns an `Outcome`; state is recorded through the recorder as soon as something is
known, so a crash at any point leaves state the next run can finish from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omicform.checks.nmdc_metadata import check_database
from omicform.desired.documents import canonical_json, sha256
from omicform.desired.references import Unresolved, parse_text, parse_tree, resolver
from omicform.diff.fields import diff_fields
from omicform.errors import (
    AlreadyExists,
    OmicformError,
    OutcomeUnknown,
    ServerFailed,
    ServiceError,
)
from omicform.execute.context import Context, Outcome
from omicform.kinds.nemo_manifests.apply import carry_out_manifest
from omicform.model.plan import Change
from omicform.services.nmdc import StagingKind
from omicform.state.model import ResourceState


def carry_out(change: Change, ctx: Context) -> Outcome:
    """Dispatches one change to its kind's function; errors become failed outcomes."""
    try:
        if change.action == "forget":
            ctx.recorder.remove(change.address)
            return Outcome(change.address, "forget", "done", "dropped from state")
        if change.action == "blocked":  # a difference the API cannot make, whatever the kind
            return Outcome(change.address, "blocked", "skipped", change.reason)
        handler = _HANDLERS[change.kind]
        return handler(change, ctx)
    except OutcomeUnknown as exc:
        return Outcome(change.address, change.action, "unknown", str(exc))
    except OmicformError as exc:
        return Outcome(change.address, change.action, "failed", str(exc))


# -- identifiers ------------------------------------------------------------------------------


def _identifiers(change: Change, ctx: Context) -> Outcome:
    current = ctx.recorder.get(change.address)
    if change.action != "mint":
        return Outcome(change.address, change.action, "done", change.reason)
    detail = change.detail
    have = current.minted if current else ()
    missing = int(detail["count"]) - len(have)
    if missing <= 0:  # minted meanwhile (a rerun after a crash that recorded them)
        return Outcome(change.address, "mint", "done", "already minted")
    schema_class = str(detail["schema_class"])
    try:
        ids = ctx.connections.nmdc.mint(schema_class, missing)
    except ServiceError as exc:
        # Ids minted by earlier chunks exist: record them, so the next apply mints only the rest.
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


def _record_minted(
    change: Change, schema_class: str, minted: tuple[str, ...], ctx: Context
) -> None:
    ctx.recorder.put(
        ResourceState(
            address=change.address,
            kind="identifiers",
            key=change.key,
            schema_class=schema_class,
            minted=minted,
        )
    )


# -- staging records --------------------------------------------------------------------------


def _staging(change: Change, ctx: Context) -> Outcome:
    kind = StagingKind(change.kind)
    fields = _resolve(change.after or {}, ctx)
    nmdc = ctx.connections.nmdc
    if change.action == "no-op":
        _record_staging(change, fields, ctx)
        return Outcome(change.address, "no-op", "done")
    if change.action == "update":
        nmdc.update_record(kind, fields)
        _record_staging(change, fields, ctx)
        return Outcome(change.address, "update", "done")
    try:
        nmdc.create_record(kind, fields)
    except AlreadyExists:
        return _settle(change, kind, fields, ctx, "it already existed")
    except (OutcomeUnknown, ServerFailed):
        # The create may have happened: read it back by its key before anything else.
        return _settle(change, kind, fields, ctx, "the create's outcome was unclear", retry=True)
    _record_staging(change, fields, ctx)
    return Outcome(change.address, "create", "done")


def _settle(
    change: Change,
    kind: StagingKind,
    fields: dict[str, Any],
    ctx: Context,
    why: str,
    *,
    retry: bool = False,
) -> Outcome:
    nmdc = ctx.connections.nmdc
    remote = nmdc.get_record(kind, change.key)
    if remote is None:
        if not retry:
            return Outcome(change.address, "create", "failed", f"{why}, but it cannot be read back")
        nmdc.create_record(kind, fields)  # provably absent: creating now cannot duplicate
        _record_staging(change, fields, ctx)
        return Outcome(change.address, "create", "done", f"{why}; read back absent, created again")
    differs = diff_fields(fields, remote)
    if not differs:
        _record_staging(change, fields, ctx)
        return Outcome(change.address, "create", "done", f"{why}; read back identical")
    if kind.updatable:
        nmdc.update_record(kind, fields)
        _record_staging(change, fields, ctx)
        return Outcome(change.address, "create", "done", f"{why}; read back and updated")
    names = ", ".join(d.name for d in differs)
    return Outcome(
        change.address,
        "create",
        "failed",
        f"{why} with other values ({names}), and NMDC cannot update sequencing projects",
    )


def _record_staging(change: Change, fields: dict[str, Any], ctx: Context) -> None:
    ctx.recorder.put(
        ResourceState(address=change.address, kind=change.kind, key=change.key, fields=fields)
    )


def _resolve(values: dict[str, Any], ctx: Context) -> dict[str, Any]:
    resolve = resolver(ctx.recorder.minted())
    try:
        return {k: resolve(parse_text(v)) if isinstance(v, str) else v for k, v in values.items()}
    except Unresolved as exc:
        raise OmicformError(
            f"{exc} is not minted", hint="Its identifiers batch failed to mint; apply again."
        ) from None


# -- metadata submissions ---------------------------------------------------------------------


def _metadata(change: Change, ctx: Context) -> Outcome:
    current = ctx.recorder.get(change.address)
    if change.action == "no-op":
        return Outcome(change.address, "no-op", "done", change.reason)
    if change.action == "wait":
        run_id = str((current.run or {}).get("id")) if current else ""
        return _follow_run(change, run_id, current, ctx)
    document, content_hash = _load_document(change, ctx)
    base = current or ResourceState(change.address, "metadata_submissions", change.key)
    nmdc = ctx.connections.nmdc
    try:
        try:
            run_id = nmdc.submit_metadata(document)
        except OutcomeUnknown:
            # Sending again is harmless: documents are upserted by id. Within the same minute
            # the server even answers 409 (its checksum covers content and minute), which
            # tells us the first attempt arrived.
            run_id = nmdc.submit_metadata(document)
    except AlreadyExists:
        ctx.recorder.put(
            base.evolve(content_hash=content_hash, run={"id": None, "status": "COMPLETE"})
        )
        return Outcome(
            change.address, change.action, "done", "identical content was already submitted"
        )
    started = base.evolve(content_hash=content_hash, run={"id": run_id, "status": "STARTED"})
    ctx.recorder.put(started)
    return _follow_run(change, run_id, started, ctx)


def _follow_run(
    change: Change, run_id: str, resource: ResourceState | None, ctx: Context
) -> Outcome:
    nmdc = ctx.connections.nmdc
    ctx.progress(change.address, f"run {run_id}: waiting")
    try:
        run = nmdc.wait_for_run(
            run_id,
            timeout=ctx.wait_timeout,
            interval=min(ctx.poll_interval, 1.0),
            on_poll=lambda r: ctx.progress(change.address, f"run {r.id}: {r.status}"),
            sleep=_unless_stopped(ctx),
        )
    except _Stopped:  # interrupted: the run goes on on the server; the next plan follows it
        return Outcome(
            change.address, change.action, "done", f"run {run_id} submitted; not followed further"
        )
    base = resource or ResourceState(change.address, "metadata_submissions", change.key)
    ctx.recorder.put(base.evolve(run={"id": run.id, "status": run.status}))
    if run.status == "FAIL":
        return Outcome(
            change.address, change.action, "failed", f"run {run.id} failed on the server"
        )
    return Outcome(change.address, change.action, "done", f"run {run.id} {run.status}")


class _Stopped(Exception):
    """Ends a polling loop that is not ours (`wait_for_run`) on an interrupt."""


def _unless_stopped(ctx: Context) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        ctx.sleep(seconds)
        if ctx.stop.is_set():
            raise _Stopped

    return sleep


def _load_document(change: Change, ctx: Context) -> tuple[Any, str]:
    path = Path(str(change.detail["file"]))
    raw = path.read_bytes()
    if sha256(raw) != change.detail.get("file_hash"):
        raise OmicformError(
            f"{path} changed since the plan was made",
            hint="Run `omicform plan` again and review the new plan.",
        )
    try:
        document = resolver(ctx.recorder.minted())(parse_tree(json.loads(raw)))
    except Unresolved as exc:
        raise OmicformError(f"{exc} is not minted", hint="Apply again once it is minted.") from None
    problems = check_database(document)
    if problems:
        collection, messages = next(iter(problems.items()))
        raise OmicformError(
            f"{path}: {collection}: {messages[0]}",
            hint="Fix the document; `omicform validate` lists every problem.",
        )
    content_hash = sha256(canonical_json(document))
    planned = change.detail.get("content_hash")
    if planned and planned != content_hash:
        raise OmicformError(
            f"{path} resolves to other content than planned",
            hint="Run `omicform plan` again and review the new plan.",
        )
    return document, content_hash


_HANDLERS: dict[str, Callable[[Change, Context], Outcome]] = {
    "identifiers": _identifiers,
    "metadata_submissions": _metadata,
    "nemo_manifests": carry_out_manifest,
    **{kind.value: _staging for kind in StagingKind},
}
