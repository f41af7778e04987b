"""Injected trouble: latency, 5xx answers, 429s, dropped connections and rate limits.

An ASGI layer around the whole app (outside Starlette's own error handling, so that it can
reach uvicorn's connection to drop it). It counts every service request, also the ones it
answers itself, and never touches `/_sandbox` admin routes.

Faults are decided in this order with one random draw, so their rates add up: drop, error,
throttle. An error or a drop hits either before the request reaches the service (nothing
happened) or after it (the write happened, the answer is lost: the "unknown outcome" a
client must settle by reading back); `FaultSettings.error_phase` picks which, or mixes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import random
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from omicform.sandbox.metrics import RequestRecord
from omicform.sandbox.options import FaultSettings
from omicform.sandbox.routes import RouteTable, split_service
from omicform.sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ERROR_STATUSES = (500, 502, 503)
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Decision:
    latency: float
    kind: str | None  # "drop", "error", "throttle" or None
    before: bool  # for drop and error: before the service handles the request
    status: int  # for error


class FaultInjector:
    """Seeded decisions: the same seed gives the same faults for the same request order."""

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def decide(self, faults: FaultSettings) -> Decision:
        # Always four draws, so turning one fault on does not shift the others' sequence.
        with self._lock:
            u_latency, u_kind, u_phase, u_status = (self._rng.random() for _ in range(4))
        low, high = faults.latency
        latency = low + (high - low) * u_latency
        kind = None
        if u_kind < faults.drop_rate:
            kind = "drop"
        elif u_kind < faults.drop_rate + faults.error_rate:
            kind = "error"
        elif u_kind < faults.drop_rate + faults.error_rate + faults.throttle_rate:
            kind = "throttle"
        phase = faults.error_phase
        before = phase == "before" or (phase == "mixed" and u_phase < 0.5)
        status = ERROR_STATUSES[min(int(u_status * len(ERROR_STATUSES)), 2)]
        return Decision(latency, kind, before, status)


class TokenBucket:
    """`rate` requests a second with a burst of `rate` (at least one)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rate: float | None = None
        self._tokens = 0.0
        self._updated = 0.0

    def take(self, rate: float | None) -> float | None:
        """None if the request may go; otherwise the seconds until it could."""
        if rate is None:
            return None
        with self._lock:
            now = self._clock()
            capacity = max(1.0, rate)
            if rate != self._rate:  # a new limit starts with a full bucket
                self._rate, self._tokens, self._updated = rate, capacity, now
            self._tokens = min(capacity, self._tokens + (now - self._updated) * rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return (1.0 - self._tokens) / rate


def _json_body(service: str, text: str) -> bytes:
    key = "detail" if service == "nmdc" else "message"
    return json.dumps({key: text}, separators=(",", ":")).encode()


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Closes the connection with no answer at all.

    uvicorn's `send` is a method of its request cycle, which holds the connection's
    transport; closing it directly is the only way ASGI allows to answer nothing. Under
    another server, the fallback starts an answer and abandons it (a truncated response).
    """
    # Through wrappers that say what they wrap (`__wrapped__`, as the access log does).
    transport = getattr(getattr(inspect.unwrap(send), "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "close"):
        transport.close()
        # Let uvicorn see the disconnect before the app returns, so it sends nothing.
        for _ in range(3):
            await asyncio.sleep(0)
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ConnectionAbortedError("sandbox dropped the connection")


async def _drain(receive: Receive) -> None:
    """Reads the request body, so that an answer sent without it is still well-formed HTTP."""
    while True:
        message = await receive()
        if message.get("type") != "http.request" or not message.get("more_body"):
            return


class FaultLayer:
    """The ASGI wrapper: rate limits, faults and the request log."""

    def __init__(self, app: ASGIApp, state: SandboxState, routes: dict[str, RouteTable]) -> None:
        self.app = app
        self.state = state
        self.routes = routes
        self.injector = FaultInjector(state.options.fault_seed)
        self.buckets = {"nmdc": TokenBucket(), "nemo": TokenBucket()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service, _prefix, local = split_service(scope["path"])
        if service is None:
            await self.app(scope, receive, send)
            return
        table = self.routes.get(service)
        route = f"{scope['method']} {table.template(local) if table else local}"
        faults = self.state.faults

        def record(outcome: str, fault: str | None = None) -> None:
            self.state.log.record(RequestRecord(service, route, outcome, fault))

        wait = self.buckets[service].take(faults.rate_limit(service))
        if wait is not None:
            await _drain(receive)
            record("429", "rate-limit")
            await self._too_many(send, service, max(1, math.ceil(wait)))
            return

        decision = self.injector.decide(faults)
        if decision.latency > 0:
            await asyncio.sleep(decision.latency)
        if decision.kind == "throttle":
            await _drain(receive)
            record("429", "throttle")
            await self._too_many(send, service, faults.retry_after)
            return
        if decision.kind in ("drop", "error") and not decision.before:
            # The service does its work; its answer is thrown away (even a crash's).
            with contextlib.suppress(Exception):
                await self.app(scope, receive, _discard)
        elif decision.kind is not None:
            await _drain(receive)
        # Each request is logged before its answer leaves, so that a client that has the
        # answer also sees it counted.
        if decision.kind == "drop":
            record("dropped", "drop")
            await _drop(send)
            return
        if decision.kind == "error":
            record(str(decision.status), "error")
            reason = _REASONS[decision.status].encode()
            await _respond(send, decision.status, reason, "text/plain; charset=utf-8", [])
            return

        recorded = False

        async def logging_send(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                record(str(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            if not recorded:
                record("dropped")

    async def _too_many(self, send: Send, service: str, retry_after: int) -> None:
        text = "Too Many Requests" if service == "nmdc" else "Too many requests."
        await _respond(
            send,
            429,
            _json_body(service, text),
            "application/json",
            [(b"retry-after", str(retry_after).encode())],
        )


async def _discard(message: Message) -> None:
    """A `send` that loses the answer (the fault happens after the work)."""
