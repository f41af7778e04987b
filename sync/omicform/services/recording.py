"""Recording and replaying the HTTP conversation (vcrpy cassettes), scrubbed of secrets.

Used by `--record FILE` / `--replay FILE` on plan, apply and status, by the pytest plugin
(`omicform.pytest_plugin`) and by the project's own test recordings (tests/cassette_rules.py):
a team records once with credentials and replays in CI with none. Defined here once, for all
three:

* what is scrubbed before anything is written (secret fields in JSON, form and query; JWTs
  anywhere; authorization and cookie headers);
* how a replayed request is matched (method, path, query and body as data; each answer
  plays once, identical requests in recorded order);
* the secret guard (`find_secrets`, `GuardedPersister`): a recording in which anything still
  looks like a secret, or holds one of the known credentials, is never written;
* the errors people meet: a request the cassette does not hold (`CassetteMismatch`), a
  recording that would hold a secret (`SecretInCassette`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from omicform.errors import ConfigError, OmicformError
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
        except (ValueError, RecursionError):
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
    except (ValueError, RecursionError):
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


MATCH_ON = ("method", "path", "query", "omicform_body")


def vcr_config(*, secrets: Iterable[str] = (), persister: Any = None) -> dict[str, Any]:
    """The keyword arguments of `use_cassette` (or pytest-recording's `vcr_config`) for omicform's
    rules: scrubbing, matching, each answer played once, and the secret guard (`secrets`:
    credentials no recording may hold; `persister` replaces the default `GuardedPersister`).
    Register `body_matcher` as "omicform_body" on the VCR object (`make_vcr` does)."""
    return {
        # Host and port do not count: a cassette replays against any URL.
        "match_on": list(MATCH_ON),
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        # Each answer plays once, identical requests in recorded order: polling replays as it went.
        "allow_playback_repeats": False,
        "persister": persister if persister is not None else GuardedPersister(secrets),
    }


def make_vcr(record_mode: str, *, secrets: Iterable[str] = ()) -> Any:
    """A `vcr.VCR` with omicform's rules and the secret guard (`secrets`: known credentials)."""
    import vcr  # only when recording or replaying

    config = vcr_config(secrets=secrets)
    recorder = vcr.VCR(
        record_mode=record_mode,
        match_on=config["match_on"],
        before_record_request=config["before_record_request"],
        before_record_response=config["before_record_response"],
        decode_compressed_response=config["decode_compressed_response"],
    )
    recorder.register_persister(config["persister"])
    recorder.register_matcher("omicform_body", body_matcher)
    return recorder


# -- The secret guard -------------------------------------------------------------------------
#
# The secret fields whose names are unmistakable in raw text; bare `token` and `secret` are
# scrubbed as fields but too common in text to flag on sight.
_GUARDED_FIELDS = "|".join(sorted(SECRET_FIELDS - {"token", "secret"}))
_SECRET_VALUE = re.compile(
    rf"(?i)(?<![A-Za-z_])({_GUARDED_FIELDS})"
    r"(?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?([^\"'\\&\s,}]*)"
)


def find_secrets(text: str, known: Iterable[str] = ()) -> list[str]:
    """What in `text` looks like a secret: a JWT, an authorization or cookie header, a secret
    field whose value is not the redaction marker, or one of the `known` secret values."""
    found = [f"a JWT ({m.group(0)[:12]}...)" for m in JWT.finditer(text)]
    for name in SCRUBBED_HEADERS:
        if re.search(rf"(?im)^\s*['\"]?{name}['\"]?\s*:", text):
            found.append(f"an {name} header")
    for match in _SECRET_VALUE.finditer(text):
        value = match.group(2)
        if value not in (REDACTED, quote(REDACTED, safe="")):
            found.append(f"a {match.group(1)} value that is not {REDACTED}")
    found.extend(f"the secret {s[:3]}..." for s in known if s and s in text)
    return found


# Environment variables whose value is a credential, by the end of their name: what the
# services read (NMDC_CLIENT_SECRET, NEMO_PASSWORD...) and what a user's config may name.
_SECRET_ENV_SUFFIXES = ("_SECRET", "_PASSWORD", "_TOKEN", "_API_KEY")


def secrets_in_env(env: Mapping[str, str]) -> list[str]:
    """The credentials in `env` no recording may hold (values of *_SECRET, *_PASSWORD,
    *_TOKEN, *_API_KEY variables; the replay stand-in and very short values excepted)."""
    return [
        value
        for name, value in env.items()
        if name.upper().endswith(_SECRET_ENV_SUFFIXES)
        and len(value) >= 6
        and value != REPLAY_CREDENTIALS
    ]


class SecretInCassette(OmicformError, RuntimeError):
    """A recording would hold a secret: nothing was written."""

    default_hint = (
        "Nothing was written: no cassette may hold a credential. If a service echoes one "
        "back where omicform does not scrub, report the field (never its value) as a bug."
    )


class GuardedPersister:
    """A vcrpy persister (`persister=` of `use_cassette`) that refuses to write a recording in
    which anything still looks like a secret (`find_secrets`), and writes the file whole or
    not at all. `normalise`, if given, turns (requests, responses) into what is saved."""

    def __init__(
        self,
        secrets: Iterable[str] = (),
        normalise: Callable[[Sequence[Any], Sequence[Any]], tuple[list[Any], list[Any]]]
        | None = None,
    ) -> None:
        self.secrets = tuple(secrets)
        self.normalise = normalise

    def load_cassette(self, cassette_path: str, serializer: Any) -> Any:
        from vcr.persisters.filesystem import FilesystemPersister

        return FilesystemPersister.load_cassette(cassette_path, serializer)

    def save_cassette(
        self, cassette_path: str, cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        from vcr.serialize import serialize

        if self.normalise is not None:
            requests, responses = self.normalise(
                cassette_dict["requests"], cassette_dict["responses"]
            )
            cassette_dict = {**cassette_dict, "requests": requests, "responses": responses}
        data = serialize(cassette_dict, serializer)
        leaks = find_secrets(data, self.secrets)
        if leaks:
            raise SecretInCassette(f"not writing {cassette_path}: it would hold {', '.join(leaks)}")
        path = Path(cassette_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(data, encoding="utf-8")
        partial.replace(path)


# -- Replay errors ----------------------------------------------------------------------------

_MATCHER_WORDS = {"omicform_body": "body", "body_matcher": "body"}


class CassetteMismatch(OmicformError):
    """A replayed run made a request the cassette does not hold (or holds fewer times)."""

    def __init__(self, message: str, *, request: str, hint: str | None = None) -> None:
        self.request = request
        super().__init__(message, hint=hint)


def described_request(request: Any) -> str:
    """`METHOD URL` of a vcrpy request, secret query values redacted, percent-decoded."""
    method = str(getattr(request, "method", "?"))
    uri = str(getattr(request, "uri", "?"))
    return f"{method} {unquote(scrub_uri(uri))}"


def mismatch(exc: Exception, cassette: Path | str, *, hint: str | None = None) -> CassetteMismatch:
    """vcrpy's CannotOverwriteExistingCassetteException as one paragraph a person can act on:
    which request, what differs from the nearest recorded one, and that the run changed
    since the recording (`hint`: how to record again)."""
    request = described_request(getattr(exc, "failed_request", None))
    reason = getattr(exc, "reason", "no_match")
    similar = getattr(exc, "similar_requests", None) or []
    if reason == "already_played":
        why = "it holds this request, but fewer times than this run makes it"
    elif reason == "no_match" and similar:
        differing = [_MATCHER_WORDS.get(name, name) for name, _ in similar[0][2]]
        why = f"the closest recorded request differs in its {' and '.join(differing)}"
    elif reason == "cassette_not_found":
        why = "it holds no interactions at all"
    else:
        why = "it holds nothing like it"
    message = (
        f"the cassette {cassette} has no answer for {request} ({why}). The configuration, "
        "the state or omicform itself changed since the cassette was recorded, so this run "
        "asks the services something the recording never asked."
    )
    return CassetteMismatch(
        message,
        request=request,
        hint=hint
        if hint is not None
        else (
            f"Record it again: run the same command with --record {cassette} instead of "
            "--replay, with the services' credentials set, and commit the new cassette."
        ),
    )


@contextmanager
def recording(record: Path | None = None, replay: Path | None = None) -> Iterator[None]:
    """Records to `record`, or replays `replay` with the network blocked, around the body.

    A recording is scrubbed and guarded (`SecretInCassette`: nothing written); a replayed
    request the cassette does not hold raises `CassetteMismatch`."""
    if record is None and replay is None:
        yield
        return
    if record is not None and replay is not None:
        raise ValueError("--record and --replay exclude each other")
    if replay is not None and not replay.exists():
        raise ConfigError("no such cassette", file=str(replay))
    from vcr.errors import CannotOverwriteExistingCassetteException

    if record is not None:
        with make_vcr("all", secrets=secrets_in_env(os.environ)).use_cassette(str(record)):
            yield
        return
    assert replay is not None
    try:
        with make_vcr("none").use_cassette(str(replay)):
            yield
    except CannotOverwriteExistingCassetteException as exc:
        raise mismatch(exc, replay) from None


REPLAY_CREDENTIALS = "replayed-from-cassette"


def replay_env(env: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """`env` with stand-ins for missing credentials: a replay needs none, but the client
    still asks for a token before its first call (the cassette answers it)."""
    filled = dict(env)
    for name in names:
        filled.setdefault(name, REPLAY_CREDENTIALS)
    return filled
