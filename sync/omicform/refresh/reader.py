"""Refresh: one pass over the services for everything the plan needs to know."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from omicform.checks.preflight import LocalFiles
from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.errors import NotFound, PlanError
from omicform.refresh.intents import settle, submission_data
from omicform.refresh.snapshot import Snapshot
from omicform.refresh.staging import PAGE_SIZE, read_records
from omicform.services.nemo import NemoService, Submission
from omicform.services.nmdc import StagingKind
from omicform.state.model import State

# Past this many submissions to look at, listing (100 a page) costs fewer requests than GETs.
NEMO_LIST_THRESHOLD = 3


def refresh(
    desired: DesiredState,
    state: State,
    connections: Connections,
    *,
    only: Collection[str] | None = None,
    page_size: int = PAGE_SIZE,
    files: LocalFiles | None = None,
) -> Snapshot:
    """Reads the remote objects behind `desired` (and `state`), limited to `only` if given."""
    wanted = set(only) if only is not None else None
    snapshot = Snapshot()
    _refresh_staging(desired, connections, snapshot, wanted, page_size)
    _refresh_runs(desired, state, connections, snapshot, wanted)
    _refresh_submissions(desired, state, connections, snapshot, wanted)
    if files is not None:
        _validate_metadata(files, state, connections, snapshot, wanted)
    return snapshot


def _validate_metadata(
    files: LocalFiles,
    state: State,
    connections: Connections,
    snapshot: Snapshot,
    wanted: set[str] | None,
) -> None:
    """The server's json:validate for each document that would be submitted."""
    for address, document in files.metadata.items():
        if not _in(address, wanted):
            continue
        resource = state.get(address)
        unchanged = resource is not None and resource.content_hash == document.content_hash
        if document.resolved is None or unchanged:
            continue
        outcome = connections.nmdc.validate_metadata(document.resolved)
        snapshot.validation[address] = {k: list(v) for k, v in outcome.errors.items()}


def _refresh_staging(
    desired: DesiredState,
    connections: Connections,
    snapshot: Snapshot,
    wanted: set[str] | None,
    page_size: int,
) -> None:
    samples = [o for o in desired.objects_of(StagingKind.JGI_SAMPLES) if _in(o.address, wanted)]
    sample_projects = {
        p for o in samples if isinstance(p := o.fields.get("sequencing_project_name"), str)
    }
    for kind in StagingKind:
        declared = [o for o in desired.objects_of(kind) if _in(o.address, wanted)]
        keys = {o.key for o in declared}
        if kind is StagingKind.JGI_SEQUENCING_PROJECTS:
            keys |= sample_projects  # a sample's project must exist, declared or not
        if not keys:
            continue
        fields = {name for o in declared for name in o.fields}
        records = read_records(
            connections.nmdc,
            kind,
            keys,
            fields=fields,
            projects=sample_projects if kind is StagingKind.JGI_SAMPLES else (),
            page_size=page_size,
        )
        for key in sorted(keys):
            snapshot.add(f"{kind.value}.{key}", records.get(key))


def _refresh_runs(
    desired: DesiredState,
    state: State,
    connections: Connections,
    snapshot: Snapshot,
    wanted: set[str] | None,
) -> None:
    for item in desired.metadata:
        resource = state.get(item.address)
        if not _in(item.address, wanted) or resource is None or not resource.run:
            continue
        if resource.run.get("status") in ("COMPLETE", "FAIL"):
            continue  # finished runs never change: no request
        try:
            run = connections.nmdc.get_run(str(resource.run["id"]))
        except NotFound:
            raise _gone(item.address, f"NMDC run {resource.run['id']}") from None
        snapshot.add(item.address, {"run": {"id": run.id, "status": run.status}})


def _refresh_submissions(
    desired: DesiredState,
    state: State,
    connections: Connections,
    snapshot: Snapshot,
    wanted: set[str] | None,
) -> None:
    tracked: dict[str, str] = {}  # submission id -> address
    pending: dict[str, dict[str, Any]] = {}
    for item in desired.manifests:
        resource = state.get(item.address)
        if not _in(item.address, wanted) or resource is None:
            continue
        if resource.pending:
            pending[item.address] = resource.pending
        elif resource.submission and resource.submission.get("state") != "complete":
            tracked[str(resource.submission["id"])] = item.address
    if not tracked and not pending:
        return
    nemo = connections.nemo
    if len(tracked) > NEMO_LIST_THRESHOLD:
        by_id = {s.id: s for s in nemo.list_submissions()}
        found = {sid: by_id.get(sid) for sid in tracked}
    else:
        found = {sid: _get_submission(nemo, sid) for sid in tracked}
    for sid, address in tracked.items():
        submission = found.get(sid)
        if submission is None:
            raise _gone(address, f"NeMO submission {sid}")
        snapshot.add(address, {"submission": submission_data(submission)})
    if pending:
        for address, settled in settle(pending, state, nemo).items():
            snapshot.add(address, settled)


def _get_submission(nemo: NemoService, submission_id: str) -> Submission | None:
    try:
        return nemo.get_submission(submission_id)
    except NotFound:
        return None


def _gone(address: str, what: str) -> PlanError:
    return PlanError(
        f"{what}, recorded in state, no longer exists on the service",
        field=address,
        hint=(
            f"If it was removed on purpose (or the service was reset), "
            f"`omicform state forget {address}` drops it from state and the next plan "
            "submits again. Check the service URL first if you did not expect this."
        ),
    )


def _in(address: str, wanted: set[str] | None) -> bool:
    return wanted is None or address in wanted
