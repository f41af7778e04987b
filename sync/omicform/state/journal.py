"""The journal: one fsync'd JSON line per finished change, replayed over the snapshot.

Every line is written whole with one `write` ending in a newline, so the only damage a
crash can do is a last line without its newline (torn): that change was never
acknowledged, so it is cut off before the next append and skipped when reading. Any other
unreadable line is damage nobody should paper over: reading stops with an error that
names the line, instead of silently dropping every later record.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from dataclasses import asdict, dataclass, fields, is_dataclass
from pathlib import Path
from typing import IO, Any

from omicform.errors import ConfigError
from omicform.state.model import STATE_FORMAT, ResourceState, State

RESTORE_HINT = (
    "Restore the state and its journal from version control or a backup; "
    "never edit the journal by hand."
)


@dataclass(frozen=True)
class JournalRecord:
    """One line of the state journal: a resource put or removed."""

    serial: int
    lineage: str
    put: dict[str, Any] | None
    remove: str | None
    line: int


def read_records(path: Path) -> list[JournalRecord]:
    """Every complete record, in order; a torn last line is left out."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ConfigError(
            f"the state journal cannot be read: {exc.strerror}", file=str(path), hint=RESTORE_HINT
        ) from None
    lines = raw.split(b"\n")
    # The piece after the last newline is empty, or a torn write that was never acknowledged.
    complete = lines[:-1]
    records = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        records.append(_parse(line, number, path))
    return records


def _parse(line: bytes, number: int, path: Path) -> JournalRecord:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise _damaged(path, number, "is not a journal record")
    serial, lineage = data.get("serial"), data.get("lineage")
    put, remove = data.get("put"), data.get("remove")
    if not isinstance(serial, int) or isinstance(serial, bool) or not isinstance(lineage, str):
        raise _damaged(path, number, "has no serial or lineage")
    if not (isinstance(put, dict) and isinstance(put.get("address"), str)) and not isinstance(
        remove, str
    ):
        raise _damaged(path, number, "records neither a put nor a remove")
    return JournalRecord(
        serial,
        lineage,
        put if isinstance(put, dict) else None,
        remove if put is None else None,
        number,
    )


def _damaged(path: Path, line: int, what: str) -> ConfigError:
    return ConfigError(
        f"the state journal is damaged: this line {what}, and the records after it "
        "cannot be trusted",
        file=str(path),
        line=line,
        hint=RESTORE_HINT,
    )


def open_for_append(path: Path) -> IO[bytes]:
    """Opens the journal to append whole lines, first cutting off a torn last line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    handle = open(path, "a+b")  # noqa: SIM115 - kept open across appends by the store
    try:
        _cut_torn_tail(handle)
    except BaseException:
        handle.close()
        raise
    if created:
        fsync_dir(path.parent)
    return handle


def _cut_torn_tail(handle: IO[bytes]) -> None:
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return
    handle.seek(size - 1)
    if handle.read(1) == b"\n":
        return
    # Find the end of the last complete line, reading backwards in blocks.
    end = size
    keep = 0
    while end > 0:
        start = max(0, end - 65536)
        handle.seek(start)
        block = handle.read(end - start)
        cut = block.rfind(b"\n")
        if cut >= 0:
            keep = start + cut + 1
            break
        end = start
    handle.truncate(keep)
    handle.flush()
    os.fsync(handle.fileno())
    handle.seek(0, os.SEEK_END)


def append_line(handle: IO[bytes], entry: dict[str, Any]) -> None:
    """Writes one record and returns only once it is on disk."""
    write_line(handle, entry)
    os.fsync(handle.fileno())


def write_line(handle: IO[bytes], entry: dict[str, Any]) -> None:
    """Hands one whole record to the operating system (one `write`); not yet fsync'd."""
    handle.write((json.dumps(entry, separators=(",", ":"), default=plain) + "\n").encode())
    handle.flush()


def plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


_RESOURCE_FIELDS = tuple(f.name for f in fields(ResourceState))


def resource_json(resource: ResourceState) -> dict[str, Any]:
    """`resource.to_json()` without `asdict`'s deep copy (the line is serialised at once)."""
    out: dict[str, Any] = {}
    for name in _RESOURCE_FIELDS:
        value = getattr(resource, name)
        if name == "minted":
            value = list(value)
        if value not in (None, {}, [], ()) or name == "address":
            out[name] = value
    return out


def state_json(state: State) -> dict[str, Any]:
    """`state.to_json()` without `asdict`'s deep copy of every resource: the snapshot at the
    end of an apply is serialised at once, and the copy cost more than the writing."""
    return {
        "format_version": STATE_FORMAT,
        "lineage": state.lineage,
        "serial": state.serial,
        "resources": [resource_json(state.resources[a]) for a in sorted(state.resources)],
    }


class GroupCommit:
    """Group commit: one fsync makes every journal line written before it durable.

    Each written line takes a ticket; `wait(ticket)` returns once an fsync that started
    after that line's write has finished. While one thread fsyncs, the others that wrote
    meanwhile wait for the next one, which covers all their lines at once. A failed fsync
    is final (the kernel may have dropped the pages): every later wait raises it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.written = 0
        self._synced = 0
        self._syncing = False
        self._failed: OSError | None = None

    def wrote(self) -> int:
        """Counts a line already handed to the OS; the caller holds the journal's lock."""
        with self._cond:
            self.written += 1
            return self.written

    def wait(self, ticket: int, handle: IO[bytes] | None) -> None:
        with self._cond:
            while True:
                if self._failed is not None:
                    raise OSError(self._failed.errno, self._failed.strerror)
                if self._synced >= ticket:
                    return
                if not self._syncing:
                    break
                self._cond.wait()
            self._syncing = True
            target = self.written
        synced = False
        try:
            if handle is None or handle.closed:
                raise OSError(errno.EBADF, "the journal was closed before its lines were synced")
            os.fsync(handle.fileno())
            synced = True
        except OSError as exc:
            with self._cond:
                self._failed = exc
            raise
        finally:
            with self._cond:
                if synced:
                    self._synced = max(self._synced, target)
                self._syncing = False
                self._cond.notify_all()


def fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
