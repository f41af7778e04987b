"""HS256 JSON Web Tokens with the standard library: what both services hand out.

Real signatures (not look-alikes), so a client that decodes the token, reads `exp` or
tampers with it meets the same behaviour as against the real services.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

_HEADER = {"alg": "HS256", "typ": "JWT"}


class InvalidToken(Exception):
    """Malformed, wrongly signed or expired; `expired` tells the last apart."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    return _b64(digest)


def encode(claims: dict[str, Any], secret: str) -> str:
    header = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_sign(signing_input, secret)}"


# Tokens whose signature and contents were checked, by (token, secret): each request carries
# its bearer token, and checking the HMAC again for every one was ~8% of the sandbox's time
# per request (issue #14). Only tokens that passed are kept; expiry is checked on every use.
_verified: dict[tuple[str, str], dict[str, Any]] = {}
_VERIFIED_MAX = 1024


def decode(token: str, secret: str, *, now: float) -> dict[str, Any]:
    """The claims of a valid token; raises InvalidToken otherwise."""
    claims = _verified.get((token, secret))
    if claims is None:
        claims = _verify(token, secret)
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[(token, secret)] = claims
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and exp <= now:
        raise InvalidToken("expired", expired=True)
    return dict(claims)  # the caller's own: the kept claims stay as verified


def _verify(token: str, secret: str) -> dict[str, Any]:
    """The claims, if the token is well-formed and signed with `secret` (expiry aside)."""
    parts = token.split(".")
    # Header bytes arrive as latin-1 text; a JWT is ASCII, and signing non-ASCII would fail.
    if len(parts) != 3 or not token.isascii():
        raise InvalidToken("not a JWT")
    header, payload, signature = parts
    if not hmac.compare_digest(_sign(f"{header}.{payload}", secret), signature):
        raise InvalidToken("bad signature")
    try:
        claims = json.loads(_unb64(payload))
        alg = json.loads(_unb64(header)).get("alg")
    except (ValueError, UnicodeDecodeError, AttributeError) as exc:
        raise InvalidToken("unreadable") from exc
    if alg != "HS256" or not isinstance(claims, dict):
        raise InvalidToken("unexpected token")
    return claims
