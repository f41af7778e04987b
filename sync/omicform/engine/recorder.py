"""The state as apply goes: every change is written to disk the moment it is known."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from omicform.state.backends import StateBackend
from omicform.state.model import ResourceState, State
from omicform.state.store import StateStore

_stamp: tuple[int, str] = (-1, "")  # the last second formatted, and its text


class _Deferred(threading.local):
    """Per thread: whether its journal lines are left for the caller to make durable, and
    the last line it wrote that is not yet known to be."""

    active = False
    ticket: int | None = None


def now() -> str:
    """The time in UTC to the second; formatted once a second, not once a change."""
    global _stamp
    second = int(time.time())
    seen, text = _stamp
    if second != seen:
        when = dt.datetime.fromtimestamp(second, dt.timezone.utc)
        text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        _stamp = (second, text)
    return text


class StateRecorder:
    """Thread-safe: workers record results; each call is one atomic state write."""

    def __init__(self, store: StateBackend, state: State) -> None:
        self._store = store
        # Before any request: an unwritable state fails now, not after a create.
        self._state = store.begin(state)
        self._lock = threading.Lock()
        # Minted ids per batch, read by every change that resolves references: kept, and
        # built again only after a change to an identifier batch (not a scan per change).
        self._minted: dict[str, tuple[str, ...]] | None = None
        self._deferred = _Deferred()

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def get(self, address: str) -> ResourceState | None:
        with self._lock:
            return self._state.get(address)

    def minted(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            if self._minted is None:
                self._minted = self._state.minted()
            return dict(self._minted)

    def put(self, resource: ResourceState) -> None:
        """Returns once the change is on disk. With the file backend, the journal line is
        written under the lock and fsync'd outside it, so changes finishing together share
        one fsync (group commit); a later line is never durable without the earlier ones."""
        resource = resource.evolve(updated_at=now())
        with self._lock:
            current = self._state.get(resource.address)
            if current is not None and current == resource.evolve(updated_at=current.updated_at):
                return  # nothing new: no write
            self._touched(current, resource)
            if not isinstance(self._store, StateStore):
                self._state = self._store.record(self._state, resource)
                return
            self._state, ticket = self._store.record_nowait(self._state, resource)
        self._durable(ticket)

    def remove(self, address: str) -> None:
        with self._lock:
            current = self._state.get(address)
            if current is None:
                return
            self._touched(current, None)
            if not isinstance(self._store, StateStore):
                self._state = self._store.forget(self._state, address)
                return
            self._state, ticket = self._store.forget_nowait(self._state, address)
        self._durable(ticket)

    def _durable(self, ticket: int) -> None:
        if self._deferred.active:
            self._deferred.ticket = ticket  # tickets grow: the last covers the earlier ones
            return
        self.wait_durable(ticket)

    @contextmanager
    def deferring(self) -> Iterator[None]:
        """On this thread, `put` and `remove` return once their journal line is written, not
        yet fsync'd. The caller then owes the durability: `settle()` before anything leaves
        for the same change (write-ahead), and `wait_durable(take_pending())` before the
        change is reported done. The apply's workers use this to send their next request
        while the last change's fsync runs."""
        self._deferred.active = True
        try:
            yield
        finally:
            self._deferred.active = False

    def take_pending(self) -> int | None:
        """The ticket of this thread's last deferred line, which the caller now owes."""
        ticket, self._deferred.ticket = self._deferred.ticket, None
        return ticket

    def settle(self) -> None:
        """Makes this thread's deferred lines durable (before a request goes out)."""
        ticket = self.take_pending()
        if ticket is not None:
            self.wait_durable(ticket)

    def wait_durable(self, ticket: int) -> None:
        """Returns once journal line `ticket` and every earlier one are on disk."""
        if isinstance(self._store, StateStore):  # only its lines have tickets
            self._store.wait_durable(ticket)

    def _touched(self, before: ResourceState | None, after: ResourceState | None) -> None:
        """Forgets the minted ids kept when an identifier batch changes (under the lock)."""
        if any(r is not None and r.kind == "identifiers" for r in (before, after)):
            self._minted = None

    def checkpoint(self) -> None:
        """Folds the journal into a fresh snapshot (the end of an apply)."""
        with self._lock:
            if self._store.has_journal():
                self._state = self._store.save(self._state)
            self._store.close()
