"""`/wf_file_staging/...`: create, read, list and PATCH the three staging collections.

The order of checks is the real server's: body parse, token, body or query validation,
allowance, then the handler's own checks (path/body key, existence, duplicates). A create
stores only the fields that were sent (an explicit null is sent) and echoes the whole model;
a PATCH takes the full record and merges the fields sent over the stored document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox.nmdc.auth import NmdcAuth, require_allowance
from omicform.sandbox.nmdc.body import invalid, read_json, require_body
from omicform.sandbox.nmdc.fields import Invalid, stored_datetime, to_json, validate_object
from omicform.sandbox.nmdc.kinds import KINDS, MISMATCH_TEXT, Kind
from omicform.sandbox.nmdc.listing import invalid_query, list_resources, parse_list_request
from omicform.sandbox.responses import ApiError
from omicform.sandbox.state import SandboxState

ACTION = "/wf_file_staging"
FORBIDDEN = "Only specific users are allowed to issue wf_file_staging commands."
NOT_FOUND = {"detail": "Not found"}


def _kind(request: Request) -> Kind:
    # The scope's path, not `request.url` (which builds and parses a whole URL): the kind's
    # segment is a literal of the matched route, the same in both.
    path: str = request.scope["path"]
    return KINDS[path.split("/wf_file_staging/", 1)[1].split("/", 1)[0]]


def _path_key(request: Request) -> str:
    """The one path parameter (its name differs per kind, as in the spec)."""
    return str(next(iter(request.path_params.values())))


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: stored_datetime(v) if isinstance(v, datetime) else v for k, v in values.items()}


def echo(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """The record through the response model: every field, in model order, null if unset."""
    return {f.name: to_json(record.get(f.name)) for f in kind.fields}


class Staging:
    def __init__(self, state: SandboxState, auth: NmdcAuth) -> None:
        self.state = state
        self.store = state.store
        self.auth = auth

    def _validated(self, kind: Kind, body: Any) -> dict[str, Any]:
        try:
            return validate_object(require_body(body), kind.fields)
        except Invalid as exc:
            raise invalid(exc) from None

    async def list(self, request: Request) -> Response:
        kind = _kind(request)
        user = self.auth.current_user(request)
        try:
            req = parse_list_request(dict(request.query_params))
        except Invalid as exc:
            raise invalid_query(exc) from None
        require_allowance(user, ACTION, FORBIDDEN)
        # Off the event loop: a scan of a big collection must not hold up other requests.
        listed = await run_in_threadpool(
            list_resources, self.store, kind.collection, req, self.state.regex
        )
        return JSONResponse(listed)

    async def get(self, request: Request) -> Response:
        kind = _kind(request)
        user = self.auth.current_user(request)
        require_allowance(user, ACTION, FORBIDDEN)
        doc = self.store.get(kind.collection, _path_key(request))
        if doc is None:
            raise ApiError(404, NOT_FOUND)
        return JSONResponse(echo(kind, doc))

    async def create(self, request: Request) -> Response:
        kind = _kind(request)
        body = await read_json(request)
        user = self.auth.current_user(request)
        values = self._validated(kind, body)
        require_allowance(user, ACTION, FORBIDDEN)
        key = values[kind.key]
        if not self.store.insert(kind.collection, key, _stored(values)):
            raise ApiError(kind.duplicate_status, {"detail": kind.duplicate_detail(key)})
        return JSONResponse(echo(kind, values), status_code=201)

    async def update(self, request: Request) -> Response:
        kind = _kind(request)
        body = await read_json(request)
        user = self.auth.current_user(request)
        values = self._validated(kind, body)
        require_allowance(user, ACTION, FORBIDDEN)
        key = _path_key(request)
        if values[kind.key] != key:
            raise ApiError(400, {"detail": MISMATCH_TEXT[kind.name]})
        with self.store.atomic():
            doc = self.store.get(kind.collection, key)
            if doc is None:
                raise ApiError(404, NOT_FOUND)
            merged = {**doc, **_stored(values)}
            self.store.put(kind.collection, key, merged)
        # The answer carries the sent values as sent (with their zones), the rest as stored.
        return JSONResponse(echo(kind, {**doc, **values}))
