"""Controls for a running sandbox: the Python handle's methods and `/_sandbox/...` routes.

Both call the same methods of `SandboxAdmin`, so what a test does in-process and what a
shell user does with curl cannot drift apart. Admin routes are never fault-injected nor
counted.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox import jsonbody
from omicform.sandbox.nemo.app import NemoService
from omicform.sandbox.nemo.ingest import STEPS, finish_step, plan_failure, public
from omicform.sandbox.nemo.submissions import CALLBACKS, DRY_RUNS, MANIFESTS, SUBMISSIONS
from omicform.sandbox.nmdc.app import NmdcService
from omicform.sandbox.options import ClockSettings, FaultSettings, NemoVariants, parse_latency
from omicform.sandbox.responses import ApiError, method_routes
from omicform.sandbox.state import SandboxState


class SandboxAdmin:
    def __init__(self, state: SandboxState, nmdc: NmdcService, nemo: NemoService) -> None:
        self._state = state
        self._nmdc = nmdc
        self._nemo = nemo

    # -- settings ----------------------------------------------------------------------------

    @property
    def faults(self) -> FaultSettings:
        return self._state.faults

    @property
    def clock(self) -> ClockSettings:
        return self._state.timing

    def set_faults(self, **changes: Any) -> FaultSettings:
        """E.g. `set_faults(error_rate=0.2, latency=(0.01, 0.05))`; `latency` also takes "20ms"."""
        if isinstance(changes.get("latency"), str):
            changes["latency"] = parse_latency(changes["latency"])
        elif isinstance(changes.get("latency"), (int, float)):
            changes["latency"] = (float(changes["latency"]), float(changes["latency"]))
        elif isinstance(changes.get("latency"), list):
            changes["latency"] = tuple(changes["latency"])
        return self._state.set_faults(**changes)

    def clear_faults(self) -> FaultSettings:
        return self._state.set_faults(**asdict(FaultSettings()))

    def set_clock(self, **changes: float) -> ClockSettings:
        """`validation_seconds`, `step_seconds`, `run_seconds` (0: one step per read)."""
        return self._state.set_timing(**changes)

    def advance_clock(self, seconds: float) -> float:
        """Moves sandbox time forward; returns the total offset from real time."""
        self._state.clock.advance(seconds)
        return self._state.clock.offset

    def set_nemo_variants(self, **changes: Any) -> NemoVariants:
        """E.g. `set_nemo_variants(created_status=201, page_always=True)` (see NemoVariants)."""
        return self._state.set_nemo_variants(**changes)

    def set_nemo_fail_step(self, step: str | None) -> None:
        """Every NeMO submission made from now on fails at `step` (None: stop doing that)."""
        if step is not None and step not in STEPS:
            raise ValueError(f"unknown step {step!r}; steps are {', '.join(STEPS)}")
        self._state.nemo_fail_step = step

    def settings(self) -> dict[str, Any]:
        return {
            "faults": asdict(self.faults),
            "clock": asdict(self.clock),
            "clock_offset_seconds": self._state.clock.offset,
            "nemo_fail_step": self._state.nemo_fail_step,
            "nemo_variants": asdict(self._state.nemo_variants),
        }

    # -- request counts ----------------------------------------------------------------------

    def request_counts(self, service: str | None = None) -> dict[tuple[str, str], int]:
        """Requests per (service, "METHOD /route"), every attempt and injected fault counted."""
        return self._state.log.counts(service)

    def request_outcomes(self, service: str | None = None) -> dict[tuple[str, str, str], int]:
        """Requests per (service, route, status text or "dropped")."""
        return self._state.log.outcomes(service)

    def reset_counts(self) -> None:
        self._state.log.reset()

    # -- NeMO submissions --------------------------------------------------------------------

    def submission(self, submission_id: str) -> dict[str, Any]:
        """The submission as its owner would see it now (without advancing it)."""
        return public(self._load(submission_id))

    def advance_submission(self, submission_id: str, steps: int = 1) -> dict[str, Any]:
        """Finishes the next `steps` ingest steps now (a planned failure still fails)."""
        store = self._state.store
        self._validate(submission_id)
        with store.atomic():
            sub = self._load(submission_id)
            for _ in range(steps):
                if sub["complete"]:
                    break
                finish_step(
                    sub,
                    max(self._state.clock.time(), sub["last_epoch"]),
                    self._nemo.submissions.record_callback,
                )
            store.put(SUBMISSIONS, submission_id, sub)
        return public(sub)

    def fail_submission(
        self, submission_id: str, step: str | None = None, msg: str | None = None
    ) -> dict[str, Any]:
        """Makes `step` (default: the next one) fail with `msg` when it is reached."""
        store = self._state.store
        with store.atomic():
            sub = self._load(submission_id)
            plan_failure(sub, step, msg)
            store.put(SUBMISSIONS, submission_id, sub)
        return public(sub)

    def dry_runs(self) -> list[dict[str, Any]]:
        """Dry runs with their manifest check (what NeMO would have mailed)."""
        return [doc for _, doc in self._state.store.scan(DRY_RUNS)]

    def callbacks(self) -> list[dict[str, Any]]:
        """Webhook calls NeMO would have made (recorded, never delivered)."""
        return [doc for _, doc in self._state.store.scan(CALLBACKS)]

    def _load(self, submission_id: str) -> dict[str, Any]:
        sub = self._state.store.get(SUBMISSIONS, submission_id)
        if sub is None:
            raise KeyError(f"no NeMO submission {submission_id}")
        return dict(sub)

    def _validate(self, submission_id: str) -> None:
        sub = self._load(submission_id)
        if sub["validation"] is not None or sub["complete"]:
            return
        stored = self._state.store.get(MANIFESTS, submission_id)
        data = base64.b64decode(stored["data"]) if stored else b""
        result = self._nemo.submissions.check(data, sub["manifest_name"])
        with self._state.store.atomic():
            current = self._load(submission_id)
            if current["validation"] is None:
                current["validation"] = result
                self._state.store.put(SUBMISSIONS, submission_id, current)

    # -- NMDC runs ---------------------------------------------------------------------------

    def finish_run(self, run_id: str, status: str = "COMPLETE") -> dict[str, Any]:
        """Ends a json:submit run now as COMPLETE or FAIL; returns its RunSummary."""
        return self._nmdc.metadata.finish_run(run_id, status)


# -- HTTP routes -----------------------------------------------------------------------------


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = jsonbody.loads(raw) if raw.strip() else {}
    except ValueError:
        raise ApiError(400, {"error": "the body must be a JSON object"}) from None
    if not isinstance(body, dict):
        raise ApiError(400, {"error": "the body must be a JSON object"})
    return body


def _guard(call: Any) -> Any:
    try:
        return call()
    except KeyError as exc:
        raise ApiError(404, {"error": str(exc.args[0]) if exc.args else "not found"}) from None
    except (TypeError, ValueError) as exc:
        raise ApiError(400, {"error": str(exc)}) from None


def admin_app(admin: SandboxAdmin) -> Starlette:
    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def get_settings(request: Request) -> Response:
        return JSONResponse(admin.settings())

    async def patch_settings(request: Request) -> Response:
        body = await _json(request)
        if "faults" in body:
            _guard(lambda: admin.set_faults(**body["faults"]))
        if "clock" in body:
            _guard(lambda: admin.set_clock(**body["clock"]))
        if "nemo_variants" in body:
            _guard(lambda: admin.set_nemo_variants(**body["nemo_variants"]))
        if "nemo_fail_step" in body:
            _guard(lambda: admin.set_nemo_fail_step(body["nemo_fail_step"]))
        return JSONResponse(admin.settings())

    async def advance_clock(request: Request) -> Response:
        body = await _json(request)
        offset = _guard(lambda: admin.advance_clock(float(body.get("seconds", 0))))
        return JSONResponse({"clock_offset_seconds": offset})

    async def get_requests(request: Request) -> Response:
        service = request.query_params.get("service")
        counts = admin.request_outcomes(service)
        rows = [
            {"service": s, "route": r, "outcome": o, "count": n}
            for (s, r, o), n in sorted(counts.items())
        ]
        return JSONResponse({"total": sum(counts.values()), "requests": rows})

    async def delete_requests(request: Request) -> Response:
        admin.reset_counts()
        return JSONResponse({"total": 0, "requests": []})

    async def advance(request: Request) -> Response:
        body = await _json(request)
        sub_id = request.path_params["id"]
        return JSONResponse(
            _guard(lambda: admin.advance_submission(sub_id, int(body.get("steps", 1))))
        )

    async def fail(request: Request) -> Response:
        body = await _json(request)
        sub_id = request.path_params["id"]
        return JSONResponse(
            _guard(lambda: admin.fail_submission(sub_id, body.get("step"), body.get("msg")))
        )

    async def dry_runs(request: Request) -> Response:
        return JSONResponse(admin.dry_runs())

    async def callbacks(request: Request) -> Response:
        return JSONResponse(admin.callbacks())

    async def finish_run(request: Request) -> Response:
        body = await _json(request)
        run_id = request.path_params["run_id"]
        return JSONResponse(
            _guard(lambda: admin.finish_run(run_id, str(body.get("status", "COMPLETE"))))
        )

    return Starlette(
        routes=[
            *method_routes("/health", {"GET": health}),
            *method_routes("/settings", {"GET": get_settings, "PATCH": patch_settings}),
            *method_routes("/clock/advance", {"POST": advance_clock}),
            *method_routes("/requests", {"GET": get_requests, "DELETE": delete_requests}),
            *method_routes("/nemo/submissions/{id}/advance", {"POST": advance}),
            *method_routes("/nemo/submissions/{id}/fail", {"POST": fail}),
            *method_routes("/nemo/dry-runs", {"GET": dry_runs}),
            *method_routes("/nemo/callbacks", {"GET": callbacks}),
            *method_routes("/nmdc/runs/{run_id}/finish", {"POST": finish_run}),
        ]
    )
