"""No recorded cassette holds a secret: every file under cassettes/ is scanned.

The checks here are written independently of omicform.services.recording and
tests/cassette_rules.py (whose scrubbers and persister they audit): a JWT anywhere, an
Authorization or cookie header, a password, client_secret, access_token or jwt whose value
is not the redaction marker (in JSON and in form bodies, and in the raw text), a bearer
credential, or one of the sandbox's secrets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from omicform.sandbox.options import (
    DEFAULT_NEMO_PASSWORD,
    DEFAULT_NEMO_USERNAME,
    DEFAULT_NMDC_CLIENT_ID,
    DEFAULT_NMDC_CLIENT_SECRET,
    default_nemo_users,
    default_nmdc_principals,
)

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
MARKER = "***REDACTED***"
SECRET_NAMES = ("password", "client_secret", "access_token", "refresh_token", "jwt")
FORBIDDEN_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie")
SANDBOX_SECRETS = {
    "sandbox-secret",
    "sandbox-password",
    *(
        p.secret
        for p in default_nmdc_principals(DEFAULT_NMDC_CLIENT_ID, DEFAULT_NMDC_CLIENT_SECRET)
    ),
    *(u.password for u in default_nemo_users(DEFAULT_NEMO_USERNAME, DEFAULT_NEMO_PASSWORD)),
}

JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
BEARER = re.compile(r"(?i)\bbearer\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}")
HEADER_LINE = re.compile(rf"(?im)^\s*['\"]?({'|'.join(FORBIDDEN_HEADERS)})['\"]?\s*:")
# `name": "value"`, `name=value`, `'name': 'value'`, with YAML's escaping and line folding.
RAW_SECRET = re.compile(
    rf"(?i)(?<![A-Za-z_])({'|'.join(SECRET_NAMES)})\\?[\"']?\s*[:=]\s*\\?[\"']?([^\"'\\&\s,}}]*)"
)


def files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.is_file())


def _walk(value: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    """(where, key, value) for every key of every object inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key), item
            yield from _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _walk(item, f"{where}[{n}]")


def _body_problems(body: Any, where: str) -> Iterator[str]:
    if isinstance(body, dict):  # a response: {"string": ...}
        body = body.get("string")
    if body is None:
        return
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is not None:
        for place, key, value in _walk(data, where):
            if key.lower() in SECRET_NAMES and value != MARKER:
                yield f"{place}.{key} is {str(value)[:6]!r}..., not the redaction marker"
    elif "=" in text and "\n" not in text.strip():
        for key, value in parse_qsl(text, keep_blank_values=True):
            if key.lower() in SECRET_NAMES and value != MARKER:
                yield f"{where}: form field {key} is not the redaction marker"


def _cassette_problems(document: Any) -> Iterator[str]:
    for n, interaction in enumerate(document.get("interactions") or []):
        request, response = interaction.get("request", {}), interaction.get("response", {})
        for side, message in (("request", request), ("response", response)):
            for name in message.get("headers") or {}:
                if name.lower() in FORBIDDEN_HEADERS:
                    yield f"interaction {n}: a {name} header in the {side}"
            yield from _body_problems(message.get("body"), f"interaction {n} {side} body")
        for key, value in parse_qsl(urlsplit(str(request.get("uri", ""))).query):
            if key.lower() in SECRET_NAMES and value != MARKER:
                yield f"interaction {n}: query parameter {key} is not the redaction marker"


def problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [f"a JWT: {m.group(0)[:16]}..." for m in JWT.finditer(text)]
    found += [f"a bearer credential: {m.group(0)[:16]}..." for m in BEARER.finditer(text)]
    found += [f"an {m.group(1)} header line" for m in HEADER_LINE.finditer(text)]
    for match in RAW_SECRET.finditer(text):
        if match.group(2) not in (MARKER, "%2A%2A%2AREDACTED%2A%2A%2A"):
            found.append(f"{match.group(1)} = {match.group(2)[:6]!r}..., not the redaction marker")
    found += [f"the sandbox secret {s!r}" for s in sorted(SANDBOX_SECRETS) if s in text]
    if path.suffix in (".yaml", ".yml"):
        document = yaml.safe_load(text)
        if isinstance(document, dict):
            found += list(_cassette_problems(document))
    return found


def test_there_are_cassettes_to_check() -> None:
    cassettes = [p for p in files() if p.suffix == ".yaml"]
    assert len(cassettes) >= 4, cassettes
    for path in cassettes:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["interactions"], f"{path} records nothing"


@pytest.mark.parametrize("path", files(), ids=lambda p: str(p.relative_to(CASSETTES)))
def test_no_file_under_cassettes_holds_a_secret(path: Path) -> None:
    assert problems(path) == []


def test_logins_were_recorded_with_their_secrets_redacted() -> None:
    """The logins are in the cassettes (so the checks above had something to look at)."""
    texts = "".join(p.read_text(encoding="utf-8") for p in files() if p.suffix == ".yaml")
    assert f"client_secret={MARKER}" in texts
    assert f'"password": "{MARKER}"' in texts
    assert f'"access_token": "{MARKER}"' in texts
    assert f'"jwt": "{MARKER}"' in texts


LEAKY = """\
interactions:
- request:
    body: grant_type=client_credentials&client_id=c&client_secret=hunter2
    headers:
      Authorization:
      - Bearer abcdefgh12345678
    method: POST
    uri: http://127.0.0.1:1/nmdc/token?access_token=abc
  response:
    body:
      string: '{"access_token": "eyJhbGciOi.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "password": "sandbox-password"}'
    headers:
      set-cookie:
      - session=1
    status: {code: 200, message: OK}
version: 1
"""


def test_the_scan_finds_every_kind_of_leak(tmp_path: Path) -> None:
    path = tmp_path / "leaky.yaml"
    path.write_text(LEAKY)
    found = "\n".join(problems(path))
    for expected in (
        "a JWT",
        "a bearer credential",
        "an Authorization header line",
        "client_secret = 'hunter",
        "the sandbox secret 'sandbox-password'",
        "a Authorization header in the request",
        "a set-cookie header in the response",
        "form field client_secret",
        "query parameter access_token",
        ".password is",
    ):
        assert expected in found, (expected, found)
