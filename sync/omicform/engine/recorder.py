"""The state as apply goes: every change is written to disk the moment it is known."""

from __future__ import annotations

import datetime as dt
import threading

from omicform.state.backends import StateBackend
from omicform.state.model import ResourceState, State
from omicform.state.store import StateStore


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class StateRecorder:
    """Thread-safe: workers record results; each call is one atomic state write."""

    def __init__(self, store: StateBackend, state: State) -> None:
        self._store = store
        # Before any request: an unwritable state fails now, not after a create.
        self._state = store.begin(state)
        self._lock = threading.Lock()

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def get(self, address: str) -> ResourceState | None:
        with self._lock:
            return self._state.get(address)

    def minted(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            return self._state.minted()

    def put(self, resource: ResourceState) -> None:
        """Returns once the change is on disk. With the file backend, the journal line is
        written under the lock and fsync'd outside it, so changes finishing together share
        one fsync (group commit); a later line is never durable without the earlier ones."""
        resource = resource.evolve(updated_at=now())
        with self._lock:
            current = self._state.get(resource.address)
            if current is not None and current.evolve(updated_at=None) == resource.evolve(
                updated_at=None
            ):
                return  # nothing new: no write
            if not isinstance(self._store, StateStore):
                self._state = self._store.record(self._state, resource)
                return
            self._state, ticket = self._store.record_nowait(self._state, resource)
        self._store.wait_durable(ticket)

    def remove(self, address: str) -> None:
        with self._lock:
            if self._state.get(address) is None:
                return
            if not isinstance(self._store, StateStore):
                self._state = self._store.forget(self._state, address)
                return
            self._state, ticket = self._store.forget_nowait(self._state, address)
        self._store.wait_durable(ticket)

    def checkpoint(self) -> None:
        """Folds the journal into a fresh snapshot (the end of an apply)."""
        with self._lock:
            if self._store.has_journal():
                self._state = self._store.save(self._state)
            self._store.close()
