"""NeMO manifests: every POST makes a new submission, so each is posted at most once.

The POST is preceded by an intent in state (after a successful login, so a failure there
leaves none) and followed by the submission's id; an answer that is neither a success
nor a refusal leaves the intent for the next plan to settle from NeMO's history
(`intents.py`). One intent is unsettled at a time across the workspace.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omicform.desired.documents import sha256
from omicform.errors import OmicformError, OutcomeUnknown, ServiceError, ServiceUnreachable
from omicform.kinds.base import ApplyContext as Context
from omicform.kinds.base import Outcome, payload_of
from omicform.kinds.nemo_manifests.guidance import guidance_for
from omicform.kinds.nemo_manifests.intents import settle, submission_data
from omicform.kinds.nemo_manifests.notification import REFUSED, refusal_hint, resolve
from omicform.kinds.nemo_manifests.plan import Manifest
from omicform.kinds.nemo_manifests.record import ManifestRecord
from omicform.model.plan import Change
from omicform.services.settings import HttpSettings


def carry_out_manifest(change: Change, ctx: Context) -> Outcome:
    """Submits, adopts or follows one NeMO manifest."""
    current = ManifestRecord.from_state(ctx.recorder.get(change.address))
    base = current or ManifestRecord(change.key)
    planned = payload_of(change, Manifest.from_json, Manifest)
    if change.action in ("no-op", "wait", "adopt"):
        submission = planned.adopt or planned.submission
        if submission:
            base = base.evolve(submission=submission, pending=None)
            if planned.adopt:
                base = base.evolve(content_hash=planned.content_hash)
            ctx.recorder.put(base.to_state())
        if change.action in ("wait", "adopt") and ctx.wait and base.submission:
            return _follow_submission(change, base, ctx)
        return Outcome(change.address, change.action, "done", change.reason)
    path = Path(planned.file)
    content = path.read_bytes()
    content_hash = sha256(content)
    if content_hash != planned.content_hash:
        raise OmicformError(
            f"{path} changed since the plan was made",
            hint="Run `omicform plan` again and review the new plan.",
        )
    # Read before anything is sent: a missing credential leaves no intent behind.
    note = resolve(planned.notification, ctx.connections.env, change.address)
    with ctx.nemo_submit_lock:
        if ctx.stop.is_set():  # interrupted while queued behind another post: post nothing new
            return Outcome(change.address, change.action, "not started")
        post = _Post(content, path.name, content_hash, note, planned.notification)
        recorded = _post_manifest(change, base, post, ctx)
    submission_id = (recorded.submission or {}).get("id")
    if ctx.wait:
        return _follow_submission(change, recorded, ctx)
    return Outcome(change.address, change.action, "done", f"submission {submission_id}")


@dataclass(frozen=True)
class _Post:
    """One manifest POST as sent, and the notification as planned (which is what is recorded)."""

    content: bytes
    file_name: str
    content_hash: str
    notification: dict[str, Any] | None  # as sent, with its credential: never recorded
    planned_notification: dict[str, Any] | None  # as planned, naming its variable


def _post_manifest(
    change: Change, base: ManifestRecord, post: _Post, ctx: Context
) -> ManifestRecord:
    content_hash = post.content_hash
    nemo = ctx.connections.nemo
    _refuse_beside_unsettled(change, ctx)
    # Log in first: a failure there sends nothing, so it must leave no intent behind.
    nemo.login()
    # Written just before the POST: if the answer is never recorded, the next plan settles
    # it from NeMO's history (intents.py) instead of posting a duplicate.
    started = _utcnow()
    intent = {
        "action": change.action,
        "started_at": started.isoformat(),
        "deadline": (started + _request_span(nemo.settings.http)).isoformat(),
        "content_hash": content_hash,
    }
    ctx.recorder.put(base.evolve(pending=intent).to_state())
    try:
        submission_id = nemo.submit(post.content, post.file_name, notification=post.notification)
    except ServiceError as exc:
        if _provably_not_created(exc):
            ctx.recorder.put(base.evolve(pending=None).to_state())
            if exc.status == 422 and post.planned_notification is not None:
                raise OmicformError(
                    f"{change.address}: {REFUSED}",
                    hint=refusal_hint(change.address, post.planned_notification),
                ) from None
            raise
        # Outcome unknown: the intent stays, with the end of the request narrowing its window.
        unknown = {**intent, "ended_at": _utcnow().isoformat()}
        ctx.recorder.put(base.evolve(pending=unknown).to_state())
        settled = _settle_now(change, base.evolve(content_hash=content_hash), unknown, ctx)
        if settled is not None:
            return settled
        if isinstance(exc, OutcomeUnknown):
            raise
        raise OutcomeUnknown(
            f"NeMO's answer to the manifest POST was not a success with an id nor a refusal "
            f"({exc.status}); it may have been received",
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
            "creation": started.isoformat(),
        },
    )
    ctx.recorder.put(recorded.to_state())
    return recorded


def _settle_now(
    change: Change, base: ManifestRecord, intent: dict[str, Any], ctx: Context
) -> ManifestRecord | None:
    """Right after an unclear answer, adopts the submission if NeMO's history shows it
    beyond doubt; otherwise the intent stays for the next plan.

    Settling now, not only at the next plan, leaves another run of the same account only
    the seconds until this search to post something that could be mistaken for ours.
    """
    try:
        found = settle({change.address: intent}, ctx.recorder.state, ctx.connections.nemo)
    except OmicformError:
        return None
    settled = found[change.address]
    if settled["doubts"] or len(settled["candidates"]) != 1:
        return None
    recorded = base.evolve(pending=None, submission=settled["candidates"][0])
    ctx.recorder.put(recorded.to_state())
    return recorded


def _provably_not_created(exc: ServiceError) -> bool:
    """Nothing was created: the request never left, or NeMO refused it outright (4xx).

    Anything else (a 5xx, a 2xx or 3xx the client could not read as a success with an id,
    a dropped connection) may have created a submission.
    """
    if isinstance(exc, OutcomeUnknown):
        return False
    if isinstance(exc, ServiceUnreachable):
        return True  # the transport raises it only when the request provably never left
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 408


def _refuse_beside_unsettled(change: Change, ctx: Context) -> None:
    """One unsettled intent at a time across the workspace (see intents.py)."""
    others = sorted(
        r.address
        for r in ctx.recorder.state.resources.values()
        if r.pending and r.address != change.address
    )
    if others:
        raise OmicformError(
            f"not posted: the submission of {', '.join(others)} is still unsettled",
            hint="Run `omicform plan` to settle it from NeMO's history, then apply again.",
        )


def _request_span(http: HttpSettings) -> dt.timedelta:
    """The latest a POST started now could still reach NeMO: its timeouts, and a margin."""
    return dt.timedelta(seconds=http.connect_timeout + http.timeout + 30)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _follow_submission(change: Change, resource: ManifestRecord, ctx: Context) -> Outcome:
    nemo = ctx.connections.nemo
    submission_id = str((resource.submission or {})["id"])
    deadline = time.monotonic() + ctx.wait_timeout
    last_step: str | None = None
    while True:
        found = nemo.get_submission(submission_id)
        data = submission_data(found)
        resource = resource.evolve(submission=data)
        ctx.recorder.put(resource.to_state())
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
            return Outcome(
                change.address, change.action, "failed", guidance_for(data) or "a step failed"
            )
        if time.monotonic() >= deadline:
            todo = guidance_for(data)
            return Outcome(
                change.address,
                change.action,
                "done",
                f"submission {submission_id} still at {found.next_step}; "
                "`omicform status` follows it" + (f". {todo}" if todo else ""),
            )
        ctx.sleep(ctx.poll_interval)
        if ctx.stop.is_set():
            return Outcome(
                change.address,
                change.action,
                "done",
                f"submission {submission_id} at {found.next_step}; not followed further "
                "(interrupted); `omicform status` follows it",
            )
