"""The HTTP/1.1 wire under both services: a small keep-alive connection pool on the standard
library, in place of httpx's default transport (httpcore and h11).

Why: apply sends thousands of small requests, and httpcore's pool bookkeeping and h11's
event machine cost several times the CPU of the exchange itself (bench/compare.py). Here a
request goes out in one `sendall` (head and body together) and the answer is parsed by
`http.client.HTTPResponse` (status line, headers; sized, chunked or close-delimited bodies).

What stays as httpx does it:
- TLS is verified with the context httpx itself builds (`httpx.create_ssl_context`: certifi's
  authorities or SSL_CERT_FILE/SSL_CERT_DIR, the host name checked), ALPN http/1.1;
- the request's timeouts: connect, write, read, and pool (waiting for a free connection);
- at most `max_connections` requests in flight; an idle connection the server has closed is
  never reused, nor one idle longer than 5 s (httpcore's keep-alive expiry);
- failures are httpx's exceptions with httpx's meaning, which the retry layer relies on:
  ConnectError, ConnectTimeout and PoolTimeout mean nothing was sent; anything after the
  first byte left (WriteError, ReadError, ReadTimeout, RemoteProtocolError...) means the
  outcome is unknown, and nothing here sends a request twice;
- header names and values are checked before sending (no CR, LF or NUL: no injection).

While vcrpy records or replays a cassette it patches `httpx.HTTPTransport.handle_request`;
requests then go through httpx's own transport, so that cassettes see every one of them.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from omicform.services.wire_answer import read_answer

KEEPALIVE_EXPIRY = 5.0  # seconds; servers drop idle connections (uvicorn after 5 s)

# httpx's own method, unwrapped: this module may first be imported while a cassette is
# in use (services are imported on first use), and vcrpy's replacement wraps the original.
_PRISTINE_HANDLE = inspect.unwrap(httpx.HTTPTransport.handle_request)
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(rb"[\r\n\x00]")
_BAD_TARGET = re.compile(rb"[\x00-\x20\x7f]")

Origin = tuple[str, str, int]  # scheme, host (ASCII), port
# A request extension: called once the request's last byte has left (pagination.py waits
# for it before parsing a page, so that the next request is on its way meanwhile).
SENT = "omicform.sent"


class _Connection:
    """One socket to one origin, used by one request at a time."""

    __slots__ = ("idle_since", "origin", "sock")

    def __init__(self, origin: Origin, sock: socket.socket) -> None:
        self.origin = origin
        self.sock = sock
        self.idle_since = time.monotonic()

    def reusable(self, now: float) -> bool:
        """Not expired, and nothing to read: a readable idle socket was closed by the server
        (or holds bytes no request asked for), so it must not carry the next request."""
        if now - self.idle_since > KEEPALIVE_EXPIRY:
            return False
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return False
        try:
            return not _readable(self.sock)
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def _readable(sock: socket.socket) -> bool:
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


class WireTransport(httpx.BaseTransport):
    """A thread-safe pool of HTTP/1.1 connections (LIFO: the warmest socket first)."""

    def __init__(self, *, max_connections: int = 32) -> None:
        self.max_connections = max(1, max_connections)
        self._slots = threading.BoundedSemaphore(self.max_connections)
        self._lock = threading.Lock()
        self._idle: list[_Connection] = []
        self._tls: ssl.SSLContext | None = None
        self._httpx: httpx.HTTPTransport | None = None
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if httpx.HTTPTransport.handle_request is not _PRISTINE_HANDLE:
            return self._recorded().handle_request(request)  # a cassette is in use
        origin = _origin(request.url)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        if not self._slots.acquire(timeout=timeouts.get("pool")):
            raise httpx.PoolTimeout("no connection became free in time")
        try:
            return self._exchange(origin, request, timeouts)
        finally:
            self._slots.release()

    def _exchange(
        self, origin: Origin, request: httpx.Request, timeouts: dict[str, float | None]
    ) -> httpx.Response:
        connection = self._checkout(origin, timeouts.get("connect"))
        try:
            _send(connection.sock, request, timeouts.get("write"))
            if (sent := request.extensions.get(SENT)) is not None:
                sent()
            response, keep = _receive(connection.sock, request, timeouts.get("read"))
        except BaseException:
            connection.close()
            raise
        if keep:
            self._checkin(connection)
        else:
            connection.close()
        return response

    def _checkout(self, origin: Origin, connect_timeout: float | None) -> _Connection:
        now = time.monotonic()
        while True:
            connection = self._take_idle(origin)
            if connection is None:
                return _Connection(origin, self._connect(origin, connect_timeout))
            if connection.reusable(now):
                return connection
            connection.close()

    def _take_idle(self, origin: Origin) -> _Connection | None:
        """The most recently used idle connection to `origin`, if any."""
        with self._lock:
            for i in range(len(self._idle) - 1, -1, -1):
                if self._idle[i].origin == origin:
                    return self._idle.pop(i)
        return None

    def _checkin(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        with self._lock:
            if self._closed:
                connection.close()
                return
            self._idle.append(connection)
            # Idle sockets to other origins beyond the limit: the oldest goes.
            stale = self._idle.pop(0) if len(self._idle) > self.max_connections else None
        if stale is not None:
            stale.close()

    def _connect(self, origin: Origin, timeout: float | None) -> socket.socket:
        scheme, host, port = origin
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "timed out connecting") from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                sock = self._tls_context().wrap_socket(sock, server_hostname=host)
        except TimeoutError as exc:
            sock.close()
            raise httpx.ConnectTimeout(str(exc) or "timed out in the TLS handshake") from exc
        except OSError as exc:  # ssl.SSLError (a certificate that fails) is an OSError
            sock.close()
            raise httpx.ConnectError(str(exc)) from exc
        return sock

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                context = httpx.create_ssl_context(verify=True, trust_env=True)
                context.set_alpn_protocols(["http/1.1"])
                self._tls = context
            return self._tls

    def _recorded(self) -> httpx.HTTPTransport:
        with self._lock:
            if self._httpx is None:
                limits = httpx.Limits(max_connections=self.max_connections)
                self._httpx = httpx.HTTPTransport(limits=limits)
            return self._httpx

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            fallback, self._httpx = self._httpx, None
        for connection in idle:
            connection.close()
        if fallback is not None:
            fallback.close()


def _origin(url: httpx.URL) -> Origin:
    scheme = url.scheme
    if scheme not in ("http", "https"):
        if not scheme:
            raise httpx.UnsupportedProtocol(
                "Request URL is missing an 'http://' or 'https://' protocol."
            )
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'.")
    host = url.raw_host.decode("ascii")
    if not host:
        raise httpx.ConnectError("the URL names no host")
    return scheme, host, url.port or (443 if scheme == "https" else 80)


def _head(request: httpx.Request) -> bytes:
    """The request line and headers, checked: a header cannot smuggle in another."""
    method = request.method.encode("ascii")
    target = request.url.raw_path
    if not _TOKEN.fullmatch(method) or _BAD_TARGET.search(target):
        raise httpx.LocalProtocolError(f"illegal request line: {request.method} {target!r}")
    lines = [b"%s %s HTTP/1.1" % (method, target)]
    for name, value in request.headers.raw:
        if not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise httpx.LocalProtocolError(f"illegal header {name.decode('ascii', 'replace')!r}")
        lines.append(b"%s: %s" % (name, value))
    lines += (b"", b"")
    return b"\r\n".join(lines)


def _send(sock: socket.socket, request: httpx.Request, timeout: float | None) -> None:
    head = _head(request)  # before any byte leaves: a refused header sends nothing
    chunked = "Transfer-Encoding" in request.headers
    try:
        body = request.content
    except httpx.RequestNotRead:
        body = None
    _set_timeout(sock, timeout)
    try:
        if body is not None and not chunked:
            sock.sendall(head + body)  # one segment for a small request
            return
        sock.sendall(head)
        for piece in _pieces(request, chunked):
            sock.sendall(piece)
    except TimeoutError as exc:
        raise httpx.WriteTimeout(str(exc) or "timed out sending") from exc
    except OSError as exc:
        raise httpx.WriteError(str(exc)) from exc


def _pieces(request: httpx.Request, chunked: bool) -> Iterator[bytes]:
    """A streamed body (a multipart upload), framed when its length is not known."""
    stream: Any = request.stream
    for chunk in stream:
        if chunk:
            yield b"%X\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
    if chunked:
        yield b"0\r\n\r\n"


def _receive(
    sock: socket.socket, request: httpx.Request, timeout: float | None
) -> tuple[httpx.Response, bool]:
    """The whole answer, and whether the connection may carry another request."""
    _set_timeout(sock, timeout)
    reader = sock.makefile("rb")
    try:
        answer = read_answer(reader, request.method)
    except TimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out reading") from exc
    except OSError as exc:
        raise httpx.ReadError(str(exc)) from exc
    finally:
        reader.close()  # the socket stays open: `makefile` holds its own reference
    response = httpx.Response(
        answer.status,
        headers=answer.headers,
        stream=httpx.ByteStream(answer.body),
        extensions={"http_version": answer.version, "reason_phrase": answer.reason},
    )
    return response, answer.keep_alive


def _set_timeout(sock: socket.socket, timeout: float | None) -> None:
    if sock.gettimeout() != timeout:  # each change is a system call: only when it differs
        sock.settimeout(timeout)
