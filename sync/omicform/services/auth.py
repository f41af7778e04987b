"""Bearer-token authentication shared by both services.

The token is fetched on first use, kept in memory only, reused until shortly before it
expires, and refreshed once if the server answers 401 anyway (revoked, clock skew).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from omicform.services.settings import Secret


@dataclass(frozen=True)
class IssuedToken:
    """An access token and when it expires."""

    value: Secret
    expires_at: float | None  # epoch seconds; None when the service does not say


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying it (we are the holder, not the judge)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None


class BearerAuth(httpx.Auth):
    """httpx auth that obtains, caches and refreshes a bearer token."""

    requires_request_body = True  # so a request can be sent again after a 401

    def __init__(
        self,
        obtain: Callable[[], IssuedToken],
        *,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._obtain = obtain
        self._margin = refresh_margin
        self._clock = clock
        self._token: IssuedToken | None = None
        self._lock = threading.Lock()
        self.tokens_obtained = 0

    def __repr__(self) -> str:
        return f"BearerAuth(cached={self._token is not None})"

    def current(self) -> str:
        """A token valid for at least `refresh_margin` seconds, fetched if needed."""
        with self._lock:
            if self._token is None or self._expiring(self._token):
                self._token = self._fetch()
            return self._token.value.reveal()

    def _refresh(self, stale: str) -> str:
        with self._lock:
            # Another thread may have refreshed while this request was in flight.
            if self._token is None or self._token.value.reveal() == stale:
                self._token = self._fetch()
            return self._token.value.reveal()

    def _fetch(self) -> IssuedToken:
        token = self._obtain()
        self.tokens_obtained += 1
        return token

    def _expiring(self, token: IssuedToken) -> bool:
        return token.expires_at is not None and token.expires_at - self._margin <= self._clock()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.current()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            response.read()
            request.headers["Authorization"] = f"Bearer {self._refresh(stale=token)}"
            yield request
