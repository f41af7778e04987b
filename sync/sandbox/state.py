"""The one object every part of a running sandbox shares.

Settings that may change at run time (faults, clock speeds) are frozen dataclasses swapped
whole under a lock, so a request always sees one consistent version of them.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import replace
from typing import Any

from omicform.sandbox.clock import SandboxClock
from omicform.sandbox.metrics import RequestLog
from omicform.sandbox.options import ClockSettings, FaultSettings, SandboxOptions
from omicform.sandbox.regex import RegexWorker
from omicform.sandbox.store import Store

_JWT_SECRET_META = "jwt_secret"


class SandboxState:
    def __init__(self, options: SandboxOptions, store: Store) -> None:
        self.options = options
        self.store = store
        self.clock = SandboxClock()
        self.log = RequestLog()
        self.regex = RegexWorker()  # searches list filters' $regex within a time budget
        self._lock = threading.Lock()
        self._faults = options.faults
        self._timing = options.clock
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

    def set_timing(self, **changes: Any) -> ClockSettings:
        with self._lock:
            self._timing = replace(self._timing, **changes)
            return self._timing
