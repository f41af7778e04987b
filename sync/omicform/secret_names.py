"""The field names that mean a secret, stated once and shared on purpose by the file format
(a config file may not set them under `services:`) and the HTTP layer (a recording writes
them only as a redaction marker). It lives below both, so neither imports the other.
"""

from __future__ import annotations

from typing import Final

# Field names that mean a secret, wherever they appear: refused anywhere under `services:`
# of a config file (case-insensitively), scrubbed from JSON, form and query of recordings.
SECRET_NAMES: Final = frozenset(
    {
        "access_token",
        "api_key",
        "client_secret",
        "jwt",
        "password",
        "refresh_token",
        "secret",
        "token",
    }
)
