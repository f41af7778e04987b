"""The NMDC part's routes, as a Starlette app that answers unknown routes as FastAPI does."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from omicform.sandbox.nmdc.auth import NmdcAuth
from omicform.sandbox.nmdc.metadata import Metadata
from omicform.sandbox.nmdc.minter import Minter
from omicform.sandbox.nmdc.staging import Staging
from omicform.sandbox.responses import Endpoint, method_routes
from omicform.sandbox.state import SandboxState

STAGING = "/wf_file_staging"


class NmdcService:
    """The handlers of the NMDC part, sharing one state."""

    def __init__(self, state: SandboxState) -> None:
        self.auth = NmdcAuth(state)
        self.staging = Staging(state, self.auth)
        self.metadata = Metadata(state, self.auth)
        self.minter = Minter(state, self.auth)

    def routes(self) -> list[Route]:
        s, m = self.staging, self.metadata
        table: list[tuple[str, str, Endpoint]] = [
            ("POST", "/token", self.auth.token),
            ("POST", "/metadata/json:validate", m.validate),
            ("POST", "/metadata/json:submit", m.submit),
            ("GET", "/runs/{run_id}", m.get_run),
            ("POST", "/pids/mint", self.minter.mint),
        ]
        # Per path, in the order nmdc_runtime/api/endpoints/wf_file_staging.py declares them.
        table += [
            ("POST", f"{STAGING}/globus_tasks", s.create),
            ("GET", f"{STAGING}/globus_tasks/{{task_id}}", s.get),
            ("PATCH", f"{STAGING}/globus_tasks/{{task_id}}", s.update),
            ("GET", f"{STAGING}/globus_tasks", s.list),
            ("POST", f"{STAGING}/jgi_samples", s.create),
            ("GET", f"{STAGING}/jgi_samples", s.list),
            ("PATCH", f"{STAGING}/jgi_samples/{{jdp_file_id}}", s.update),
            ("GET", f"{STAGING}/jgi_sequencing_projects", s.list),
            ("POST", f"{STAGING}/jgi_sequencing_projects", s.create),
            ("GET", f"{STAGING}/jgi_sequencing_projects/{{sequencing_project_name}}", s.get),
        ]
        return [route for method, path, fn in table for route in method_routes(path, {method: fn})]

    def app(self) -> Starlette:
        return Starlette(
            routes=self.routes(),
            exception_handlers={HTTPException: _fastapi_http_error},  # type: ignore[dict-item]
        )


async def _fastapi_http_error(request: Request, exc: HTTPException) -> Response:
    """Unknown route, wrong method: `{"detail": "Not Found"}` as FastAPI words them."""
    return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
