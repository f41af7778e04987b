"""NeMO's `/submission` endpoints: one, history (`all=y`), search, and new submissions.

Pages hold 100 submissions in creation order; `page` and `next` (the full URL of the next
page) appear only when more pages follow; a page past the end gives the last page, a
missing or unreadable one page 1. Who sees what: everyone their own submissions; a group
leader also the group's with `all=y` and in searches; a superuser everyone's.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.kinds.nemo_manifests.rules import check_manifest
from omicform.sandbox import jsonbody
from omicform.sandbox.forms import FormError, FormPart, media_type, parse_multipart
from omicform.sandbox.ids import nemo_id
from omicform.sandbox.nemo.auth import NemoAuth
from omicform.sandbox.nemo.ingest import (
    POLICIES,
    Submission,
    new_submission,
    plan_failure,
    progress,
    public,
    state_of,
)
from omicform.sandbox.nemo.notification import parse_notification
from omicform.sandbox.options import NemoUser
from omicform.sandbox.responses import ApiError
from omicform.sandbox.state import SandboxState

SUBMISSIONS = "nemo.submissions"
MANIFESTS = "nemo.manifests"
DRY_RUNS = "nemo.dry_runs"
CALLBACKS = "nemo.callbacks"
PAGE_SIZE = 100

NOT_FOUND = {"message": "Submission not found."}
NO_MANIFEST = {"message": "A manifest file is required in the 'manifest' field."}
BAD_NOTIFICATION = {"message": "The 'notification' document was invalid."}
BAD_SEARCH = {"message": "The search document was invalid."}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUSES = ("complete", "in-progress", "error")


def page_number(text: str | None, pages: int) -> int:
    try:
        number = int(text) if text is not None else 1
    except ValueError:
        number = 1
    if number < 1:
        number = 1
    return min(number, pages)


def page_slice(total: int, request: Request) -> tuple[int, int, slice]:
    """(page, pages, the slice of the full list it shows) for the request's `page`."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = page_number(request.query_params.get("page"), pages)
    return page, pages, slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)


def page_body(
    results: list[dict[str, Any]],
    total: int,
    page: int,
    pages: int,
    request: Request,
    *,
    always_page: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {"total": total, "results": results}
    if page < pages or always_page:
        out["page"] = page
    if page < pages:
        out["next"] = str(request.url.include_query_params(page=page + 1))
    return out


def _criteria(body: Any) -> dict[str, Any]:
    """The search document, checked; raises 400 (the spec's guess) when it is unusable."""
    if not isinstance(body, dict):
        raise ApiError(400, BAD_SEARCH)
    for name in ("id", "submitter", "start-date", "end-date", "policy"):
        if name in body and not isinstance(body[name], str):
            raise ApiError(400, BAD_SEARCH)
    for name in ("start-date", "end-date"):
        if name in body and not _DATE.match(body[name]):
            raise ApiError(400, BAD_SEARCH)
    if "policy" in body and body["policy"] not in POLICIES.values():
        raise ApiError(400, BAD_SEARCH)
    statuses = body.get("status")
    if statuses is not None and (
        not isinstance(statuses, list) or any(s not in _STATUSES for s in statuses)
    ):
        raise ApiError(400, BAD_SEARCH)
    return body


def _matches(sub: Submission, criteria: dict[str, Any]) -> bool:
    if "id" in criteria and criteria["id"] not in sub["id"]:
        return False
    if "submitter" in criteria and criteria["submitter"] not in sub["submitter"]:
        return False
    day = sub["creation"][:10]
    if "start-date" in criteria and day < criteria["start-date"]:
        return False
    if "end-date" in criteria and day > criteria["end-date"]:
        return False
    if "policy" in criteria and sub["policy"] != criteria["policy"]:
        return False
    statuses = criteria.get("status")
    return statuses is None or state_of(sub) in statuses


class Submissions:
    def __init__(self, state: SandboxState, auth: NemoAuth) -> None:
        self.state = state
        self.store = state.store
        self.auth = auth

    # -- visibility and progress -------------------------------------------------------------

    def _visible(self, user: NemoUser, sub: Submission, *, extended: bool) -> bool:
        if sub["submitter"] == user.username or user.role == "superuser":
            return True
        return extended and user.role == "leader" and sub["group"] == user.group

    async def _validate_pending(self, subs: list[Submission]) -> None:
        """Runs the manifest check (off the event loop) for submissions not checked yet."""
        for sub in subs:
            if sub["validation"] is None and not sub["complete"]:
                stored = self.store.get(MANIFESTS, sub["id"])
                data = base64.b64decode(stored["data"]) if stored else b""
                result = await run_in_threadpool(self.check, data, sub["manifest_name"])
                with self.store.atomic():
                    current = self.store.get(SUBMISSIONS, sub["id"])
                    if current is not None and current["validation"] is None:
                        current["validation"] = result
                        self.store.put(SUBMISSIONS, sub["id"], current)

    def check(self, data: bytes, name: str) -> dict[str, Any]:
        report = check_manifest(data, file_name=name, strict=self.state.options.strict_manifest)
        policy = POLICIES.get(report.access or "open", "open")
        return {"ok": report.ok, "msg": report.nemo_step_message(), "policy": policy}

    def _scope(self, user: NemoUser, *, extended: bool) -> dict[str, str] | None:
        """What `user` may see, as a store filter (`_visible`, evaluated by SQLite)."""
        if user.role == "superuser":
            return None
        if extended and user.role == "leader":
            return {"group": user.group}
        return {"submitter": user.username}

    def _visible_all(self, user: NemoUser, *, extended: bool) -> list[Submission]:
        """Every submission `user` may see, in creation order (not advanced)."""
        where = self._scope(user, extended=extended)
        return [s for _, s in self.store.scan(SUBMISSIONS, where=where)]

    async def _advanced(self, subs: list[Submission]) -> list[Submission]:
        """These submissions as of now: checked, stepped on, stored, in the same order.

        Only what a request returns (or filters on) is advanced: with `step_seconds=0` a
        read moves a submission one step, so a page read moves that page only.
        """
        await self._validate_pending(subs)
        # A complete submission never changes again: no need to read it a second time.
        wanted = {s["id"] for s in subs if not s["complete"]}
        now = self.state.clock.time()
        timing = self.state.timing
        fresh: dict[str, Submission] = {}
        with self.store.atomic():
            # Re-read inside the transaction: the manifest check above may have written.
            if len(wanted) <= PAGE_SIZE:
                current = [self.store.get(SUBMISSIONS, sub_id) for sub_id in wanted]
            else:
                current = [sub for _, sub in self.store.scan(SUBMISSIONS)]
            for sub in current:
                if sub is None or sub["id"] not in wanted:
                    continue
                if progress(sub, now, timing, on_callback=self.record_callback):
                    self.store.put(SUBMISSIONS, sub["id"], sub)
                fresh[sub["id"]] = sub
        return [fresh.get(s["id"], s) for s in subs]

    def record_callback(self, sub: Submission, payload: dict[str, Any]) -> None:
        user = self.auth.users.get(sub["submitter"])
        if user is not None:
            payload["data"]["submitter"].update(email=user.email, first=user.first, last=user.last)
        self.store.insert(
            CALLBACKS,
            payload["event_id"],
            {"notification": sub["notification"], "payload": payload},
        )

    # -- endpoints ---------------------------------------------------------------------------

    async def get(self, request: Request) -> Response:
        user = self.auth.current_user(request)
        sub = self.store.get(SUBMISSIONS, request.path_params["id"])
        if sub is None or not self._visible(user, sub, extended=True):
            raise ApiError(404, NOT_FOUND)
        [current] = await self._advanced([sub])
        return JSONResponse(public(current))

    async def history(self, request: Request) -> Response:
        user = self.auth.current_user(request)
        where = self._scope(user, extended=request.query_params.get("all") == "y")
        # Only the page is read from the store: history stays fast for prolific submitters.
        total = self.store.count(SUBMISSIONS, where=where)
        page, pages, shown = page_slice(total, request)
        subs = self.store.scan(SUBMISSIONS, where=where, offset=shown.start, limit=PAGE_SIZE)
        results = [public(s) for s in await self._advanced([s for _, s in subs])]
        return JSONResponse(self._page(results, total, page, pages, request))

    async def search(self, request: Request) -> Response:
        user = self.auth.current_user(request)
        raw = await request.body()
        try:
            body = jsonbody.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ApiError(400, BAD_SEARCH) from None
        criteria = _criteria(body)
        # Criteria may name a state, so every candidate is brought up to date first.
        subs = await self._advanced(self._visible_all(user, extended=True))
        found = [s for s in subs if _matches(s, criteria)]
        page, pages, shown = page_slice(len(found), request)
        results = [public(s) for s in found[shown]]
        return JSONResponse(self._page(results, len(found), page, pages, request))

    def _page(
        self, results: list[dict[str, Any]], total: int, page: int, pages: int, request: Request
    ) -> dict[str, Any]:
        always = self.state.nemo_variants.page_always
        return page_body(results, total, page, pages, request, always_page=always)

    async def create(self, request: Request) -> Response:
        user = self.auth.current_user(request)
        parts = await _form_parts(request)
        manifest = next((p for p in parts if p.name == "manifest"), None)
        if manifest is None:
            raise ApiError(400, NO_MANIFEST)
        notification = None
        note_part = next((p for p in parts if p.name == "notification"), None)
        if note_part is not None:
            notification = parse_notification(note_part.text())
            if notification is None:
                raise ApiError(422, BAD_NOTIFICATION)
        file_name = manifest.filename or "manifest.tsv"
        dry_run = request.query_params.get("dryrun") == "y"
        submission_id = self._new_id()
        if dry_run:
            # Checked and "mailed" (kept for the admin handle); never in anyone's history.
            result = await run_in_threadpool(self.check, manifest.content, file_name)
            self.store.put(
                DRY_RUNS,
                submission_id,
                {"id": submission_id, "submitter": user.username, "file_name": file_name, **result},
            )
        else:
            sub = new_submission(
                submission_id,
                user.username,
                user.group,
                self.state.clock.time(),
                file_name,
                notification,
            )
            variants = self.state.nemo_variants
            if variants.extra_step is not None:
                sub["extra_steps"] = [variants.extra_step]
            sub["null_policy"] = variants.null_policy
            failing_step = self.state.nemo_fail_step
            if failing_step is not None:
                plan_failure(sub, failing_step, None)
            with self.store.atomic():
                self.store.put(
                    MANIFESTS,
                    submission_id,
                    {"data": base64.b64encode(manifest.content).decode("ascii")},
                )
                self.store.put(SUBMISSIONS, submission_id, sub)
        status = self.state.nemo_variants.created_status
        return JSONResponse({"result": "success", "id": submission_id}, status_code=status)

    def _new_id(self) -> str:
        while True:
            candidate = nemo_id()
            if not self.store.has(SUBMISSIONS, candidate) and not self.store.has(
                DRY_RUNS, candidate
            ):
                return candidate


async def _form_parts(request: Request) -> list[FormPart]:
    content_type = request.headers.get("content-type", "")
    if media_type(content_type) != "multipart/form-data":
        return []
    try:
        return parse_multipart(await request.body(), content_type)
    except FormError:
        return []
