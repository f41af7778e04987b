"""A thread-safe token bucket: at most `rate` requests a second, with a small burst."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Blocks callers so that requests leave at no more than `rate` per second.

    `rate=None` means unlimited. The bucket starts full, so a short burst of `burst`
    requests goes out at once; after that, requests are spaced evenly.
    """

    def __init__(
        self,
        rate: float | None,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive or None")
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self.sleep = sleep  # replaceable: apply swaps in one that ends on an interrupt
        self._tokens = float(self.burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Waits for a slot; returns the seconds spent waiting."""
        if self.rate is None:
            return 0.0
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1.0
            # A negative balance is a debt: this caller waits until it is paid off. Taking the
            # slot under the lock keeps concurrent callers in order without a condition variable.
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self.sleep(wait)
        return wait
