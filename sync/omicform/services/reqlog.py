"""The request log of one service, on logger `omicform.http`.

INFO (-v): one line per request: service, method, path, the shortened query, status, time.
DEBUG (-vv): also the bytes sent and received, and every retry with its attempt, reason and
wait. Never a header or a body, and every line goes through the service's redactor.

The transport is a hot path (thousands of creates a run), so each method returns at once
when its level is off: nothing is formatted or redacted for a line nobody will see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from omicform.services.display import target

log = logging.getLogger("omicform.http")


class RequestLog:
    def __init__(self, service: str, redact: Callable[[str], str] = lambda text: text) -> None:
        self.service = service
        self.redact = redact

    def _line(self, request: httpx.Request) -> str:
        return f"{self.service} {request.method} {target(request.url, self.redact)}"

    def answered(self, request: httpx.Request, response: httpx.Response, ms: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        log.info("%s -> %d (%.0f ms)", self._line(request), response.status_code, ms)
        if not log.isEnabledFor(logging.DEBUG):
            return
        if response.is_stream_consumed:  # an answer already in memory (a fake peer's)
            self._sizes(request, len(response.content))
        else:
            # Count the body as the client reads it, rather than reading it here.
            response.stream = _Counted(response.stream, lambda n: self._sizes(request, n))

    def _sizes(self, request: httpx.Request, received: int) -> None:
        log.debug(
            "%s sent %s B, received %d B", self._line(request), request_size(request), received
        )

    def failed(self, request: httpx.Request, exc: httpx.TransportError, ms: float) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info("%s failed after %.0f ms: %s", self._line(request), ms, type(exc).__name__)

    def retrying(
        self, request: httpx.Request, attempt: int, of: int, reason: str, wait: float
    ) -> None:
        """`attempt` is the number of the attempt about to be made (2 for the first retry)."""
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s retry: attempt %d of %d in %.2f s (%s)",
                self._line(request),
                attempt,
                of,
                wait,
                reason,
            )


def request_size(request: httpx.Request) -> str:
    """The body's length in bytes, without reading a streamed (multipart) body."""
    length: str | None = request.headers.get("Content-Length")
    if length is not None:
        return length
    try:
        return str(len(request.content))
    except httpx.RequestNotRead:
        return "?"


class _Counted(httpx.SyncByteStream):
    """A response body that reports its length in bytes once it has been read and closed."""

    def __init__(self, inner: Any, done: Callable[[int], None]) -> None:
        self._inner = inner
        self._done = done
        self._count = 0
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._count += len(chunk)
            yield chunk

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._inner.close()
            self._done(self._count)
