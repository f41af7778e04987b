"""Reading and writing the state: a snapshot file plus an append-only journal.

Apply records each finished change as one journal line, flushed to disk before the change
counts as done: O(1) per change however large the state grows. Loading replays the journal
over the snapshot (`journal.py` says what a crash can leave there). `save` writes a whole
new snapshot atomically (temp file, fsync, rename) and then drops the journal it absorbed.

Three things keep one workspace's history from being mixed with another's:
- every journal line carries the lineage, and a journal of another lineage is refused;
- the snapshot is written before the first journal line, so a journal without a snapshot
  means the snapshot was lost, which is an error rather than a rebuild from part of history;
- the lineage is pinned in a small file beside the config (`omicform.lineage`, committed
  with it): a state file of another lineage is refused until `omicform state adopt`.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from omicform.errors import ConfigError, OmicformError
from omicform.state.journal import (
    RESTORE_HINT,
    GroupCommit,
    JournalRecord,
    fsync_dir,
    open_for_append,
    plain,
    read_records,
    resource_json,
    state_json,
    write_line,
)
from omicform.state.lock import StateLock, force_unlock
from omicform.state.model import STATE_FORMAT, ResourceState, State

STATE_FILE = "omicform.state.json"
LINEAGE_FILE = "omicform.lineage"


def default_state_path(config_root: Path) -> Path:
    return config_root / STATE_FILE


def default_pin_path(config_root: Path) -> Path:
    return config_root / LINEAGE_FILE


class StateWriteFailed(OmicformError):
    default_hint = (
        "Make the state's folder writable (or pass --state PATH to a writable place) and run "
        "the command again; what was recorded before this is safe."
    )


class LineageMismatch(ConfigError):
    """The state found is not the history this config's state belongs to."""


class StateStore:
    """The state file and its journal; every method leaves both consistent on disk."""

    def __init__(self, path: Path, *, pin: Path | None = None) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self.pin = pin
        self._lock = threading.Lock()
        self._journal: IO[bytes] | None = None
        self._commit = GroupCommit()

    # -- reading ----------------------------------------------------------------------------

    def load(self, *, check_pin: bool = True) -> State:
        records = read_records(self.journal_path)
        if not self.path.exists() and records:
            raise ConfigError(
                "the state journal is here but the state file it belongs to is missing; "
                "replaying the journal alone would forget what the state file held",
                file=str(self.path),
                hint=RESTORE_HINT,
            )
        state = self._load_snapshot()
        for record in records:
            state = _replay(state, record, self.journal_path)
        if check_pin:
            state = self._check_pin(state)
        return state

    def _load_snapshot(self) -> State:
        if not self.path.exists():
            return State()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # Recursion: nested past reading
            raise ConfigError(
                f"the state file cannot be read: {exc}",
                file=str(self.path),
                hint="Restore it from version control; omicform never writes it partially.",
            ) from None
        version = data.get("format_version") if isinstance(data, dict) else None
        if version != STATE_FORMAT:
            raise ConfigError(
                f"unknown state format {str(version)[:40]!r}",
                file=str(self.path),
                hint="This is not an omicform state file, or another omicform version wrote it.",
            )
        try:
            return State.from_json(data)
        except ValueError as exc:
            raise ConfigError(
                f"not a valid state file: {exc}",
                file=str(self.path),
                hint="Restore it from version control; omicform never writes it partially.",
            ) from None

    def pinned_lineage(self) -> str | None:
        """The lineage recorded beside the config, if any."""
        return read_pin(self.pin)

    def _check_pin(self, state: State) -> State:
        pinned = self.pinned_lineage()
        if pinned is None or pinned == state.lineage:
            return state
        if not self.path.exists():
            raise LineageMismatch(
                f"this config's state (lineage {pinned}) is missing: a plan now would mint, "
                "create and submit everything again",
                file=str(self.path),
                hint=(
                    f"Restore {self.path.name} from version control. To start a new history "
                    f"on purpose, delete {self.pin}."
                ),
            )
        raise LineageMismatch(
            f"this state is lineage {state.lineage}, but this config's state is lineage "
            f"{pinned} (recorded in {self.pin}): it is another workspace's state",
            file=str(self.path),
            hint=(
                "Use the state that belongs to this config. If this one is meant to replace "
                "it, run `omicform state adopt` (with the same -f/--state)."
            ),
        )

    # -- writing ----------------------------------------------------------------------------

    def begin(self, state: State) -> State:
        """Readies the files for journalled writes before any request is sent.

        Writes the snapshot first when there is none (so a journal never stands alone) and
        opens the journal, so an unwritable folder fails here, not after a create.
        """
        if not self.path.exists():
            state = self.save(state)
        with self._lock:
            self._open_journal()
        return state

    def record(self, state: State, resource: ResourceState) -> State:
        """Journals one finished change and returns the state after it, once on disk."""
        written, ticket = self.record_nowait(state, resource)
        self.wait_durable(ticket)
        return written

    def forget(self, state: State, address: str) -> State:
        written, ticket = self.forget_nowait(state, address)
        self.wait_durable(ticket)
        return written

    def record_nowait(self, state: State, resource: ResourceState) -> tuple[State, int]:
        """Writes the change's journal line (not yet fsync'd); `wait_durable(ticket)` returns
        once it is on disk. Lines from several threads share one fsync (group commit)."""
        resources = dict(state.resources)
        resources[resource.address] = resource
        return self._append(state, resources, {"put": resource_json(resource)})

    def forget_nowait(self, state: State, address: str) -> tuple[State, int]:
        resources = {k: v for k, v in state.resources.items() if k != address}
        return self._append(state, resources, {"remove": address})

    def _append(
        self, state: State, resources: dict[str, ResourceState], change: dict[str, Any]
    ) -> tuple[State, int]:
        with self._lock:
            if not self.path.exists():  # a journal never stands without its snapshot
                self._write_snapshot(replace(state, resources=resources))
            written = replace(state, serial=state.serial + 1, resources=resources)
            entry = {"serial": written.serial, "lineage": written.lineage, **change}
            handle = self._open_journal()
            try:
                write_line(handle, entry)
            except OSError as exc:
                raise _write_failed(self.journal_path, exc) from None
            return written, self._commit.wrote()

    def wait_durable(self, ticket: int) -> None:
        """Returns once the journal line `ticket` (and every earlier one) is on disk."""
        journal = self._journal
        try:
            self._commit.wait(ticket, journal)
        except OSError as exc:
            raise _write_failed(self.journal_path, exc) from None

    def _open_journal(self) -> IO[bytes]:
        if self._journal is None:
            try:
                self._journal = open_for_append(self.journal_path)
            except OSError as exc:
                raise _write_failed(self.journal_path, exc) from None
        return self._journal

    def save(self, state: State) -> State:
        """Writes a whole snapshot with the next serial, absorbing the journal."""
        with self._lock:
            written = replace(state, serial=state.serial + 1)
            self._write_snapshot(written)
            self._close_journal()
            self.journal_path.unlink(missing_ok=True)
            return written

    def update(self, state: State, resource: ResourceState) -> State:
        return self.save(state.with_resource(resource))

    def adopt(self, state: State) -> str | None:
        """Pins `state`'s lineage as this config's; returns the lineage it replaces."""
        if self.pin is None:
            raise ConfigError("there is no config to pin the lineage beside")
        before = self.pinned_lineage()
        self._write_file(self.pin, state.lineage + "\n")
        return before

    def close(self) -> None:
        with self._lock:
            self._close_journal()

    # -- the StateBackend protocol's rest (backends.py) -------------------------------------

    def exists(self) -> bool:
        return self.path.exists() or self.journal_path.exists()

    def has_journal(self) -> bool:
        """True while changes wait in the journal for a `save` to fold them in."""
        return self.journal_path.exists()

    def write(self, state: State) -> State:
        """Writes `state` whole as it is (its lineage and serial), absorbing the journal:
        moving state between backends keeps its serial, where `save` counts a new write."""
        with self._lock:
            self._write_snapshot(state)
            self._close_journal()
            self.journal_path.unlink(missing_ok=True)
            return state

    def lock(self, operation: str, wait: float = 0.0) -> StateLock:
        return StateLock(self.path, operation=operation, wait=wait)

    def holder(self) -> dict[str, Any] | None:
        return StateLock(self.path, operation="force-unlock").holder()

    def force_unlock(self, *, force: bool = False) -> dict[str, Any] | None:
        return force_unlock(self.path, force=force)

    def describe(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"StateStore({str(self.path)!r})"

    def _close_journal(self) -> None:
        if self._journal is not None:
            # Nothing left unsynced; a failed fsync was already reported to its change.
            with contextlib.suppress(OSError):
                self._commit.wait(self._commit.written, self._journal)
            self._journal.close()
            self._journal = None

    def _write_snapshot(self, state: State) -> None:
        document = json.dumps(state_json(state), indent=2, default=plain)
        self._write_file(self.path, document + "\n")
        if self.pin is not None and self.pinned_lineage() is None:
            self._write_file(self.pin, state.lineage + "\n")  # pinned on the first write

    def _write_file(self, path: Path, text: str) -> None:
        try:
            _atomic_write(path, text)
        except OSError as exc:
            raise _write_failed(path, exc) from None


def read_pin(pin: Path | None) -> str | None:
    """The lineage recorded in `pin` (beside the config), if any."""
    if pin is None:
        return None
    try:
        text = pin.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot be read: {exc}", file=str(pin)) from None
    return text or None


def write_pin(pin: Path, lineage: str) -> None:
    try:
        _atomic_write(pin, lineage + "\n")
    except OSError as exc:
        raise _write_failed(pin, exc) from None


def _replay(state: State, record: JournalRecord, path: Path) -> State:
    if record.serial <= state.serial:
        return state  # absorbed by a snapshot written before the journal was dropped
    if record.lineage != state.lineage:
        raise _bad_record(
            record,
            path,
            f"the journal belongs to lineage {record.lineage}, not to this state's {state.lineage}",
        )
    if record.serial != state.serial + 1:
        raise _bad_record(
            record,
            path,
            f"the journal skips from serial {state.serial} to {record.serial}: records are missing",
        )
    if record.put is not None:
        try:
            state = state.with_resource(ResourceState.from_json(record.put))
        except (ValueError, TypeError) as exc:
            raise _bad_record(record, path, f"the state journal is damaged: {exc}") from None
    elif record.remove is not None:
        state = state.without(record.remove)
    return replace(state, serial=record.serial)


def _bad_record(record: JournalRecord, path: Path, message: str) -> ConfigError:
    return ConfigError(message, file=str(path), line=record.line, hint=RESTORE_HINT)


def _write_failed(path: Path, exc: OSError) -> StateWriteFailed:
    return StateWriteFailed(f"cannot write {path}: {exc.strerror or exc}")


def _atomic_write(path: Path, text: str) -> None:
    import tempfile  # here: a plan writes no state, and tempfile imports shutil's archivers

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".omicform-state-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)  # the rename is durable only once the folder is
