"""Reading NeMO for the manifests state holds: unfinished submissions, and the history an
unsettled intent must be settled from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omicform.errors import NotFound
from omicform.kinds.base import ReadContext
from omicform.kinds.gone import gone
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.intents import settle, submission_data
from omicform.services.nemo import NemoService, Submission

# Past this many submissions to look at, listing (100 a page) costs fewer requests than GETs.
NEMO_LIST_THRESHOLD = 3


def read_submissions(items: Sequence[NemoManifest], ctx: ReadContext) -> None:
    tracked: dict[str, str] = {}  # submission id -> address
    pending: dict[str, dict[str, Any]] = {}
    for item in items:
        resource = ctx.state.get(item.address)
        if not ctx.wants(item.address) or resource is None:
            continue
        if resource.pending:
            pending[item.address] = resource.pending
        elif resource.submission and resource.submission.get("state") != "complete":
            tracked[str(resource.submission["id"])] = item.address
    if not tracked and not pending:
        return
    nemo = ctx.connections.nemo
    if len(tracked) > NEMO_LIST_THRESHOLD:
        by_id = {s.id: s for s in nemo.list_submissions()}
        found = {sid: by_id.get(sid) for sid in tracked}
    else:
        found = {sid: _get_submission(nemo, sid) for sid in tracked}
    for sid, address in tracked.items():
        submission = found.get(sid)
        if submission is None:
            raise gone(address, f"NeMO submission {sid}")
        ctx.snapshot.add(address, {"submission": submission_data(submission)})
    if pending:
        for address, settled in settle(pending, ctx.state, nemo).items():
            ctx.snapshot.add(address, settled)


def _get_submission(nemo: NemoService, submission_id: str) -> Submission | None:
    try:
        return nemo.get_submission(submission_id)
    except NotFound:
        return None
