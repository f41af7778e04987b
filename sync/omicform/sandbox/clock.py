"""The sandbox's clock: real time plus an offset that the admin handle can push forward.

Asynchronous work (NeMO ingest steps, NMDC runs) is not driven by timers: it is worked out
from this clock whenever something is read, so jumping the clock forward finishes work at
once and a restarted sandbox carries on where the stored timestamps say it should.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

_LATEST = datetime(9999, 1, 1, tzinfo=timezone.utc).timestamp()


class SandboxClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, as the sandbox sees it."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        """Moves sandbox time forward (never back: stored events must stay in order)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            # Past the year 9999 (or NaN) no timestamp could be written any more.
            if not time.time() + self._offset + seconds < _LATEST:
                raise ValueError(f"cannot move the clock {seconds} seconds forward")
            self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset
