"""Recording and replaying the HTTP conversation (vcrpy cassettes), scrubbed of secrets.

Used by `--record FILE` / `--replay FILE` on plan, apply and status: a team records once with
credentials and replays in CI with none. What is scrubbed before anything is written (secret
fields in JSON, form and query; JWTs anywhere; authorization and cookie headers) and how a
replayed request is matched (method, path, query and body as data) are defined here once; the
project's own test recordings (tests/cassette_rules.py) use the same rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from omicform.services.redact import SECRET_NAMES

REDACTED = "***REDACTED***"
SECRET_FIELDS = SECRET_NAMES
SCRUBBED_HEADERS = ("authorization", "cookie", "set-cookie", "proxy-authorization")
_BOUNDARY = re.compile(rb"^--([^\r\n]+)\r?\n")
# Three base64url segments, the first one a JSON object: what both services hand out.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_FIELDS else _scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    if isinstance(value, str):
        return JWT.sub(REDACTED, value)
    return value


def scrub_body(body: bytes | str | None, content_type: str = "") -> bytes | str | None:
    """The body with every secret field's value replaced; form and JSON bodies both."""
    if not body:
        return body
    raw = body.encode() if isinstance(body, str) else body
    text: str | None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return body
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.dumps(_scrub_json(json.loads(text)), sort_keys=True)
        except ValueError:
            return body
    if "form-urlencoded" in content_type or ("=" in text and "\n" not in text and " " not in text):
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            scrubbed = [
                (k, REDACTED if k in SECRET_FIELDS else JWT.sub(REDACTED, v)) for k, v in pairs
            ]
            return urlencode(scrubbed, safe="*")
    if JWT.search(text):
        return JWT.sub(REDACTED, text)
    return body


def header_value(headers: Any, name: str) -> str:
    """The value of header `name` (lower case) in vcrpy's headers, whatever their case."""
    for key, value in dict(headers).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return ""


def scrub_uri(uri: str) -> str:
    """The URI with the value of every secret-named query parameter (and any JWT) redacted."""
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k in SECRET_FIELDS or JWT.search(v) for k, v in pairs):
        return uri
    query = urlencode(
        [(k, REDACTED if k in SECRET_FIELDS else JWT.sub(REDACTED, v)) for k, v in pairs], safe="*"
    )
    return urlunsplit(parts._replace(query=query))


def scrub_request(request: Any) -> Any:
    for name in list(request.headers):
        if name.lower() in SCRUBBED_HEADERS:
            del request.headers[name]
    request.uri = scrub_uri(request.uri)
    request.body = scrub_body(request.body, header_value(request.headers, "content-type"))
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUBBED_HEADERS:
            del headers[name]
    body = response.get("body", {})
    if isinstance(body, dict) and body.get("string"):
        scrubbed = scrub_body(body["string"])
        if isinstance(scrubbed, str):
            scrubbed = scrubbed.encode()
        body["string"] = scrubbed
    return response


def multipart_parts(raw: bytes) -> list[tuple[tuple[tuple[str, str], ...], bytes]] | None:
    """A multipart body as its parts, each (sorted headers, content), whatever its boundary;
    None when `raw` is not a multipart body."""
    match = _BOUNDARY.match(raw)
    if not match:
        return None
    delimiter = b"--" + match.group(1).strip()
    chunks = raw.split(delimiter)
    if len(chunks) < 3 or chunks[0] != b"" or not chunks[-1].startswith(b"--"):
        return None
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n").removeprefix(b"\n")
        chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        headers = []
        for line in head.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
        parts.append((tuple(sorted(headers)), content))
    return parts


def comparable_body(request: Any) -> Any:
    """JSON as data, forms as sorted pairs, multipart as its parts (the random boundary and the
    part headers' order do not count; each part's name, file name, type and content do)."""
    body = request.body
    if body is None:
        return None
    raw = body.encode() if isinstance(body, str) else body
    if not raw:
        return None
    parts = multipart_parts(raw)
    if parts is not None:
        return ("multipart", parts)
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        return sorted(parse_qsl(raw.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        return raw


# Logins carry who is logging in; a replay in CI has no credentials to match them with.
LOGIN_PATHS = ("/token", "/v1/login")


def body_matcher(r1: Any, r2: Any) -> None:
    if r1.method == "POST" and r1.path.endswith(LOGIN_PATHS):
        return
    if comparable_body(r1) != comparable_body(r2):
        raise AssertionError("bodies differ")


def make_vcr(record_mode: str) -> Any:
    import vcr  # only when recording or replaying

    recorder = vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "path", "query", "omicform_body"],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("omicform_body", body_matcher)
    return recorder


@contextmanager
def recording(record: Path | None = None, replay: Path | None = None) -> Iterator[None]:
    """Records to `record`, or replays `replay` with the network blocked, around the body."""
    if record is None and replay is None:
        yield
        return
    if record is not None and replay is not None:
        raise ValueError("--record and --replay exclude each other")
    if replay is not None and not replay.exists():
        from omicform.errors import ConfigError

        raise ConfigError("no such cassette", file=str(replay))
    path = record or replay
    assert path is not None
    mode = "all" if record is not None else "none"
    with make_vcr(mode).use_cassette(str(path)):
        yield


REPLAY_CREDENTIALS = "replayed-from-cassette"


def replay_env(env: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """`env` with stand-ins for missing credentials: a replay needs none, but the client
    still asks for a token before its first call (the cassette answers it)."""
    filled = dict(env)
    for name in names:
        filled.setdefault(name, REPLAY_CREDENTIALS)
    return filled
