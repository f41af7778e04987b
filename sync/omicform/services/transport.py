"""An httpx transport that adds a service's rate limit, retries and request log.

It sits under the generated clients, so every call through them gets the same behaviour
without any caller knowing about it (the way httpx intends transports to be used).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from omicform.services.ratelimit import RateLimiter
from omicform.services.reqlog import RequestLog
from omicform.services.retry import RETRY_STATUSES, RetryPolicy

REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Raised before a single byte of the request reached the server: repeating cannot duplicate.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class RequestSafety:
    """Which requests may be repeated after an unclear failure (5xx, timeout, dropped line).

    GET and friends always; PATCH when the service's PATCH replaces a whole record; POSTs
    only to the listed path suffixes (token exchange, validation, search). A create is never
    here: whether it happened is settled by reading the object back, not by resending it.
    """

    patch_repeatable: bool = False
    repeatable_post_suffixes: frozenset[str] = field(default_factory=frozenset)

    def is_repeatable(self, request: httpx.Request) -> bool:
        method = request.method.upper()
        if method in REPEATABLE_METHODS:
            return True
        if method == "PATCH":
            return self.patch_repeatable
        if method == "POST":
            path = request.url.path
            return any(path.endswith(suffix) for suffix in self.repeatable_post_suffixes)
        return False


class ServiceTransport(httpx.BaseTransport):
    """Rate limit, retry with backoff and jitter, and log every request of one service."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        service: str,
        limiter: RateLimiter,
        retry: RetryPolicy,
        safety: RequestSafety,
        sleep: Callable[[float], None] = time.sleep,
        log: RequestLog | None = None,
    ) -> None:
        self._inner = inner
        self.service = service
        self.limiter = limiter
        self.retry = retry
        self.safety = safety
        self.sleep = sleep
        self.log = log or RequestLog(service)
        self.requests_sent = 0  # every attempt that left, retries included (benchmarks read it)
        # Called before a request goes out, on the sending thread: the apply makes the
        # journal lines of the change being carried out durable first (write-ahead).
        self.before_send: Callable[[], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.before_send is not None:
            self.before_send()
        repeatable = self.safety.is_repeatable(request)
        attempt = 1
        while True:
            self.limiter.acquire()
            started = time.monotonic()
            self.requests_sent += 1
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as exc:
                self.log.failed(request, exc, (time.monotonic() - started) * 1000)
                may_retry = repeatable or isinstance(exc, NOT_SENT_ERRORS)
                if isinstance(exc, httpx.UnsupportedProtocol):
                    raise  # a URL without http(s):// never works, however often it is tried
                if not may_retry or attempt >= self.retry.max_attempts:
                    raise
                delay = self.retry.backoff(attempt)
                reason = type(exc).__name__
            else:
                self.log.answered(request, response, (time.monotonic() - started) * 1000)
                status = response.status_code
                # 429 means the server refused to process the request, so even a create may
                # be repeated; any other 5xx leaves a create's outcome unknown.
                may_retry = status == 429 or (repeatable and status in RETRY_STATUSES)
                if not may_retry or attempt >= self.retry.max_attempts:
                    return response
                delay = self.retry.delay(attempt, response.headers.get("Retry-After"))
                reason = f"status {status}"
                response.read()
                response.close()
            self.log.retrying(request, attempt + 1, self.retry.max_attempts, reason, delay)
            self.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._inner.close()
