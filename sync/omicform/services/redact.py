"""Hiding secrets in text, in every form a server may echo them back in.

A server that repeats the request in its error message does not repeat the secret as we
hold it: a token request comes back URL- or form-encoded, a JSON login JSON-escaped, an HTTP
Basic header base64-encoded, an HTML error page HTML-escaped, a Python service's message as
a repr. So each secret is searched for in all of those forms at once.

It also re-exports the fields that hold a secret (`SECRET_NAMES`, stated once in
`omicform.secret_names`): a config file may not set them under `services:`, and a recording
writes them only as a redaction marker.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Protocol
from urllib.parse import quote, quote_plus

from omicform.secret_names import SECRET_NAMES as SECRET_NAMES  # re-exported: one list

MASK = "***"

# A base64 fragment shorter than this could match unrelated text (ids, hashes), so a short
# secret is only hidden where it is encoded on its own, not inside a longer base64 stream.
MIN_FRAGMENT = 8

_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _percent_forms(secret: str) -> set[str]:
    """URL path and query encodings (quote, quote_plus = form encoding), in either hex case."""
    forms = {
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        quote_plus(secret, safe="/"),
    }
    return forms | {_PERCENT.sub(lambda m: m.group(0).lower(), f) for f in forms}


def _escaped_forms(secret: str) -> set[str]:
    """Inside a JSON string (ASCII-only or not, with or without `\\/`), HTML, or a repr."""
    forms = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    forms |= {f.replace("/", "\\/") for f in forms}
    forms |= {html.escape(secret), html.escape(secret, quote=False), repr(secret)[1:-1]}
    return forms


def _base64_forms(data: bytes, *, whole_only: bool = False) -> set[str]:
    """`data` base64-encoded alone (both alphabets, padded or not) and, unless `whole_only`,
    the characters it fixes wherever it sits inside a longer base64 stream."""
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        alone = encode(data).decode("ascii")
        forms |= {alone, alone.rstrip("=")}
        if whole_only:
            continue
        for offset in (0, 1, 2):
            # Preceded by `offset` other bytes, the characters wholly inside `data`'s bits are
            # the same whatever surrounds it (a `user:` before, a `"}` after).
            encoded = encode(b"\0" * offset + data).decode("ascii").rstrip("=")
            first = -(-8 * offset // 6)
            last = 8 * (offset + len(data)) // 6
            fragment = encoded[first:last]
            if len(fragment) >= MIN_FRAGMENT:
                forms.add(fragment)
    return forms


def encoded_forms(secret: str, *, login: str | None = None) -> set[str]:
    """Every form of `secret` to hide; with `login`, also its HTTP Basic `login:secret`."""
    forms = {secret} | _percent_forms(secret) | _escaped_forms(secret)
    forms |= _base64_forms(secret.encode("utf-8"))
    if login is not None:
        forms |= _base64_forms(f"{login}:{secret}".encode(), whole_only=True)
    return {f for f in forms if f}


class Credentials(Protocol):
    """What a service's credentials tell a redactor: their secrets, and the login pairs
    (id, secret) that HTTP Basic would encode together."""

    def secrets(self) -> Iterable[str]: ...
    def logins(self) -> Iterable[tuple[str, str]]: ...


class Redactor:
    """Replaces every known secret in a text, in any of its encoded forms, with ***.

    Only error paths and enabled log lines call it, so building one regular expression per
    new secret is cheap; the compiled pattern is swapped whole, so other threads never see
    it half-built.
    """

    def __init__(
        self, secrets: Iterable[str] = (), *, logins: Iterable[tuple[str, str]] = ()
    ) -> None:
        self._forms: set[str] = set()
        self._sub: Callable[[str], str] | None = None
        for secret in secrets:
            self.add(secret)
        for login, secret in logins:
            self.add(secret, login=login)

    @classmethod
    def of(cls, credentials: Credentials | None) -> Redactor:
        """A redactor of a service's credentials (none: nothing to hide yet)."""
        if credentials is None:
            return cls()
        return cls(credentials.secrets(), logins=credentials.logins())

    def add(self, secret: str, *, login: str | None = None) -> None:
        """Hides `secret` from now on; `login` is the id it is paired with in HTTP Basic."""
        if not secret:
            return
        forms = encoded_forms(secret, login=login)
        if forms <= self._forms:
            return
        self._forms |= forms
        # Longest first, so a form that contains another is replaced whole.
        alternatives = sorted(self._forms, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(f) for f in alternatives))
        self._sub = lambda text: pattern.sub(MASK, text)

    def __call__(self, text: str) -> str:
        return self._sub(text) if self._sub is not None and text else text
