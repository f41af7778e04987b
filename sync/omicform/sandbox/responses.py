"""Answers as exceptions: a handler raises `ApiError` wherever the real server would stop.

Raising keeps the handlers in the real servers' own order of checks (authentication, then
body validation, then permissions, then existence), which decides which error wins.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        body: Any,
        *,
        headers: dict[str, str] | None = None,
        plain_text: bool = False,
    ) -> None:
        super().__init__(f"{status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.plain_text = plain_text

    def response(self) -> Response:
        if self.plain_text:
            return PlainTextResponse(str(self.body), self.status, headers=self.headers)
        return JSONResponse(self.body, self.status, headers=self.headers)


def internal_error() -> ApiError:
    """What Starlette sends for an unhandled exception in the real NMDC server.

    The real server then closes the connection (uvicorn does after an unhandled error);
    `Connection: close` does the same without leaving a half-dead connection in the pool.
    """
    return ApiError(500, "Internal Server Error", headers={"Connection": "close"}, plain_text=True)


def handles_errors(func: Endpoint) -> Endpoint:
    @functools.wraps(func)
    async def endpoint(request: Request) -> Response:
        try:
            return await func(request)
        except ApiError as error:
            return error.response()

    return endpoint


def json_response(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status)


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def method_routes(path: str, handlers: dict[str, Endpoint]) -> list[Route]:
    """One Route per method, in the given order, as FastAPI registers them.

    The order matters for a wrong method: Starlette answers 405 from the first route whose
    path matched, so `allow` names that route's method only, as the real NMDC server does.
    """
    routes = []
    for method, handler in handlers.items():
        route = Route(path, handles_errors(handler), methods=[method])
        # Starlette also answers HEAD where GET is allowed; FastAPI does not.
        route.methods = {method}
        routes.append(route)
    return routes
