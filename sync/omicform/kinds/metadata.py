"""Metadata submissions: an nmdc:Database JSON document sent with json:submit, which starts
a run on the server. NMDC upserts documents by id, so sending one again is harmless."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from omicform.checks.nmdc_metadata import check_database
from omicform.connections import Connections
from omicform.desired.context import LoadContext
from omicform.desired.documents import (
    MetadataDocument,
    MetadataSubmission,
    canonical_json,
    read_metadata,
    sha256,
)
from omicform.desired.model import Origin
from omicform.desired.references import Unresolved, parse_tree, resolver
from omicform.desired.sections import file_entry
from omicform.desired.yamlfile import LineMap
from omicform.errors import (
    AlreadyExists,
    ConfigError,
    NotFound,
    OmicformError,
    OutcomeUnknown,
    PlanError,
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
    not_dumpable,
    payload_of,
)
from omicform.kinds.gone import gone
from omicform.kinds.metadata_check import check_documents
from omicform.model.plan import KNOWN_AFTER_APPLY, Action, Change, Payload
from omicform.model.render import printable
from omicform.state.model import ResourceState

NAME = "metadata_submissions"


@dataclass(frozen=True)
class Document:
    """A submission's payload: the file as planned (its hash pins it) and, when waiting,
    the run being waited for."""

    file: str
    file_hash: str
    content_hash: str | None  # None: it refers to ids minted only by this apply
    run: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "file_hash": self.file_hash,
            "content_hash": self.content_hash,
        }
        if self.run is not None:
            data["run"] = self.run
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        content_hash, run = data.get("content_hash"), data.get("run")
        return cls(
            str(data["file"]),
            str(data["file_hash"]),
            str(content_hash) if content_hash is not None else None,
            dict(run) if isinstance(run, dict) else None,
        )


@dataclass(frozen=True)
class Submitted:
    """A submission's state record: the content last submitted, and its run (id, status)."""

    key: str
    content_hash: str | None = None
    run: dict[str, Any] | None = None

    def to_state(self) -> ResourceState:
        address = f"{NAME}.{self.key}"
        return ResourceState(address, NAME, self.key, content_hash=self.content_hash, run=self.run)

    @classmethod
    def from_state(cls, resource: ResourceState | None) -> Submitted | None:
        if resource is None:
            return None
        return cls(resource.key, resource.content_hash, resource.run)


class Metadata(SectionKind[MetadataSubmission]):
    name = NAME
    service = "nmdc"
    service_title = "NMDC"
    # A run advances by itself: that must not make a saved plan stale (files are pinned by
    # their hashes instead).
    pins_remote = False
    dumpable = False

    def load(self, section: LineMap, ctx: LoadContext) -> None:
        """`NAME: FILE` (or `NAME: {file: FILE}`) entries: nmdc:Database JSON documents."""

        def submission(name: str, spec: Any, where: Origin) -> MetadataSubmission:
            path = file_entry(spec, where, f"{NAME}.{name}", ctx.base, {"file"})
            return MetadataSubmission(name, path, where)

        ctx.each(section, submission)

    def check(self, items: Sequence[MetadataSubmission], ctx: CheckContext) -> None:
        check_documents(items, ctx)

    def read(self, items: Sequence[MetadataSubmission], ctx: ReadContext) -> None:
        """The runs state says are unfinished; finished runs never change: no request."""
        for item in items:
            resource = ctx.state.get(item.address)
            if not ctx.wants(item.address) or resource is None or not resource.run:
                continue
            if resource.run.get("status") in ("COMPLETE", "FAIL"):
                continue
            try:
                run = ctx.connections.nmdc.get_run(str(resource.run["id"]))
            except NotFound:
                raise gone(item.address, f"NMDC run {resource.run['id']}") from None
            ctx.snapshot.add(item.address, {"run": {"id": run.id, "status": run.status}})

    def verify(self, items: Sequence[MetadataSubmission], ctx: ReadContext) -> None:
        """The server's json:validate for each document that would be submitted."""
        if ctx.files is None:
            return
        for address, document in ctx.files.of_type(MetadataDocument).items():
            if not ctx.wants(address):
                continue
            resource = ctx.state.get(address)
            unchanged = resource is not None and resource.content_hash == document.content_hash
            if document.resolved is None or unchanged:
                continue
            outcome = ctx.connections.nmdc.validate_metadata(document.resolved)
            ctx.snapshot.validation[address] = {k: list(v) for k, v in outcome.errors.items()}

    def arrange(self, changes: list[Change], ctx: PlanContext) -> list[Change]:
        return changes

    def plan(self, item: MetadataSubmission, ctx: PlanContext) -> Change:
        document = ctx.files.get(item.address, MetadataDocument)
        resource = Submitted.from_state(ctx.state.get(item.address))
        depends = mint_dependencies([document.template], ctx)
        _server_verdict(item, ctx)
        content_hash = document.content_hash
        detail = Document(str(item.path), document.file_hash, content_hash)
        base: dict[str, Any] = {
            "address": item.address,
            "kind": NAME,
            "key": item.name,
            "service": self.service,
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
            why = f"run {run.get('id')} failed; submitting again"
            return Change(**base, action=Action.SUBMIT, reason=why, before=before, after=after)
        if status in ("REQUESTED", "STARTED"):
            base["detail"] = replace(detail, run=run)
            why = f"run {run.get('id')} is {status}"
            return Change(**base, action=Action.WAIT, reason=why, before=before, after=after)
        return Change(**base, action=Action.NO_OP, before=before, after=after)

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        current = Submitted.from_state(ctx.recorder.get(change.address))
        if change.action is Action.NO_OP:
            return Outcome(change.address, "no-op", "done", change.reason)
        if change.action is Action.WAIT:
            run_id = str((current.run or {}).get("id")) if current else ""
            return _follow_run(change, run_id, current, ctx)
        document, content_hash = _load_document(change, ctx)
        base = current or Submitted(change.key)
        nmdc = ctx.connections.nmdc
        try:
            try:
                run_id = nmdc.submit_metadata(document)
            except OutcomeUnknown:
                # Sending again is harmless: documents are upserted by id. Within the same
                # minute the server even answers 409 (its checksum covers content and minute),
                # which tells us the first attempt arrived.
                run_id = nmdc.submit_metadata(document)
        except AlreadyExists:
            done = replace(base, content_hash=content_hash, run={"id": None, "status": "COMPLETE"})
            ctx.recorder.put(done.to_state())
            return Outcome(
                change.address, change.action, "done", "identical content was already submitted"
            )
        started = replace(base, content_hash=content_hash, run={"id": run_id, "status": "STARTED"})
        ctx.recorder.put(started.to_state())
        return _follow_run(change, run_id, started, ctx)

    def decode(self, detail: dict[str, Any]) -> Payload:
        return Document.from_json(detail)

    def adopt(self, key: str, remote_id: str | None, ctx: AdoptContext) -> ResourceState:
        address = f"{NAME}.{key}"
        item = next((m for m in ctx.desired.of(NAME) if m.address == address), None)
        if item is None:
            raise ConfigError(f"{address} is not declared", field=address)
        document = read_metadata(item, ctx.desired, ctx.state.minted())
        done = {"id": remote_id, "status": "COMPLETE"}
        return Submitted(key, document.content_hash, done).to_state()

    def dump(
        self, query: Mapping[str, Any] | None, connections: Connections
    ) -> dict[str, dict[str, Any]]:
        raise not_dumpable(NAME)

    def status(self, resource: ResourceState, connections: Connections) -> str | None:
        """One line: the run's status, read again unless it is finished."""
        if not resource.run:
            return None
        run_id = resource.run.get("id")
        status = resource.run.get("status")
        if run_id and status not in ("COMPLETE", "FAIL"):
            status = connections.nmdc.get_run(str(run_id)).status
        run = printable(str(run_id)) if run_id else "(identical content)"
        return f"{printable(resource.address)}: NMDC run {run} {printable(str(status))}"


def _server_verdict(item: MetadataSubmission, ctx: PlanContext) -> None:
    problems = ctx.snapshot.validation.get(item.address)
    if problems:
        collection, messages = next(iter(problems.items()))
        raise PlanError(
            f"json:validate: {collection}: {messages[0]}",
            file=str(item.path),
            field=item.address,
            hint="The NMDC server found this; fix the document and plan again.",
        )


def _follow_run(
    change: Change, run_id: str, resource: Submitted | None, ctx: ApplyContext
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
    base = resource or Submitted(change.key)
    ctx.recorder.put(replace(base, run={"id": run.id, "status": run.status}).to_state())
    if run.status == "FAIL":
        return Outcome(
            change.address, change.action, "failed", f"run {run.id} failed on the server"
        )
    return Outcome(change.address, change.action, "done", f"run {run.id} {run.status}")


class _Stopped(Exception):
    """Ends a polling loop that is not ours (`wait_for_run`) on an interrupt."""


def _unless_stopped(ctx: ApplyContext) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        ctx.sleep(seconds)
        if ctx.stop.is_set():
            raise _Stopped

    return sleep


def _load_document(change: Change, ctx: ApplyContext) -> tuple[Any, str]:
    planned = payload_of(change, Document.from_json, Document)
    path = Path(planned.file)
    raw = path.read_bytes()
    if sha256(raw) != planned.file_hash:
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
    if planned.content_hash and planned.content_hash != content_hash:
        raise OmicformError(
            f"{path} resolves to other content than planned",
            hint="Run `omicform plan` again and review the new plan.",
        )
    return document, content_hash


KIND = Metadata()
