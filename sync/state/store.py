"""Reading and writing the state: a snapshot file plus an append-only journal.

Apply records each finished change as one journal line, flushed to disk before the change
counts as done: O(1) per change however large the state grows. Loading replays the journal
over the snapshot; a torn last line (a crash mid-write) was never acknowledged and is
skipped. `save` writes a whole new snapshot atomically (temp file, fsync, rename) and
then drops the journal it has absorbed.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from omicform.errors import ConfigError
from omicform.state.model import STATE_FORMAT, ResourceState, State

STATE_FILE = "omicform.state.json"


def default_state_path(config_root: Path) -> Path:
    return config_root / STATE_FILE


class StateStore:
    """The state file and its journal; every method leaves both consistent on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self._lock = threading.Lock()
        self._journal: IO[bytes] | None = None

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> State:
        state = self._load_snapshot()
        for record in self._journal_records():
            if record.get("serial", 0) <= state.serial:
                continue  # absorbed by a snapshot written before the journal was dropped
            if not self.path.exists() and state.serial == 0:
                state = replace(state, lineage=str(record["lineage"]))
            if "put" in record:
                state = state.with_resource(ResourceState.from_json(record["put"]))
            else:
                state = state.without(str(record["remove"]))
            state = replace(state, serial=int(record["serial"]))
        return state

    def _load_snapshot(self) -> State:
        if not self.path.exists():
            return State()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the state file cannot be read: {exc}",
                file=str(self.path),
                hint="Restore it from version control; omicform never writes it partially.",
            ) from None
        version = data.get("format_version") if isinstance(data, dict) else None
        if version != STATE_FORMAT:
            raise ConfigError(
                f"unknown state format {version!r}",
                file=str(self.path),
                hint="This state was written by another omicform version.",
            )
        return State.from_json(data)

    def _journal_records(self) -> list[dict[str, Any]]:
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return []
        records = []
        for line in raw.split(b"\n"):
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                break  # a torn last line: that change was never acknowledged
        return records

    # -- writing ----------------------------------------------------------------------------

    def record(self, state: State, resource: ResourceState) -> State:
        """Journals one finished change and returns the state after it."""
        return self._append(state.with_resource(resource), {"put": resource.to_json()})

    def forget(self, state: State, address: str) -> State:
        return self._append(state.without(address), {"remove": address})

    def _append(self, state: State, change: dict[str, Any]) -> State:
        with self._lock:
            written = replace(state, serial=state.serial + 1)
            entry = {"serial": written.serial, "lineage": written.lineage, **change}
            line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
            handle = self._open_journal()
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
            return written

    def _open_journal(self) -> IO[bytes]:
        if self._journal is None:
            created = not self.journal_path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.journal_path, "ab")  # noqa: SIM115 - kept open across appends
            if created:
                _fsync_dir(self.path.parent)
        return self._journal

    def save(self, state: State) -> State:
        """Writes a whole snapshot with the next serial, absorbing the journal."""
        with self._lock:
            written = replace(state, serial=state.serial + 1)
            self._write(json.dumps(written.to_json(), indent=2) + "\n")
            self._close_journal()
            self.journal_path.unlink(missing_ok=True)
            return written

    def update(self, state: State, resource: ResourceState) -> State:
        return self.save(state.with_resource(resource))

    def close(self) -> None:
        with self._lock:
            self._close_journal()

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".omicform-state-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(self.path.parent)  # the rename is durable only once the folder is


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
