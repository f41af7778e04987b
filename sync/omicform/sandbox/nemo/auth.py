"""NeMO login (`POST /v1/login` on the login host) and the bearer check of the API.

Documented: the body `{"username", "password"}`, the success document, the failure text
and the 24-hour lifetime. Guessed, as the spec guesses: failure is 401, `expireAt` is the
expiry in epoch seconds (the same as the JWT's `exp`), and a missing, invalid or expired
token on the API is 401 `{"message": "Invalid or missing token."}`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from omicform.sandbox import jsonbody, jwt
from omicform.sandbox.options import NemoUser
from omicform.sandbox.responses import ApiError
from omicform.sandbox.state import SandboxState

TOKEN_LIFETIME = 24 * 3600
LOGIN_FAILED = {"message": "Login failed."}
UNAUTHORIZED = {"message": "Invalid or missing token."}


class NemoAuth:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.users = {u.username: u for u in state.options.nemo_users}

    async def login(self, request: Request) -> Response:
        # Parsed whatever the Content-Type: NeMO's own curl example sends `-d` (form type).
        try:
            body = jsonbody.loads(await request.body())
        except ValueError:  # unreadable: nobody to log in
            body = None
        username = body.get("username") if isinstance(body, dict) else None
        password = body.get("password") if isinstance(body, dict) else None
        user = self.users.get(username) if isinstance(username, str) else None
        if user is None or user.password != password:
            raise ApiError(self.state.nemo_variants.login_failure_status, LOGIN_FAILED)
        now = int(self.state.clock.time())
        expires = now + TOKEN_LIFETIME
        token = jwt.encode(
            {"sub": user.username, "email": user.email, "iat": now, "exp": expires},
            self.state.jwt_secret,
        )
        return JSONResponse(
            {
                "message": "Successful login.",
                "jwt": token,
                "email": user.email,
                "first": user.first,
                "last": user.last,
                "expireAt": expires,
            }
        )

    def current_user(self, request: Request) -> NemoUser:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, UNAUTHORIZED)
        try:
            claims = jwt.decode(token.strip(), self.state.jwt_secret, now=self.state.clock.time())
        except jwt.InvalidToken:
            raise ApiError(401, UNAUTHORIZED) from None
        user = self.users.get(str(claims.get("sub")))
        if user is None:
            raise ApiError(401, UNAUTHORIZED)
        return user
