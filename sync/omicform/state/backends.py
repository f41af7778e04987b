"""Where state lives: a local file (the default) or a PostgreSQL database a team shares.

Both backends keep the same promises (lineage and serial, each finished change durable
before it counts, the lineage pin beside the config, one writer at a time), so the engine
and the commands talk only to `StateBackend` and never ask which one they hold.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from omicform.state.model import ResourceState, State
from omicform.state.store import StateStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")  # libpq accepts both spellings
DEFAULT_NAME = "default"


@runtime_checkable
class StateBackend(Protocol):
    """What apply, plan and the state commands need from wherever state lives.

    Every writing method returns the state as written (its serial advanced by one, except
    `write`, which keeps the one it is given) and returns only once the write is durable.
    """

    pin: Path | None  # the lineage file beside the config (omicform.lineage), if any

    def load(self, *, check_pin: bool = True) -> State: ...

    def exists(self) -> bool:
        """True once anything was written (loading an absent state makes up a lineage)."""
        ...

    def begin(self, state: State) -> State:
        """Readies the backend for `record`/`forget` before any request is sent."""
        ...

    def record(self, state: State, resource: ResourceState) -> State: ...

    def forget(self, state: State, address: str) -> State: ...

    def save(self, state: State) -> State: ...

    def update(self, state: State, resource: ResourceState) -> State: ...

    def write(self, state: State) -> State:
        """Replaces the state whole, keeping `state`'s serial (moving state between backends)."""
        ...

    def adopt(self, state: State) -> str | None: ...

    def pinned_lineage(self) -> str | None: ...

    def has_journal(self) -> bool:
        """True when changes wait to be folded into a snapshot by `save` (the file's journal)."""
        ...

    def lock(self, operation: str, wait: float = 0.0) -> AbstractContextManager[object]:
        """The state's lock; entering it raises StateLocked naming the holder after `wait` s."""
        ...

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock (operation, host, pid, since), or None."""
        ...

    def force_unlock(self, *, force: bool = False) -> dict[str, Any] | None:
        """Removes the lock and returns who held it; a live holder only with `force`."""
        ...

    def describe(self) -> str:
        """Where the state is, for messages: never a password."""
        ...

    def close(self) -> None: ...


def is_postgres_url(url_or_path: str | Path) -> bool:
    return isinstance(url_or_path, str) and url_or_path.lower().startswith(POSTGRES_SCHEMES)


def open_state(
    url_or_path: str | Path, *, name: str = DEFAULT_NAME, pin: Path | None
) -> StateBackend:
    """The backend `url_or_path` names: a postgresql:// URL, otherwise a local file path.

    `name` picks one state among several in one database. A file holds one state only, so
    the name does not apply there (`--state local.json` overrides a config's database,
    name and all).
    """
    if is_postgres_url(url_or_path):
        # Imported here: psycopg is loaded only by those who keep state in PostgreSQL.
        from omicform.state.postgres import PostgresState

        return PostgresState(str(url_or_path), name=name, pin=pin)
    return StateStore(Path(url_or_path), pin=pin)
