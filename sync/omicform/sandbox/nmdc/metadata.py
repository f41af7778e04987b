"""`/metadata/json:validate`, `/metadata/json:submit` and `/runs/{run_id}`.

A submit validates, refuses content identical to an earlier submit (the server checksums
the JSON text together with the current minute in Los Angeles, so the 409 only comes within
the same minute), records a run that is STARTED at once, and finishes it on the sandbox
clock: COMPLETE after `run_seconds`, or on the second read when that is 0. Completing it
upserts the submitted documents by id.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox.nmdc.auth import NmdcAuth, require_allowance
from omicform.sandbox.nmdc.body import read_json, require_body, unprocessable
from omicform.sandbox.nmdc.fields import issue
from omicform.sandbox.nmdc.listing import new_system_id
from omicform.sandbox.nmdc.validation import METADATA_PREFIX, validate_database
from omicform.sandbox.responses import ApiError
from omicform.sandbox.state import SandboxState

ACTION = "/metadata/json:submit"
FORBIDDEN = "Only specific users are allowed to submit json at this time."
RUNS = "_runtime.runs"
CHECKSUMS = "_runtime.object_checksums"

_BASE = "https://github.com/microbiomedata/nmdc-runtime/tree/v0-0-1/nmdc_runtime/"
PRODUCER_URL = _BASE + "producer"
SCHEMA_URL = _BASE + "schema.json"
JOB = {
    "producer": PRODUCER_URL,
    "schemaURL": SCHEMA_URL,
    "id": "metadata-in-1.0.0",
    "description": "Validate and ingest metadata from JSON files",
}

try:
    _CHECKSUM_ZONE: Any = ZoneInfo("America/Los_Angeles")
except ZoneInfoNotFoundError:  # no tz database: the minute is what matters, not the zone
    _CHECKSUM_ZONE = timezone.utc


def _as_dict(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise unprocessable(
            [issue("dict_type", ("body",), "Input should be a valid dictionary", body)]
        )
    return body


class Metadata:
    def __init__(self, state: SandboxState, auth: NmdcAuth) -> None:
        self.state = state
        self.store = state.store
        self.auth = auth

    async def validate(self, request: Request) -> Response:
        docs = _as_dict(require_body(await read_json(request)))
        result = await run_in_threadpool(validate_database, docs, self.store)
        return JSONResponse(result)

    async def submit(self, request: Request) -> Response:
        body = await read_json(request)
        user = self.auth.current_user(request)
        docs = _as_dict(require_body(body))
        require_allowance(user, ACTION, FORBIDDEN)
        result = await run_in_threadpool(validate_database, docs, self.store)
        if result["result"] == "errors":
            # The server puts the Python repr of its result dict in `detail`.
            raise ApiError(422, {"detail": str(result)})
        now = self.state.clock.now()
        minute = now.astimezone(_CHECKSUM_ZONE).isoformat(timespec="minutes")
        checksum = hashlib.sha256((minute + json.dumps(docs)).encode()).hexdigest()
        with self.store.atomic():
            if not self.store.insert(CHECKSUMS, checksum, {}):
                key = {"checksums.type": "sha256", "checksums.checksum": checksum}
                raise ApiError(409, {"detail": f"provided checksum matches existing object: {key}"})
            object_id = new_system_id(self.store, "gfs0").split(":", 1)[1]
            run_id = new_system_id(self.store)
            self.store.put(
                RUNS,
                run_id,
                {
                    "id": run_id,
                    "status": "STARTED",
                    "started_at": now.isoformat(),
                    "started_at_epoch": now.timestamp(),
                    "started_by": user.name,
                    "inputs": [f"/objects/{object_id}"],
                    "outputs": [],
                    "reads": 0,
                    "docs": docs,
                },
            )
        return JSONResponse({"type": "success", "detail": {"run_id": run_id}})

    async def get_run(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        with self.store.atomic():
            run = self.store.get(RUNS, run_id)
            if run is None:
                raise ApiError(404, {"detail": "Not found"})
            self._progress(run)
            run["reads"] += 1
            self.store.put(RUNS, run_id, run)
        return JSONResponse(summary(run))

    def _progress(self, run: dict[str, Any]) -> None:
        if run["status"] != "STARTED":
            return
        seconds = self.state.timing.run_seconds
        if seconds > 0:
            due = self.state.clock.time() >= run["started_at_epoch"] + seconds
        else:
            due = run["reads"] >= 1
        if due:
            self.finish(run, "COMPLETE")

    def finish(self, run: dict[str, Any], status: str) -> None:
        """Ends a run (the admin handle forces this too); COMPLETE stores its documents."""
        if status == "COMPLETE":
            for name, docs in (run.get("docs") or {}).items():
                for doc in docs or []:
                    if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                        self.store.put(METADATA_PREFIX + name, doc["id"], doc)
            run["outputs"] = [f"/operations/{new_system_id(self.store)}"]
        run["status"] = status
        run["finished_at"] = datetime.now(timezone.utc).isoformat()

    def finish_run(self, run_id: str, status: str) -> dict[str, Any]:
        if status not in ("COMPLETE", "FAIL"):
            raise ValueError("a run finishes as COMPLETE or FAIL")
        with self.store.atomic():
            run = self.store.get(RUNS, run_id)
            if run is None:
                raise KeyError(run_id)
            if run["status"] == "STARTED":
                self.finish(run, status)
                self.store.put(RUNS, run_id, run)
        return summary(run)


def summary(run: dict[str, Any]) -> dict[str, Any]:
    """RunSummary, in the server's field order."""
    return {
        "producer": PRODUCER_URL,
        "schemaURL": SCHEMA_URL,
        "id": run["id"],
        "status": run["status"],
        "started_at_time": run["started_at"],
        "was_started_by": run["started_by"],
        "inputs": run["inputs"],
        "outputs": run["outputs"],
        "job": JOB,
    }
