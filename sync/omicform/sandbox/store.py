"""Where the sandbox keeps its records: one SQLite database, on disk or in memory.

Every record is a JSON document in a named collection under a unique key; `seq` grows with
each insert and gives the insertion order (the order NMDC lists in). Using SQLite for the
in-memory case too keeps one code path. Datetimes round-trip as `{"$date": ...}`, the way
Mongo's extended JSON writes them, so stored dates stay dates (filters compare them as such).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

DB_FILE = "sandbox.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, key)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(obj.get("$date"), str):
        return datetime.fromisoformat(obj["$date"])
    return obj


def encode(doc: Any) -> str:
    return json.dumps(doc, default=_default, separators=(",", ":"))


_DECODER = json.JSONDecoder(object_hook=_hook)  # one, not one per document read


def decode(text: str) -> Any:
    return _DECODER.decode(text)


def _where(where: Mapping[str, str] | None) -> tuple[str, list[Any]]:
    if not where:
        return "", []
    for name in where:
        if not name.isidentifier():  # names go into the SQL text; values are parameters
            raise ValueError(f"not a field name: {name!r}")
    clause = "".join(f" AND json_extract(body, '$.{name}') = ?" for name in where)
    return clause, list(where.values())


class Store:
    """A thread-safe document store. Use `atomic()` around read-then-write sequences."""

    def __init__(self, data_dir: Path | None = None, *, fresh: bool = False) -> None:
        self.path: Path | None = None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            self.path = data_dir / DB_FILE
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        target = str(self.path) if self.path else ":memory:"
        # One connection shared by the server's threads, serialised by our own lock.
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        if self.path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Holds the store for a check-then-write, inside one SQLite transaction."""
        with self._lock:
            if self._db.in_transaction:  # nested: the outer block commits
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def insert(self, collection: str, key: str, doc: Any) -> bool:
        """Adds a document; False (and nothing written) if the key is taken."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO docs (collection, key, body) VALUES (?, ?, ?)",
                (collection, key, encode(doc)),
            )
            return cursor.rowcount == 1

    def put(self, collection: str, key: str, doc: Any) -> None:
        """Inserts or replaces; a replaced document keeps its place in the order."""
        with self._lock:
            self._db.execute(
                "INSERT INTO docs (collection, key, body) VALUES (?, ?, ?) "
                "ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body",
                (collection, key, encode(doc)),
            )

    def get(self, collection: str, key: str) -> Any | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM docs WHERE collection = ? AND key = ?", (collection, key)
            ).fetchone()
        return decode(row[0]) if row else None

    def delete(self, collection: str, key: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM docs WHERE collection = ? AND key = ?", (collection, key)
            )
            return cursor.rowcount == 1

    def scan(
        self,
        collection: str,
        *,
        after: int = 0,
        where: Mapping[str, str] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[tuple[int, Any]]:
        """(seq, document) pairs in insertion order, after the given seq.

        `where` keeps documents whose top-level text fields equal the given values; it is
        evaluated by SQLite, so documents it drops are never decoded.
        """
        clause, params = _where(where)
        sql = f"SELECT seq, body FROM docs WHERE collection = ? AND seq > ?{clause} ORDER BY seq"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        with self._lock:
            rows = self._db.execute(sql, [collection, after, *params]).fetchall()
        if not rows:
            return []
        # One parse for the lot: a listed page reads thousands of small documents, and a
        # parse of each one alone cost a quarter more.
        docs = decode("[" + ",".join(body for _, body in rows) + "]")
        return list(zip((seq for seq, _ in rows), docs, strict=True))

    def iter_scan(
        self, collection: str, *, after: int = 0, chunk: int = 200
    ) -> Iterator[tuple[int, Any]]:
        """Like `scan`, a chunk at a time: a caller that stops early decodes no more."""
        while True:
            rows = self.scan(collection, after=after, limit=chunk)
            yield from rows
            if len(rows) < chunk:
                return
            after = rows[-1][0]

    def count(self, collection: str, *, where: Mapping[str, str] | None = None) -> int:
        clause, params = _where(where)
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM docs WHERE collection = ?{clause}", [collection, *params]
            ).fetchone()
        return int(row[0])

    def has(self, collection: str, key: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM docs WHERE collection = ? AND key = ?", (collection, key)
            ).fetchone()
        return row is not None

    def meta(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def bump(self, name: str) -> int:
        """Adds one to a named counter (kept with the data) and returns the new value."""
        with self._lock:
            row = self._db.execute(
                "INSERT INTO meta (name, value) VALUES (?, '1') "
                "ON CONFLICT (name) DO UPDATE SET value = CAST(value AS INTEGER) + 1 "
                "RETURNING value",
                (name,),
            ).fetchone()
        return int(row[0])
