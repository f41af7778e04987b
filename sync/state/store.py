"""Reading and writing the state file; each write is atomic (temp file, fsync, rename)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from omicform.errors import ConfigError
from omicform.state.model import STATE_FORMAT, ResourceState, State

STATE_FILE = "omicform.state.json"


def default_state_path(config_root: Path) -> Path:
    return config_root / STATE_FILE


class StateStore:
    """The state file. `save` bumps the serial; a crash leaves the old or the new file whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load(self) -> State:
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

    def save(self, state: State) -> State:
        """Writes `state` with the next serial and returns what was written."""
        with self._lock:
            written = replace(state, serial=state.serial + 1)
            self._write(json.dumps(written.to_json(), indent=2, sort_keys=False) + "\n")
            return written

    def update(self, state: State, resource: ResourceState) -> State:
        return self.save(state.with_resource(resource))

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
        # The rename is durable only once the folder's entry is on disk too.
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
