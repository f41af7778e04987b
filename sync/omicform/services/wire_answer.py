"""Reading one HTTP/1.1 answer off a connection (RFC 9112), for `wire.py`.

The standard library's `http.client` parses headers with the e-mail parser, which costs
more than the rest of an exchange; this reads the few things a client needs: the status
line, the header fields, and the body by its framing (none, Content-Length, chunked, or up
to the close). Anything malformed is `httpx.RemoteProtocolError`: an answer we cannot read
is never taken for another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

import httpx

MAX_LINE = 65536  # bytes in a status, header or chunk-size line
MAX_FIELDS = 100  # header fields in one answer (http.client's limit too)
# Bytes of one answer's body. NMDC's largest (a page of 2,000 records) is a few MB; a length
# past this is a fault (of the server, or of something between), and reading it would
# allocate it whole: refused before reading, as any answer that cannot be read.
MAX_BODY = 256 * 1024 * 1024
READ_SIZE = 65536  # bytes read at a time from a body delimited by the close

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_STATUS = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: ([^\r\n]*))?\r?\n")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as read off the wire."""

    version: bytes  # b"HTTP/1.1" or b"HTTP/1.0"
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    keep_alive: bool  # whether the connection may carry another request


def read_answer(reader: IO[bytes], method: str) -> Answer:
    """The next final answer on `reader` (interim 1xx answers are skipped)."""
    while True:
        minor, status, reason = _status_line(reader)
        headers = _fields(reader)
        if status >= 200 or status == 101:
            break
    named = _by_name(headers)
    body, delimited = _body(reader, method, status, named)
    connection = named.get(b"connection", b"").lower()
    keep_alive = minor == 1 and delimited and b"close" not in connection
    version = b"HTTP/1.1" if minor == 1 else b"HTTP/1.0"
    return Answer(version, status, reason, headers, body, keep_alive)


def _line(reader: IO[bytes]) -> bytes:
    line = reader.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise httpx.RemoteProtocolError("an answer line is too long")
    return line


def _status_line(reader: IO[bytes]) -> tuple[int, int, bytes]:
    line = _line(reader)
    if not line:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    match = _STATUS.fullmatch(line)
    if match is None:
        raise httpx.RemoteProtocolError(f"not an HTTP/1.x status line: {line[:80]!r}")
    return int(match.group(1)), int(match.group(2)), match.group(3) or b""


def _fields(reader: IO[bytes]) -> list[tuple[bytes, bytes]]:
    fields: list[tuple[bytes, bytes]] = []
    while True:
        line = _line(reader)
        if line in (b"\r\n", b"\n"):
            return fields
        if not line.endswith(b"\n"):
            raise httpx.RemoteProtocolError("the connection closed inside the headers")
        if line[:1] in (b" ", b"\t") and fields:  # obsolete line folding: one value
            name, value = fields[-1]
            fields[-1] = (name, value + b" " + line.strip())
            continue
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise httpx.RemoteProtocolError(f"a malformed header line: {line[:80]!r}")
        fields.append((name, value.strip()))
        if len(fields) > MAX_FIELDS:
            raise httpx.RemoteProtocolError(f"more than {MAX_FIELDS} header fields")


def _by_name(fields: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """Lower-case names; repeated fields joined with commas, as RFC 9110 allows."""
    named: dict[bytes, bytes] = {}
    for name, value in fields:
        key = name.lower()
        named[key] = named[key] + b", " + value if key in named else value
    return named


def _body(
    reader: IO[bytes], method: str, status: int, named: dict[bytes, bytes]
) -> tuple[bytes, bool]:
    """The body and whether its end was framed (not merely the connection closing)."""
    if method == "HEAD" or status < 200 or status in (204, 304):
        return b"", True
    coding = named.get(b"transfer-encoding")
    if coding is not None:
        if coding.lower().rsplit(b",", 1)[-1].strip() == b"chunked":
            return _chunked(reader), True
        return _until_close(reader), False
    length = named.get(b"content-length")
    if length is None:
        return _until_close(reader), False  # delimited by the close
    values = {v.strip() for v in length.split(b",")}
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise httpx.RemoteProtocolError(f"a malformed Content-Length: {length[:40]!r}")
    return _exactly(reader, _bounded(int(next(iter(values))))), True


def _bounded(size: int) -> int:
    if size > MAX_BODY:
        raise httpx.RemoteProtocolError(
            f"the answer's body reaches {size:,} bytes, more than omicform reads ({MAX_BODY:,})"
        )
    return size


def _until_close(reader: IO[bytes]) -> bytes:
    parts: list[bytes] = []
    total = 0
    while part := reader.read(READ_SIZE):
        total = _bounded(total + len(part))
        parts.append(part)
    return b"".join(parts)


def _exactly(reader: IO[bytes], size: int) -> bytes:
    data = reader.read(size)
    if len(data) != size:
        raise httpx.RemoteProtocolError(
            f"the connection closed {size - len(data)} bytes before the end of the answer"
        )
    return data


def _chunked(reader: IO[bytes]) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = _line(reader)
        size_text = line.split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_text):
            raise httpx.RemoteProtocolError(f"a malformed chunk size: {line[:40]!r}")
        size = int(size_text, 16)
        if size == 0:
            _fields(reader)  # the trailer, if any, ends with an empty line
            return b"".join(parts)
        total = _bounded(total + size)
        parts.append(_exactly(reader, size))
        if _line(reader) not in (b"\r\n", b"\n"):
            raise httpx.RemoteProtocolError("a chunk does not end where its size says")
