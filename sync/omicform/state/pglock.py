"""The PostgreSQL state's lock: a session-level advisory lock on a connection of its own.

The server holds the lock exactly as long as the session that took it: when the holder
ends, however it ends (exit, exception, kill -9, its machine cut off once keepalives
notice), the lock is free, so nothing stale is ever left for `force-unlock`. A row in
omicform_locks says who holds it (operation, host, pid, since) so a refused run can name
its holder; the row is trusted only while pg_locks shows that session holding the lock.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import psycopg

from omicform.state.lock import HolderAlive, StateLocked, describe_holder

if TYPE_CHECKING:
    from omicform.state.postgres import Conn, PostgresState

_CLAIM = (
    "INSERT INTO omicform_locks (name, operation, host, pid, backend_pid) "
    "VALUES (%s, %s, %s, %s, pg_backend_pid()) ON CONFLICT (name) DO UPDATE SET "
    "operation = EXCLUDED.operation, host = EXCLUDED.host, pid = EXCLUDED.pid, "
    "since = now(), backend_pid = EXCLUDED.backend_pid"
)
# The session that really holds the advisory lock, with the row it wrote if it wrote one
# (a row alone may be left by a holder that was killed: the lock is the truth). A bigint
# key shows in pg_locks as its high half in classid and its low half in objid.
_HOLDER = (
    "SELECT l.pid, h.operation, h.host, h.pid, "
    "to_char(h.since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pg_locks l "
    "LEFT JOIN omicform_locks h ON h.name = %(name)s AND h.backend_pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND l.classid = ((%(key)s::bigint >> 32) & 4294967295)::oid "
    "AND l.objid = (%(key)s::bigint & 4294967295)::oid"
)
# Server-side keepalives end the session (so free the lock) about a minute after the
# holder's machine is gone without closing the connection; the usual defaults wait hours.
LOCK_SETTINGS = (
    "SET tcp_keepalives_idle TO 30",
    "SET tcp_keepalives_interval TO 10",
    "SET tcp_keepalives_count TO 3",
)
_LOCKED_HINT = (
    "Wait for that run to finish, or pass --lock-timeout SECONDS to wait for it. PostgreSQL "
    "frees the lock the moment its holder ends, even when killed, so there is nothing to remove."
)


class PostgresLock:
    """The advisory lock on `backend`'s state name, held by a session of its own."""

    def __init__(
        self,
        backend: PostgresState,
        *,
        operation: str,
        wait: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.backend = backend
        self.operation = operation
        self.wait = wait
        self._sleep = sleep
        self._conn: Conn | None = None

    def acquire(self) -> None:
        conn = self.backend.connect(LOCK_SETTINGS)
        try:
            self._take(conn)
            with self.backend.guard("lock"):
                conn.execute(
                    _CLAIM,
                    (self.backend.name, self.operation, socket.gethostname(), os.getpid()),
                )
        except BaseException:
            conn.close()  # ending the session releases the lock if it was taken
            raise
        self._conn = conn

    def _take(self, conn: Conn) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            with self.backend.guard("lock"):
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.backend.lock_key,))
                taken = row.fetchone()
            if taken is not None and taken[0]:
                return
            if time.monotonic() >= deadline:
                holder = describe_lock_holder(holder_of(self.backend, conn))
                raise StateLocked(
                    f"{self.backend.describe()} is locked by {holder}", hint=_LOCKED_HINT
                )
            self._sleep(0.2)

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(
                "DELETE FROM omicform_locks WHERE name = %s AND backend_pid = pg_backend_pid()",
                (self.backend.name,),
            )
            conn.execute("SELECT pg_advisory_unlock(%s)", (self.backend.lock_key,))
        except psycopg.Error:
            pass  # closing the session below releases the lock all the same
        finally:
            conn.close()

    def __enter__(self) -> PostgresLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder_of(backend: PostgresState, conn: Conn | None = None) -> dict[str, Any] | None:
    """Who holds the lock now (`backend_pid` is its session), or None when it is free."""
    if conn is None:
        with backend.guard("read the lock of"), backend.session() as own:
            return holder_of(backend, own)
    with backend.guard("read the lock of"):
        row = conn.execute(_HOLDER, {"name": backend.name, "key": backend.lock_key}).fetchone()
    if row is None:
        return None
    keys = ("backend_pid", "operation", "host", "pid", "since")
    return {k: v for k, v in zip(keys, row, strict=True) if v is not None}


def describe_lock_holder(holder: dict[str, Any] | None) -> str:
    if holder is not None and "operation" not in holder:  # locked, its row not written yet
        return f"another run (PostgreSQL session {holder.get('backend_pid')})"
    return describe_holder(holder)


def force_unlock(backend: PostgresState, *, force: bool = False) -> dict[str, Any] | None:
    """Returns who held the lock; the holder's session is ended only with `force`.

    No holder is ever stale here: the lock exists only while its session is open. So
    without `force` any holder is refused as alive; with it, its session is terminated
    (which needs the same role as the holder, or pg_signal_backend).
    """
    holder = holder_of(backend)
    if holder is None:
        return None
    if not force:
        raise HolderAlive(
            f"{backend.describe()} is locked by {describe_lock_holder(holder)}, whose session "
            "is still open",
            hint="PostgreSQL frees the lock the moment its holder ends, even when killed. "
            "Only if that run is stuck, `omicform force-unlock --force` ends its session.",
        )
    with backend.guard("unlock"), backend.session() as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (holder["backend_pid"],))
        deadline = time.monotonic() + 10
        while holder_of(backend, conn) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    return holder
