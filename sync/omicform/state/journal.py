"""The journal: one fsync'd JSON line per finished change, replayed over the snapshot.

Every line is written whole with one `write` ending in a newline, so the only damage a
crash can do is a last line without its newline (torn): that change was never
acknowledged, so it is cut off before the next append and skipped when reading. Any other
unreadable line is damage nobody should paper over: reading stops with an error that
names the line, instead of silently dropping every later record.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from omicform.errors import ConfigError

RESTORE_HINT = (
    "Restore the state and its journal from version control or a backup; "
    "never edit the journal by hand."
)


@dataclass(frozen=True)
class JournalRecord:
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
    except ValueError:
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
    handle.write((json.dumps(entry, separators=(",", ":")) + "\n").encode())
    handle.flush()
    os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
