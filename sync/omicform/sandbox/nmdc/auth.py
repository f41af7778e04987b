"""NMDC authentication: `POST /token`, bearer checks and allowances.

Mirrors `nmdc_runtime/api/core/auth.py`, `endpoints/users.py` (/token), `models/user.py`
(get_current_user) and `models/site.py` (get_current_client_site): the same grants, the
same texts, `WWW-Authenticate: Bearer` where the server sends it. Tokens are HS256 JWTs whose
subject is `client:<id>` or `user:<name>`, valid for one day.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox import jwt
from omicform.sandbox.forms import FormError, media_type, parse_multipart, parse_urlencoded
from omicform.sandbox.nmdc.body import unprocessable
from omicform.sandbox.nmdc.fields import issue
from omicform.sandbox.options import NmdcPrincipal
from omicform.sandbox.responses import ApiError, internal_error
from omicform.sandbox.state import SandboxState

TOKEN_LIFETIME = 24 * 3600
EXPIRES = {"days": 1, "hours": 0, "minutes": 0}
GRANT_PATTERN = "^password$|^client_credentials$"
_BEARER = {"WWW-Authenticate": "Bearer"}


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, {"detail": detail}, headers=_BEARER)


MISSING_TOKEN = "Access token is invalid or missing. Please log in again."
INVALID_TOKEN = "Access token is invalid. Please log in again."
EXPIRED_TOKEN = "Access token has expired. Please log in again."
CLIENT_CREDENTIALS_REQUIRED = "grant_type client_credentials requires client_id and client_secret"
NOT_A_SITE_CLIENT = "Access token is invalid. Please log in as a site client."


class NmdcAuth:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        principals = state.options.nmdc_principals
        self.clients = {p.name: p for p in principals if p.kind == "client"}
        self.users = {p.name: p for p in principals if p.kind == "user"}

    # -- POST /token -------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        form = await _read_form(request)
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        grant_type = form.get("grant_type")
        if grant_type is not None and not re.match(GRANT_PATTERN, grant_type):
            raise unprocessable(
                [
                    issue(
                        "string_pattern_mismatch",
                        ("body", "grant_type"),
                        f"String should match pattern '{GRANT_PATTERN}'",
                        grant_type,
                        {"pattern": GRANT_PATTERN},
                    )
                ]
            )
        if scheme.lower() == "bearer" and credentials:
            # The server takes a bearer credential as an ORCID JWT to verify; ours never is.
            raise internal_error()
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        username, password = form.get("username"), form.get("password")
        if grant_type == "password" and (username is None or password is None):
            raise ApiError(400, {"detail": "grant_type password requires username and password"})
        if grant_type == "client_credentials" and client_id is None:
            basic = _basic_credentials(scheme, credentials)
            if basic is None:
                raise ApiError(
                    400,
                    {"detail": CLIENT_CREDENTIALS_REQUIRED},
                )
            client_id, client_secret = basic
        if grant_type == "password":
            user = self.users.get(username or "")
            if user is None or user.secret != password:
                raise _unauthorized("Incorrect username or password")
            subject = f"user:{user.name}"
        else:
            if not client_secret:
                # The server would verify client_id as an ORCID JWT and fail unhandled.
                raise internal_error()
            client = self.clients.get(client_id or "")
            if client is None or client.secret != client_secret:
                raise _unauthorized("Incorrect client_id or client_secret")
            subject = f"client:{client.name}"
        claims = {"sub": subject, "exp": int(self.state.clock.time()) + TOKEN_LIFETIME}
        return JSONResponse(
            {
                "access_token": jwt.encode(claims, self.state.jwt_secret),
                "token_type": "bearer",
                "expires": EXPIRES,
            }
        )

    # -- bearer checks -----------------------------------------------------------------------

    def _subject(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if not scheme or scheme.lower() != "bearer":
            raise _unauthorized(MISSING_TOKEN)
        try:
            claims = jwt.decode(token.strip(), self.state.jwt_secret, now=self.state.clock.time())
        except jwt.InvalidToken as exc:
            raise _unauthorized(EXPIRED_TOKEN if exc.expired else INVALID_TOKEN) from None
        subject = claims.get("sub")
        return subject if isinstance(subject, str) else ""

    def current_user(self, request: Request) -> NmdcPrincipal:
        """A user or a site client (get_current_active_user)."""
        subject = self._subject(request)
        prefix, _, name = subject.partition(":")
        found = {"user": self.users, "client": self.clients}.get(prefix, {}).get(name)
        if found is None:
            raise _unauthorized(INVALID_TOKEN)
        return found

    def current_site_client(self, request: Request) -> NmdcPrincipal:
        """Only a site client's token (get_current_client_site, used by /pids/mint)."""
        subject = self._subject(request)
        prefix, _, name = subject.partition(":")
        found = self.clients.get(name) if prefix == "client" else None
        if found is None:
            raise _unauthorized(NOT_A_SITE_CLIENT)
        return found


def require_allowance(principal: NmdcPrincipal, action: str, detail: str) -> None:
    if action not in principal.allowances:
        raise ApiError(403, {"detail": detail})


def _basic_credentials(scheme: str, credentials: str) -> tuple[str, str] | None:
    if scheme.lower() != "basic" or not credentials:
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("ascii")
    except ValueError:  # not base64 (binascii.Error), not ASCII text before or after
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


async def _read_form(request: Request) -> Mapping[str, str | None]:
    """FastAPI Form() fields; an empty value counts as absent, as FastAPI treats it."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    kind = media_type(content_type)
    fields: dict[str, str] = {}
    if kind == "application/x-www-form-urlencoded":
        fields = parse_urlencoded(raw)
    elif kind == "multipart/form-data":
        try:
            fields = {p.name: p.text() for p in parse_multipart(raw, content_type)}
        except FormError:
            raise ApiError(400, {"detail": "There was an error parsing the body"}) from None
    return {k: v for k, v in fields.items() if v != ""}
