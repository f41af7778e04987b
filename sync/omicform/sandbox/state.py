"""The one object every part of a running sandbox shares.

Settings that may change at run time (faults, clock speeds) are frozen dataclasses swapped
whole under a lock, so a request always sees one consistent version of them.
"""

from __future__ import annotations

import secrets
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from omicform.sandbox.clock import SandboxClock
from omicform.sandbox.metrics import RequestLog
from omicform.sandbox.options import ClockSettings, FaultSettings, NemoVariants, SandboxOptions
from omicform.sandbox.regex import RegexWorker
from omicform.sandbox.store import Store

_JWT_SECRET_META = "jwt_secret"


def _open_log(target: bool | Path) -> TextIO | None:
    """The access log's stream: stderr for True, a file (appended to, line-buffered)."""
    if isinstance(target, Path):
        return target.open("a", encoding="utf-8", buffering=1)
    return sys.stderr if target else None


class SandboxState:
    def __init__(self, options: SandboxOptions, store: Store) -> None:
        self.options = options
        self.store = store
        self.clock = SandboxClock()
        self.log = RequestLog()
        self.regex = RegexWorker()  # searches list filters' $regex within a time budget
        self.access_log = _open_log(options.access_log)
        self._lock = threading.Lock()
        self._faults = options.faults
        self._timing = options.clock
        self._variants = options.nemo_variants
        # A NeMO ingest step every new submission fails at (None: they succeed).
        self.nemo_fail_step: str | None = None
        # Kept with the data, so tokens handed out before a restart stay valid after it.
        secret = store.meta(_JWT_SECRET_META)
        if secret is None:
            secret = secrets.token_hex(32)
            store.set_meta(_JWT_SECRET_META, secret)
        self.jwt_secret = secret

    def close(self) -> None:
        """Stops the regex helper and closes the store (the server has stopped serving)."""
        self.regex.close()
        self.store.close()
        if self.access_log is not None and self.access_log is not sys.stderr:
            self.access_log.close()

    @property
    def faults(self) -> FaultSettings:
        return self._faults

    @property
    def timing(self) -> ClockSettings:
        return self._timing

    def set_faults(self, **changes: Any) -> FaultSettings:
        """Replaces some fault settings (validated as a whole) and returns the new ones."""
        with self._lock:
            self._faults = replace(self._faults, **changes)
            return self._faults

    @property
    def nemo_variants(self) -> NemoVariants:
        return self._variants

    def set_nemo_variants(self, **changes: Any) -> NemoVariants:
        with self._lock:
            self._variants = replace(self._variants, **changes)
            return self._variants

    def set_timing(self, **changes: Any) -> ClockSettings:
        with self._lock:
            self._timing = replace(self._timing, **changes)
            return self._timing
