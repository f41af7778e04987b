"""The NeMO part's two Starlette apps: the submission API and the login host."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from omicform.sandbox.nemo.auth import NemoAuth
from omicform.sandbox.nemo.submissions import Submissions
from omicform.sandbox.responses import method_routes
from omicform.sandbox.state import SandboxState

# Route templates as the spec names them (the request log groups by these).
API_ROUTES = ("/submission", "/submission/search", "/submission/{id}")
LOGIN_ROUTES = ("/v1/login",)


class NemoService:
    def __init__(self, state: SandboxState) -> None:
        self.auth = NemoAuth(state)
        self.submissions = Submissions(state, self.auth)

    def api_app(self) -> Starlette:
        s = self.submissions
        return _app(
            [
                *method_routes("/submission", {"GET": s.history, "POST": s.create}),
                *method_routes("/submission/search", {"POST": s.search}),
                *method_routes("/submission/{id}", {"GET": s.get}),
            ]
        )

    def login_app(self) -> Starlette:
        return _app([*method_routes("/v1/login", {"POST": self.auth.login})])


def _app(routes: list[Route]) -> Starlette:
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: _message_error},  # type: ignore[dict-item]
    )


async def _message_error(request: Request, exc: HTTPException) -> Response:
    """Unknown routes and methods in NeMO's `{"message": ...}` shape (undocumented)."""
    text = "Not found." if exc.status_code == 404 else f"{exc.detail}."
    return JSONResponse({"message": text}, exc.status_code, headers=exc.headers)
