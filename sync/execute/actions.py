"""How each kind of change is carried out. One function per (kind, action) family.

Each returns an `Outcome`; state is recorded through the recorder as soon as something is
known, so a crash at any point leaves state the next run can finish from.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omicform.checks.nmdc_metadata import check_database
from omicform.connections import Connections
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
from omicform.execute.recorder import StateRecorder
from omicform.plan.model import Change
from omicform.refresh.reader import submission_data
from omicform.services.nmdc import StagingKind
from omicform.state.model import ResourceState


@dataclass(frozen=True)
class Outcome:
    address: str
    action: str
    result: str  # done, failed, skipped or unknown
    message: str = ""


@dataclass
class Context:
    connections: Connections
    recorder: StateRecorder
    wait: bool = False
    wait_timeout: float = 3600.0
    poll_interval: float = 2.0
    on_progress: Callable[[str, str], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    # One NeMO POST in flight at a time: then at most one intent is ever unsettled, and an
    # interrupted run's submission can be told apart from the others in NeMO's history.
    nemo_submit_lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, address: str, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(address, message)


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
    try:
        ids = ctx.connections.nmdc.mint(str(detail["schema_class"]), missing)
    except OutcomeUnknown as exc:
        raise OutcomeUnknown(
            "minting may have spent ids that were never recorded; the next apply mints again "
            "(unused ids are harmless)",
            service=exc.service,
            method=exc.method,
            path=exc.path,
        ) from None
    ctx.recorder.put(
        ResourceState(
            address=change.address,
            kind="identifiers",
            key=change.key,
            schema_class=str(detail["schema_class"]),
            minted=tuple(have) + tuple(ids),
        )
    )
    return Outcome(change.address, "mint", "done", f"minted {', '.join(ids)}")


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
    run = nmdc.wait_for_run(
        run_id,
        timeout=ctx.wait_timeout,
        interval=min(ctx.poll_interval, 1.0),
        on_poll=lambda r: ctx.progress(change.address, f"run {r.id}: {r.status}"),
        sleep=ctx.sleep,
    )
    base = resource or ResourceState(change.address, "metadata_submissions", change.key)
    ctx.recorder.put(base.evolve(run={"id": run.id, "status": run.status}))
    if run.status == "FAIL":
        return Outcome(
            change.address, change.action, "failed", f"run {run.id} failed on the server"
        )
    return Outcome(change.address, change.action, "done", f"run {run.id} {run.status}")


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


# -- NeMO manifests ---------------------------------------------------------------------------


def _manifest(change: Change, ctx: Context) -> Outcome:
    current = ctx.recorder.get(change.address)
    base = current or ResourceState(change.address, "nemo_manifests", change.key)
    if change.action in ("no-op", "wait"):
        submission = change.detail.get("adopt") or change.detail.get("submission")
        if submission:
            base = base.evolve(submission=submission, pending=None)
            if change.detail.get("adopt"):
                base = base.evolve(content_hash=change.detail.get("content_hash"))
            ctx.recorder.put(base)
        if change.action == "wait" and ctx.wait and base.submission:
            return _follow_submission(change, base, ctx)
        return Outcome(change.address, change.action, "done", change.reason)
    path = Path(str(change.detail["file"]))
    content = path.read_bytes()
    content_hash = sha256(content)
    if content_hash != change.detail.get("content_hash"):
        raise OmicformError(
            f"{path} changed since the plan was made",
            hint="Run `omicform plan` again and review the new plan.",
        )
    with ctx.nemo_submit_lock:
        recorded = _post_manifest(change, base, content, path.name, content_hash, ctx)
    submission_id = (recorded.submission or {}).get("id")
    if ctx.wait:
        return _follow_submission(change, recorded, ctx)
    return Outcome(change.address, change.action, "done", f"submission {submission_id}")


def _post_manifest(
    change: Change,
    base: ResourceState,
    content: bytes,
    file_name: str,
    content_hash: str,
    ctx: Context,
) -> ResourceState:
    # Written before the POST: if we die before recording the answer, the next plan knows
    # to look for the submission in NeMO's history instead of posting a duplicate.
    started_at = dt.datetime.now(dt.timezone.utc).isoformat()
    intent = {"action": change.action, "started_at": started_at, "content_hash": content_hash}
    ctx.recorder.put(base.evolve(pending=intent))
    try:
        submission_id = ctx.connections.nemo.submit(content, file_name)
    except OutcomeUnknown:
        raise  # the intent stays: the next plan settles it from NeMO's history
    except ServiceError as exc:
        if exc.status is not None and exc.status < 500:
            ctx.recorder.put(base.evolve(pending=None))  # refused outright: nothing was created
            raise
        raise OutcomeUnknown(
            f"NeMO failed while taking the manifest ({exc.status}); it may have been received",
            service=exc.service,
            method=exc.method,
            path=exc.path,
        ) from None
    recorded = base.evolve(
        pending=None,
        content_hash=content_hash,
        submission={
            "id": submission_id,
            "state": "in-progress",
            "steps": [],
            "next_step": "manifest_validated",
            "creation": started_at,
        },
    )
    ctx.recorder.put(recorded)
    return recorded


def _follow_submission(change: Change, resource: ResourceState, ctx: Context) -> Outcome:
    nemo = ctx.connections.nemo
    submission_id = str((resource.submission or {})["id"])
    deadline = time.monotonic() + ctx.wait_timeout
    last_step: str | None = None
    while True:
        found = nemo.get_submission(submission_id)
        data = submission_data(found)
        resource = resource.evolve(submission=data)
        ctx.recorder.put(resource)
        if found.next_step != last_step:
            last_step = found.next_step
            ctx.progress(
                change.address, f"submission {submission_id}: {found.state}, {last_step or 'done'}"
            )
        if found.complete:
            if found.success:
                return Outcome(
                    change.address, change.action, "done", f"submission {submission_id} complete"
                )
            failed = found.failed_step
            what = f"{failed.name}: {failed.msg}" if failed else "a step failed"
            return Outcome(
                change.address,
                change.action,
                "failed",
                f"submission {submission_id} failed at {what}",
            )
        if time.monotonic() >= deadline:
            return Outcome(
                change.address,
                change.action,
                "done",
                f"submission {submission_id} still at {found.next_step}; "
                "`omicform status` follows it",
            )
        ctx.sleep(ctx.poll_interval)


_HANDLERS: dict[str, Callable[[Change, Context], Outcome]] = {
    "identifiers": _identifiers,
    "metadata_submissions": _metadata,
    "nemo_manifests": _manifest,
    **{kind.value: _staging for kind in StagingKind},
}
