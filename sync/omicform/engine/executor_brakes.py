"""The apply's hold on the service transports while it runs: sleeps that a stop ends, and
write-ahead of a worker's journal lines before its next request."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from omicform.connections import Connections
from omicform.errors import OmicformError
from omicform.model.plan import WRITES_REMOTE, Plan
from omicform.services.ratelimit import RateLimiter
from omicform.services.transport import ServiceTransport

SERVICES = ("nmdc", "nemo")


class Interrupted(Exception):
    """Raised in a worker whose retry or rate-limit sleep was cut short by the stop event."""


def stoppable_sleep(stop: threading.Event, *, raises: bool) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        if stop.wait(max(0.0, seconds)) and raises:
            raise Interrupted

    return sleep


@contextmanager
def brakes_on_transports(
    plan: Plan, connections: Connections, stop: threading.Event, settle: Callable[[], None]
) -> Iterator[None]:
    """For the apply's duration, the transports' retry and rate-limit sleeps end (raising)
    on a stop, and a worker's journal lines are on disk before its next request leaves
    (`settle`: write-ahead, while their fsync is otherwise left to the durability thread).

    Only services the plan sends to are opened (they would be opened anyway); one that cannot
    be opened (no credentials) is left alone, as no request can go through it either.
    """
    saved: list[tuple[ServiceTransport | RateLimiter, Callable[[float], None]]] = []
    hooked: list[ServiceTransport] = []
    used = {c.service for c in plan.changes if c.action in WRITES_REMOTE or c.action == "wait"}
    for name in SERVICES:
        if name not in used:
            continue
        try:
            service = connections.nmdc if name == "nmdc" else connections.nemo
        except OmicformError:
            continue
        transports = [service.transport, getattr(service, "login_transport", service.transport)]
        waits: list[ServiceTransport | RateLimiter] = []
        for transport in dict.fromkeys(transports):
            waits += [transport, transport.limiter]
            hooked.append(transport)
            transport.before_send = settle
        for holder in dict.fromkeys(waits):
            saved.append((holder, holder.sleep))
            holder.sleep = stoppable_sleep(stop, raises=True)
    try:
        yield
    finally:
        for holder, sleep in saved:
            holder.sleep = sleep
        for transport in hooked:
            transport.before_send = None
