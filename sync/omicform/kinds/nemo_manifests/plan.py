"""Planning one NeMO manifest: submit, resubmit, follow its steps, or settle an intent an
interrupted apply left (`intents.py` read NeMO's history for it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from omicform.kinds.base import PlanContext
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.files import ManifestFile
from omicform.kinds.nemo_manifests.guidance import guidance_for
from omicform.kinds.nemo_manifests.record import NAME, ManifestRecord
from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change
from omicform.state.model import ResourceState, State


@dataclass(frozen=True)
class Manifest:
    """A manifest's payload: the file as planned (its hash pins it), what the local check
    found, the submission being followed or adopted, if any, and the webhook document to
    send with it (`notification.py`; the variable holding its credential, never the value)."""

    file: str
    content_hash: str
    rows: int
    access: str | None
    submission: dict[str, Any] | None = None  # the submission being followed
    adopt: dict[str, Any] | None = None  # the submission an interrupted apply made
    notification: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "content_hash": self.content_hash,
            "rows": self.rows,
            "access": self.access,
        }
        if self.submission is not None:
            data["submission"] = self.submission
        if self.adopt is not None:
            data["adopt"] = self.adopt
        if self.notification is not None:
            data["notification"] = self.notification
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        access, submission, adopt = data.get("access"), data.get("submission"), data.get("adopt")
        notification = data.get("notification")
        return cls(
            str(data["file"]),
            str(data["content_hash"]),
            int(data["rows"]),
            str(access) if access is not None else None,
            dict(submission) if isinstance(submission, dict) else None,
            dict(adopt) if isinstance(adopt, dict) else None,
            dict(notification) if isinstance(notification, dict) else None,
        )


def plan_manifest(item: NemoManifest, ctx: PlanContext) -> Change:
    manifest = ctx.files.get(item.address, ManifestFile)
    ctx.warnings.extend(
        f"{w.location(str(item.path))}: {w.message}" for w in manifest.report.warnings
    )
    resource = ManifestRecord.from_state(ctx.state.get(item.address))
    remote = ctx.snapshot.get(item.address)
    submission = dict(resource.submission or {}) if resource else {}
    if remote is not None and remote.data is not None and "submission" in remote.data:
        submission = dict(remote.data["submission"])
    detail = Manifest(
        str(item.path),
        manifest.content_hash,
        manifest.report.rows,
        manifest.report.access,
        notification=dict(item.notification) if item.notification else None,
    )
    base: dict[str, Any] = {
        "address": item.address,
        "kind": NAME,
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
    unknown = ("submission_id",)
    if resource is not None and resource.pending:
        return _settle_interrupted(item, remote.data if remote else None, base, before)
    if resource is None or not resource.submission:
        return Change(
            **base, action=Action.SUBMIT, before=before, after=after, after_unknown=unknown
        )
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
            after_unknown=unknown,
        )
    base["detail"] = replace(detail, submission=submission)
    current = {"content_hash": resource.content_hash, "submission": submission}
    return _follow(submission, base, before, current)


def _follow(
    submission: dict[str, Any],
    base: dict[str, Any],
    before: dict[str, Any] | None,
    current: dict[str, Any],
) -> Change:
    """A submission already made: wait for its steps, or say why it stopped."""
    state_name = submission.get("state")
    if state_name == "in-progress":
        step = submission.get("next_step") or "manifest_validated"
        why = f"submission {submission.get('id')} is at step {step}"
        todo = guidance_for(submission)  # at upload_complete: the upload NeMO waits for
        if todo:
            why = f"{why}. {todo}"
        return Change(**base, action=Action.WAIT, reason=why, before=before, after=current)
    if state_name == "error":
        why = guidance_for(submission) or f"submission {submission.get('id')} failed"
        return Change(**base, action=Action.BLOCKED, reason=why, before=before, after=current)
    return Change(**base, action=Action.NO_OP, before=before, after=current)


def _settle_interrupted(
    item: NemoManifest,
    remote: dict[str, Any] | None,
    base: dict[str, Any],
    before: dict[str, Any] | None,
) -> Change:
    """An apply posted this manifest and never recorded the answer (`intents.py`)."""
    detail: Manifest = base["detail"]
    content_hash = detail.content_hash
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
        base["detail"] = replace(detail, adopt=found)
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


def one_intent_at_a_time(changes: list[Change], state: State) -> list[Change]:
    """Manifest posts wait for every unsettled intent to be settled first.

    Two unsettled intents could claim the same submission in NeMO's history; posting only
    after the others settle keeps their windows apart.
    """
    unsettled = tuple(c.address for c in changes if _has_intent(state.get(c.address)))
    if not unsettled:
        return changes
    return [
        replace(c, depends_on=c.depends_on + tuple(a for a in unsettled if a != c.address))
        if c.action in (Action.SUBMIT, Action.RESUBMIT)
        else c
        for c in changes
    ]


def _has_intent(resource: ResourceState | None) -> bool:
    return resource is not None and bool(resource.pending)
