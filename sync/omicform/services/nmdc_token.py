"""NMDC's token exchange: the form for either grant, and when the token it gives expires."""

from __future__ import annotations

import time
from datetime import timedelta

from omicform_nmdc_client.models import Token, TokenExpires, TokenRequest

from omicform.services.auth import jwt_expiry
from omicform.services.settings import NmdcCredentials, Secret


def token_request(creds: NmdcCredentials) -> TokenRequest:
    """A site client's client_credentials grant, else a user's password grant."""
    if creds.client_id:
        return TokenRequest(
            grant_type="client_credentials",
            client_id=creds.client_id,
            client_secret=_reveal(creds.client_secret),
        )
    return TokenRequest(
        grant_type="password", username=creds.username or "", password=_reveal(creds.password)
    )


def token_expiry(token: Token) -> float | None:
    """When the token expires: from the `expires` duration, else from the JWT's `exp`."""
    expires = token.expires
    if isinstance(expires, TokenExpires):
        try:
            delta = timedelta(
                days=_int(expires.days), hours=_int(expires.hours), minutes=_int(expires.minutes)
            )
        except OverflowError:  # a duration beyond any date: as good as no expiry
            return None
        if delta.total_seconds() > 0:
            return time.time() + delta.total_seconds()
    return jwt_expiry(token.access_token)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _reveal(secret: Secret | None) -> str:
    return secret.reveal() if secret is not None else ""
