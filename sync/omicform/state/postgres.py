"""State in PostgreSQL: one state that a team's machines share, under a lock that dies with
its holder.

Tables (created on first use, in the connection's current schema; `omicform_schema` holds
their version, so a later omicform can tell what it reads):
- omicform_state: one row per state name: its lineage and serial;
- omicform_resources: one row per (name, address): the resource as last recorded;
- omicform_locks: who holds each name's lock (operation, host, pid, since), for messages.

Each finished change is one transaction that moves the serial on from the one the caller
holds (compare-and-set) and puts or deletes that resource's row: a change is wholly there
or wholly absent whatever instant the process dies, and it costs O(1) however large the
state, as the file's journal line does. The serial check also stops a run that lost its
lock (a network cut, a forced unlock) before it overwrites a newer run's writes.

The lock (pglock.py) is a session-level advisory lock on a connection of its own, which
the server drops when the holder ends, however it ends.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow
from psycopg.types.json import Json

from omicform.errors import ConfigError
from omicform.services.redact import MASK, Redactor
from omicform.state.model import ResourceState, State
from omicform.state.pglock import PostgresLock, force_unlock, holder_of
from omicform.state.store import LineageMismatch, StateWriteFailed, read_pin, write_pin

Conn = psycopg.Connection[TupleRow]
Cursor = psycopg.Cursor[TupleRow]

SCHEMA_VERSION = 1
_SCHEMA = (
    "CREATE TABLE omicform_schema (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
    "version integer NOT NULL)",
    "CREATE TABLE omicform_state (name text PRIMARY KEY, lineage text NOT NULL, "
    "serial bigint NOT NULL CHECK (serial >= 0), updated_at timestamptz NOT NULL DEFAULT now())",
    # json, not jsonb: kept exactly as written (jsonb refuses a \u0000 inside text), and
    # nothing ever queries inside a resource.
    "CREATE TABLE omicform_resources (name text NOT NULL REFERENCES omicform_state (name) "
    "ON DELETE CASCADE, address text NOT NULL, serial bigint NOT NULL, resource json NOT NULL, "
    "PRIMARY KEY (name, address))",
    "CREATE TABLE omicform_locks (name text PRIMARY KEY, operation text NOT NULL, "
    "host text NOT NULL, pid integer NOT NULL, since timestamptz NOT NULL DEFAULT now(), "
    "backend_pid integer NOT NULL)",
)
_SCHEMA_KEY = 0x6F6D6963666F726D  # "omicform": serialises two first uses creating the tables

_LOAD = (
    "SELECT s.lineage, s.serial, r.resource FROM omicform_state s "
    "LEFT JOIN omicform_resources r ON r.name = s.name WHERE s.name = %s"
)  # one statement, so one snapshot: the serial and the rows always agree
_HEAD = "SELECT lineage, serial FROM omicform_state WHERE name = %s"
_ADVANCE = (
    "UPDATE omicform_state SET serial = %(serial)s, updated_at = now() "
    "WHERE name = %(name)s AND lineage = %(lineage)s AND serial = %(before)s RETURNING name"
)
# A change is one statement (so one round trip, and in autocommit its own transaction): the
# serial moves on and the row is put or deleted only if the serial was the caller's.
_PUT = (
    f"WITH head AS ({_ADVANCE}) "
    "INSERT INTO omicform_resources (name, address, serial, resource) "
    "SELECT name, %(address)s, %(serial)s, %(resource)s FROM head "
    "ON CONFLICT (name, address) DO UPDATE SET serial = EXCLUDED.serial, "
    "resource = EXCLUDED.resource"
)
_REMOVE = (
    f"WITH head AS ({_ADVANCE}), gone AS (DELETE FROM omicform_resources r USING head "
    "WHERE r.name = head.name AND r.address = %(address)s) SELECT name FROM head"
)
_CREATE = (
    "INSERT INTO omicform_state (name, lineage, serial) VALUES (%s, %s, %s) "
    "ON CONFLICT (name) DO NOTHING"
)
_OVERWRITE = (
    "INSERT INTO omicform_state (name, lineage, serial) VALUES (%s, %s, %s) ON CONFLICT (name) "
    "DO UPDATE SET lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, updated_at = now()"
)
_COPY = "COPY omicform_resources (name, address, serial, resource) FROM STDIN"
# Unless the URL says otherwise: a dead network is noticed in about a minute (keepalives),
# not after the kernel's retransmissions (a quarter of an hour) with a change in flight.
_CLIENT_DEFAULTS: dict[str, str | int] = {
    "connect_timeout": 10,
    "application_name": "omicform",
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
# A record counts as done only once durable, whatever the server's or role's default.
_WRITER_SETTINGS = ("SET synchronous_commit TO on",)


class StateDatabaseError(StateWriteFailed):
    default_hint = (
        "Check the state URL (host, port, user, password, database) and that the server is up, "
        "then run the command again; what was recorded before this is safe."
    )


class StateConflict(StateWriteFailed):
    default_hint = (
        "Another run wrote this state while this one held no lock (a forced unlock, or a lost "
        "connection). Nothing more was written; run `omicform plan` again."
    )


def redacted_url(url: str) -> str:
    """`url` with its password (in the authority or the query) replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        login, _, where = netloc.rpartition("@")
        user, colon, _ = login.partition(":")
        netloc = f"{user}:{MASK}@{where}" if colon else f"{user}@{where}"
    query = [(k, MASK if k == "password" else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))


def _secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    found = [v for k, v in parse_qsl(parts.query, True) if k == "password"]
    login = parts.netloc.rpartition("@")[0]
    if ":" in login:
        raw = login.partition(":")[2]
        found += [raw, unquote(raw)]
    return found


def state_key(name: str) -> int:
    """The advisory lock's 64-bit key for state `name` (a hash: names are open-ended text)."""
    digest = hashlib.sha256(b"omicform-state:" + name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresState:
    """A state in a PostgreSQL database; the StateBackend protocol (backends.py)."""

    def __init__(self, url: str, *, name: str = "default", pin: Path | None = None) -> None:
        if not name or len(name) > 200 or not name.isprintable():
            raise ConfigError(
                "the state name must be 1 to 200 printable characters", field="state.name"
            )
        self._url = url
        try:
            self._shown = redacted_url(url)
            self._redact = Redactor(_secrets(url))
        except ValueError as exc:  # the message names what is wrong, never the URL itself
            raise ConfigError(f"the state URL is not a valid URL: {exc}") from None
        self.name = name
        self.pin = pin
        self.lock_key = state_key(name)
        self._conn: Conn | None = None  # open from begin to close: one session per apply
        self._mutex = threading.RLock()

    def __repr__(self) -> str:
        return f"PostgresState({self.describe()!r})"

    def describe(self) -> str:
        return f"state {self.name!r} in {self._shown}"

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turns a database error into one naming the state, with the password hidden."""
        try:
            yield
        except psycopg.Error as exc:
            detail = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            raise StateDatabaseError(
                f"cannot {doing} {self.describe()}: {self._redact(detail)}"
            ) from None

    def connect(self, settings: tuple[str, ...] = _WRITER_SETTINGS) -> Conn:
        with self.guard("connect to"):
            given = conninfo_to_dict(self._url)
            extra = {k: v for k, v in _CLIENT_DEFAULTS.items() if k not in given}
            conn = psycopg.connect(make_conninfo(self._url, **extra), autocommit=True)
            try:
                for setting in settings:
                    conn.execute(setting)
                if conn.info.server_version >= 140000:
                    # A server's idle_session_timeout must not end a session holding the
                    # lock, or the writer's, while apply waits on a slow service.
                    conn.execute("SET idle_session_timeout TO 0")
                self._ensure_schema(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    @contextmanager
    def session(self) -> Iterator[Conn]:
        """The apply's session between begin and close; otherwise one for this call only."""
        if self._conn is not None:
            yield self._conn
            return
        conn = self.connect()
        try:
            yield conn
        finally:
            conn.close()

    def _ensure_schema(self, conn: Conn) -> None:
        version = _schema_version(conn)
        if version is None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_KEY,))
                version = _schema_version(conn)  # another first use may have won the race
                if version is None:
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO omicform_schema (version) VALUES (%s)", (SCHEMA_VERSION,)
                    )
                    version = SCHEMA_VERSION
        if version != SCHEMA_VERSION:
            raise ConfigError(
                f"{self._shown} holds omicform tables of version {version}; this omicform "
                f"reads version {SCHEMA_VERSION}",
                hint="Use the omicform version that wrote them (or a newer one).",
            )

    # -- reading ----------------------------------------------------------------------------

    def load(self, *, check_pin: bool = True) -> State:
        with self._mutex, self.guard("read"), self.session() as conn:
            rows = conn.execute(_LOAD, (self.name,)).fetchall()
        state = self._parse(rows)
        if check_pin:
            self._check_pin(state)
        return state if state is not None else State()

    def _parse(self, rows: list[TupleRow]) -> State | None:
        if not rows:
            return None
        try:
            resources = [ResourceState.from_json(row[2]) for row in rows if row[2] is not None]
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"{self.describe()} holds a damaged resource: {exc}",
                hint="Restore the database from a backup, or `omicform state push` a good "
                "state file with --force; never edit the tables by hand.",
            ) from None
        lineage, serial = rows[0][0], rows[0][1]
        return State(lineage, serial, {r.address: r for r in resources})

    def exists(self) -> bool:
        with self._mutex, self.guard("read"), self.session() as conn:
            return conn.execute(_HEAD, (self.name,)).fetchone() is not None

    def pinned_lineage(self) -> str | None:
        return read_pin(self.pin)

    def _check_pin(self, state: State | None) -> None:
        pinned = self.pinned_lineage()
        if pinned is None or (state is not None and state.lineage == pinned):
            return
        if state is None:
            raise LineageMismatch(
                f"this config's state (lineage {pinned}) is not in {self.describe()}: a plan "
                "now would mint, create and submit everything again",
                hint="Point the state URL and state.name at this config's state, or move the "
                f"state file there with `omicform state push`. To start a new history on "
                f"purpose, delete {self.pin}.",
            )
        raise LineageMismatch(
            f"{self.describe()} is lineage {state.lineage}, but this config's state is "
            f"lineage {pinned} (recorded in {self.pin}): it is another workspace's state",
            hint="Point state.name at this config's state. If this one is meant to replace "
            "it, run `omicform state adopt` (with the same state settings).",
        )

    # -- writing ----------------------------------------------------------------------------

    def begin(self, state: State) -> State:
        """Opens the apply's session and writes the state if it is new, before any request:
        an unreachable database fails now, not after a create."""
        with self._mutex:
            if self._conn is None:
                self._conn = self.connect()
            if self.exists():
                return state
            return self.save(state)

    def record(self, state: State, resource: ResourceState) -> State:
        change = {"address": resource.address, "resource": Json(resource.to_json())}
        return self._commit(state, state.with_resource(resource), _PUT, change)

    def forget(self, state: State, address: str) -> State:
        return self._commit(state, state.without(address), _REMOVE, {"address": address})

    def update(self, state: State, resource: ResourceState) -> State:
        return self.record(state, resource)  # one row is the whole write here

    def save(self, state: State) -> State:
        return self._commit(state, state, None, {})

    def _commit(
        self, before: State, after: State, statement: str | None, change: dict[str, Any]
    ) -> State:
        """Moves the serial on from `before`'s with `statement`'s change, or with every row
        rewritten (`save`, or a state not in the database yet: it is written whole)."""
        written = replace(after, serial=before.serial + 1)
        head = {"name": self.name, "lineage": before.lineage, "before": before.serial}
        args = {**head, "serial": written.serial, **change}
        with self._mutex, self.guard("write"), self.session() as conn:
            if statement is not None and conn.execute(statement, args).rowcount == 1:
                return self._pinned(written)
            with conn.transaction():
                cur = conn.cursor()
                if cur.execute(_ADVANCE, args).rowcount != 1:
                    cur.execute(_CREATE, (self.name, written.lineage, written.serial))
                    if cur.rowcount != 1:
                        raise self._conflict(cur, before)
                self._rewrite_rows(cur, written)
        return self._pinned(written)

    def _conflict(self, cur: Cursor, before: State) -> StateConflict:
        found = cur.execute(_HEAD, (self.name,)).fetchone()
        now = f"lineage {found[0]}, serial {found[1]}" if found else "gone"
        return StateConflict(
            f"{self.describe()} changed under this run: it read lineage {before.lineage}, "
            f"serial {before.serial}, and the database now holds {now}"
        )

    def _rewrite_rows(self, cur: Cursor, state: State) -> None:
        cur.execute("DELETE FROM omicform_resources WHERE name = %s", (self.name,))
        with cur.copy(_COPY) as copy:  # COPY: a large state is one round trip, not one each
            for address in sorted(state.resources):
                document = json.dumps(state.resources[address].to_json())
                copy.write_row((self.name, address, state.serial, document))

    def write(self, state: State) -> State:
        with self._mutex, self.guard("write"), self.session() as conn, conn.transaction():
            cur = conn.cursor()
            cur.execute(_OVERWRITE, (self.name, state.lineage, state.serial))
            self._rewrite_rows(cur, state)
        return self._pinned(state)

    def _pinned(self, state: State) -> State:
        if self.pin is not None and read_pin(self.pin) is None:
            write_pin(self.pin, state.lineage)  # pinned on the first write, as the file is
        return state

    def adopt(self, state: State) -> str | None:
        if self.pin is None:
            raise ConfigError("there is no config to pin the lineage beside")
        before = self.pinned_lineage()
        write_pin(self.pin, state.lineage)
        return before

    def has_journal(self) -> bool:
        return False  # every change is already in its row: there is nothing to fold in

    def close(self) -> None:
        with self._mutex:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    # -- the lock (pglock.py) ----------------------------------------------------------------

    def lock(self, operation: str, wait: float = 0.0) -> PostgresLock:
        return PostgresLock(self, operation=operation, wait=wait)

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock now: operation, host, pid, since, and its session's pid."""
        return holder_of(self)

    def force_unlock(self, *, force: bool = False) -> dict[str, Any] | None:
        return force_unlock(self, force=force)


# Whether the table is there, read from the catalog as a query (a fresh snapshot per
# statement) rather than by name lookup: a session keeps a name's "no such table" until it
# next locks a table, so after waiting on _SCHEMA_KEY while another first use created the
# tables, `to_regclass` still said absent and CREATE TABLE failed ("already exists").
_SCHEMA_EXISTS = (
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
    "WHERE c.relname = 'omicform_schema' AND pg_catalog.pg_table_is_visible(c.oid))"
)


def _schema_version(conn: Conn) -> int | None:
    row = conn.execute(_SCHEMA_EXISTS).fetchone()
    if row is None or not row[0]:
        return None
    found = conn.execute("SELECT version FROM omicform_schema").fetchone()
    return int(found[0]) if found is not None else None
