"""`POST /pids/mint` (`minter/entrypoints/fastapi_app.py`): typed ids for a site client.

Ids are `nmdc:<typecode>-11-<blade>` with an 8-character blade (six base32 characters and
two check digits), never handed out twice. The body defaults to one id of the schema's
first class, as the server's request model does.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox.ids import blade
from omicform.sandbox.nmdc.auth import NmdcAuth
from omicform.sandbox.nmdc.body import invalid, read_json, require_body
from omicform.sandbox.nmdc.fields import Invalid, coerce_int, coerce_str, issue, not_an_object
from omicform.sandbox.nmdc.schema import nmdc_schema
from omicform.sandbox.responses import ApiError
from omicform.sandbox.state import SandboxState

SHOULDER = "11"
MINTED = "minter.id_records"
# nmdc-runtime declares `how_many: PositiveInt` with no upper bound and mints them all in one
# request, so a huge count ties the server up for as long as it takes. The sandbox answers
# beyond this cap as if the model said `Field(gt=0, le=MAX_HOW_MANY)`: at once, with a 422.
# Ten times omicform's own chunk of 1,000; it mints in about half a second on two cores.
MAX_HOW_MANY = 10_000


def _mint_request(body: Any, default_class: str) -> tuple[str | None, int]:
    """(schema class id, how_many) from AuthenticatedMintingRequest; raises Invalid."""
    if not isinstance(body, dict):
        raise Invalid([not_an_object(("body",), body)])
    issues = []
    schema_class: str | None = default_class
    if "schema_class" in body:
        entity = body["schema_class"]
        if not isinstance(entity, dict):
            issues.append(not_an_object(("body", "schema_class"), entity))
        else:
            raw = entity.get("id")
            try:
                schema_class = (
                    None if raw is None else coerce_str(raw, ("body", "schema_class", "id"))
                )
            except Invalid as exc:
                issues.extend(exc.issues)
    how_many = 1
    if "how_many" in body:
        try:
            how_many = coerce_int(body["how_many"], ("body", "how_many"))
            _check_how_many(how_many, body["how_many"])
        except Invalid as exc:
            issues.extend(exc.issues)
    if issues:
        raise Invalid(issues)
    return schema_class, how_many


def _check_how_many(how_many: int, sent: Any) -> None:
    where = ("body", "how_many")
    if how_many <= 0:
        raise Invalid(
            [issue("greater_than", where, "Input should be greater than 0", sent, {"gt": 0})]
        )
    if how_many > MAX_HOW_MANY:
        message = f"Input should be less than or equal to {MAX_HOW_MANY}"
        raise Invalid([issue("less_than_equal", where, message, sent, {"le": MAX_HOW_MANY})])


class Minter:
    def __init__(self, state: SandboxState, auth: NmdcAuth) -> None:
        self.state = state
        self.store = state.store
        self.auth = auth

    async def mint(self, request: Request) -> Response:
        body = await read_json(request)
        self.auth.current_site_client(request)
        typecodes = await run_in_threadpool(lambda: nmdc_schema().typecodes)
        try:
            schema_class, how_many = _mint_request(require_body(body), next(iter(typecodes)))
        except Invalid as exc:
            raise invalid(exc) from None
        typecode = typecodes.get(schema_class or "")
        if typecode is None:
            raise ApiError(422, {"detail": f"Unknown schema class {schema_class}"})
        # Off the event loop: thousands of inserts must not hold up other requests.
        return JSONResponse(await run_in_threadpool(self.mint_ids, typecode, how_many))

    def mint_ids(self, typecode: str, how_many: int) -> list[str]:
        minted: list[str] = []
        with self.store.atomic():
            while len(minted) < how_many:
                candidate = f"nmdc:{typecode}-{SHOULDER}-{blade(8)}"
                if self.store.insert(MINTED, candidate, {"typecode": typecode}):
                    minted.append(candidate)
        return minted
