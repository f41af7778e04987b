"""The project's own recordings (cassettes/): saved stable, and never with a secret in them.

`tests/replay/conftest.py` gives vcrpy a `StablePersister`, so `make record` writes every
cassette normalised (`normalise_interactions`) and refuses to write one in which anything
still looks like a secret. Scrubbing, matching and that secret guard (`find_secrets`,
`GuardedPersister`) are the users' own `--record/--replay` rules, imported from
`omicform.services.recording`; only the normalising is the project's own.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from omicform.services.recording import (
    GuardedPersister,
    find_secrets,
    header_value,
)

__all__ = ["StablePersister", "find_secrets", "normalise_interactions"]

# -- Stable recordings ------------------------------------------------------------------------
#
# A recording made twice against unchanged services should be the same file twice, so that a
# re-recording shows up in review as the behaviour that changed and nothing else. Servers hand
# out values that differ on every run (ids, page tokens, timestamps); `normalise_interactions`
# replaces each with a stable placeholder of the same shape, consistently wherever it appears
# (request paths, queries and bodies; response bodies), numbered in order of first appearance.
# It runs once over the whole recording as it is saved, so replays see only placeholders: the
# client learns them from the replayed answers and sends them back, which is what was recorded.

PLACEHOLDER_TAG = "rec"
# httpx draws a random 32-character boundary for every multipart body.
FIXED_BOUNDARY = "omicform-cassette-boundary-00000"
FIXED_TIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
FIXED_EPOCH = 4102444800  # 2100-01-01T00:00:00Z: a login expiry that never comes
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"

# Ids the servers make up, found anywhere in an answer.
_SYSTEM_ID = re.compile(r"(?<![0-9A-Za-z])nmdc:sys0[0-9a-z]+(?![0-9A-Za-z])")
_OBJECT_ID = re.compile(r"(?<=/objects/)gfs0[0-9a-z]+(?![0-9A-Za-z])")
_MINTED_ID = re.compile(r"^(nmdc:[a-z0-9]+-[0-9a-z]+-)([0-9a-z]+)$")
# json:submit's 409 names the checksum it computed over the content and the current minute.
_SERVER_DIGEST = re.compile(r"(?<=checksums\.checksum': ')[0-9a-f]{64}(?![0-9a-f])")
# Server-side moments, by the key they come under: NeMO's submission `creation`, NMDC's run
# `started_at_time`...; a NeMO step's `date` gets the fixed time plus its position in seconds.
TIME_KEYS = frozenset({"creation", "started_at_time", "ended_at_time", "finished_at"})
EPOCH_KEYS = frozenset({"expireAt"})
_MOMENT = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_DROPPED_RESPONSE_HEADERS = frozenset({"date"})


def placeholder_blade(body: str) -> str:
    """`body` (Crockford base32) with NMDC's ISO 7064 mod 97-10 check digits appended, so a
    placeholder id is as valid as the server's own."""
    value = 0
    for char in body:
        value = value * 32 + _CROCKFORD.index(char)
    return f"{body}{98 - (value * 100) % 97:02d}"


def moment_like(original: str, moment: dt.datetime) -> str:
    """`moment` written the way `original` is (date only, `T` or space, fraction digits,
    `Z` or an offset), so the client parses the placeholder as it parsed the real value."""
    match = _MOMENT.match(original)
    if not match:
        return moment.isoformat()
    _, sep, _, fraction, zone = match.groups()
    if sep is None:
        return moment.strftime("%Y-%m-%d")
    text = moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if fraction:
        text += "." + "0" * (len(fraction) - 1)
    return text + (zone or "")


class Normaliser:
    """One recording's mapping from each volatile value to its placeholder.

    Learns values from answers only (an id is always the server's before the client sends it
    back), and applies the mapping everywhere. Placeholders: `nmdc:sys0rec0001..` for system
    ids (runs, page tokens), `nmdc:dobj-11-rec001..` for minted ids (typecode and shoulder
    kept, check digits valid), `gfs0rec0001..` for stored objects, `rec0001` for NeMO's
    seven-character submission ids, `000...001` for the checksum json:submit's 409 names.
    """

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern[str] | None = None
        self._variants: dict[str, str] = {}

    def _next(self, kind: str) -> int:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return self._counts[kind]

    def learn(self, value: str, kind: str) -> None:
        if value in self.mapping or value in self.mapping.values():
            return
        if kind == "system":
            placeholder = "nmdc:sys0" + placeholder_blade(
                f"{PLACEHOLDER_TAG}{self._next(kind):04d}"
            )
        elif kind == "object":
            placeholder = "gfs0" + placeholder_blade(f"{PLACEHOLDER_TAG}{self._next(kind):04d}")
        elif kind == "minted":
            match = _MINTED_ID.match(value)
            if match is None:
                return
            number = self._next(kind)
            placeholder = match.group(1) + placeholder_blade(f"{PLACEHOLDER_TAG}{number:03d}")
        elif kind == "nemo":
            placeholder = f"{PLACEHOLDER_TAG}{self._next(kind):04d}"
        elif kind == "digest":
            placeholder = f"{self._next(kind):064x}"
        else:
            raise ValueError(f"unknown kind of value: {kind}")
        self.mapping[value] = placeholder
        self._pattern = None

    def replace(self, text: str) -> str:
        """`text` with every known value (also percent-encoded, as in a query) replaced."""
        if not self.mapping:
            return text
        if self._pattern is None:
            variants: dict[str, str] = {}
            for real, placeholder in self.mapping.items():
                variants[real] = placeholder
                variants[quote(real, safe="")] = quote(placeholder, safe="")
            self._variants = variants
            alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            self._pattern = re.compile(f"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])")
        return self._pattern.sub(lambda m: self._variants[m.group(0)], text)

    # -- one interaction ----------------------------------------------------------------------

    def request(self, request: Any) -> None:
        request.uri = self.replace(request.uri)
        body = _bytes(request.body)
        if body:
            boundary = _multipart_boundary(header_value(request.headers, "content-type"))
            if boundary:
                body = body.replace(boundary.encode(), FIXED_BOUNDARY.encode())
                for name in list(request.headers):
                    if name.lower() == "content-type":
                        request.headers[name] = str(request.headers[name]).replace(
                            boundary, FIXED_BOUNDARY
                        )
            request.body = _replace_text(body, self.replace)
        for name in list(request.headers):
            if name.lower() == "content-length":
                request.headers[name] = str(len(_bytes(request.body) or b""))

    def response(self, request: Any, response: dict[str, Any]) -> None:
        body = response.get("body")
        raw = _bytes(body.get("string")) if isinstance(body, dict) else None
        if raw:
            data = _json(raw)
            text = raw.decode("utf-8", "replace")
            for value in _SYSTEM_ID.findall(text):
                self.learn(value, "system")
            for value in _OBJECT_ID.findall(text):
                self.learn(value, "object")
            for value in _SERVER_DIGEST.findall(text):
                self.learn(value, "digest")
            if data is not None:
                self._learn_from(request, data)
                raw = json.dumps(_fixed_times(data), sort_keys=True).encode()
            raw = _replace_text(raw, self.replace)
            assert isinstance(body, dict)
            body["string"] = raw
        headers = response.get("headers")
        if isinstance(headers, dict):
            for name in list(headers):
                if name.lower() in _DROPPED_RESPONSE_HEADERS:
                    del headers[name]
                elif name.lower() == "content-length" and raw is not None:
                    headers[name] = [str(len(raw))]

    def _learn_from(self, request: Any, data: Any) -> None:
        path = str(request.path)
        if request.method == "POST" and path.endswith("/pids/mint") and isinstance(data, list):
            for value in data:
                if isinstance(value, str):
                    self.learn(value, "minted")
        created = request.method == "POST" and path.endswith("/submission")
        if created and isinstance(data, dict) and isinstance(data.get("id"), str):
            self.learn(data["id"], "nemo")
        for item in _dicts(data):
            if isinstance(item.get("id"), str) and {"submitter", "creation", "steps"} <= set(item):
                self.learn(item["id"], "nemo")


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _fixed_times(value: Any) -> Any:
    if isinstance(value, list):
        return [_fixed_times(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in TIME_KEYS and isinstance(item, str):
            out[key] = moment_like(item, FIXED_TIME)
        elif key in EPOCH_KEYS and isinstance(item, (int, float)) and not isinstance(item, bool):
            out[key] = FIXED_EPOCH
        elif key == "steps" and isinstance(item, list):
            out[key] = [
                {
                    **_fixed_times(step),
                    "date": moment_like(step["date"], FIXED_TIME + dt.timedelta(seconds=n)),
                }
                if isinstance(step, dict) and isinstance(step.get("date"), str)
                else _fixed_times(step)
                for n, step in enumerate(item, start=1)
            ]
        else:
            out[key] = _fixed_times(item)
    return out


def _bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _replace_text(raw: bytes, replace: Callable[[str], str]) -> bytes:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return replace(text).encode("utf-8")


def _multipart_boundary(content_type: str) -> str | None:
    match = re.search(r"boundary=\"?([^\";]+)\"?", content_type)
    return match.group(1) if match and "multipart/" in content_type else None


def service_of(request: Any) -> str:
    """`nmdc` or `nemo`, by host and path (the sandbox serves both on one host)."""
    host = str(request.host or "")
    path = str(request.path)
    if "nemo" in host or path.startswith(("/nemo/", "/nemo-login/")) or path.endswith("/v1/login"):
        return "nemo"
    return "nmdc"


SERVICE_ORDER = ("nmdc", "nemo")


def normalise_interactions(
    requests: Sequence[Any], responses: Sequence[Any]
) -> tuple[list[Any], list[Any]]:
    """A recording made stable: interactions grouped by service (NMDC first; each service's
    own order kept, so identical requests still replay in the order they were answered),
    then every volatile value replaced by its placeholder. Works on copies."""
    pairs = [(copy.deepcopy(q), copy.deepcopy(r)) for q, r in zip(requests, responses, strict=True)]
    pairs.sort(key=lambda pair: SERVICE_ORDER.index(service_of(pair[0])))
    normaliser = Normaliser()
    for request, response in pairs:
        normaliser.request(request)
        normaliser.response(request, response)
    return [q for q, _ in pairs], [r for _, r in pairs]


class StablePersister(GuardedPersister):
    """A vcrpy persister (`persister=` of `use_cassette`) that saves recordings normalised and,
    like users' recordings (`GuardedPersister`), refuses to write one in which anything still
    looks like a secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(secrets, normalise=normalise_interactions)
