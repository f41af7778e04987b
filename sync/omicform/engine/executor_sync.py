"""The apply's durability thread: a worker's finished change is reported once its journal
line is on disk, while the worker already sends its next request.

Without it each worker waited for the group fsync (~1 ms, several under load) between one
create's answer and the next create, on every change (issue #14: 1,000 creates at
parallelism 8). Nothing is reported sooner than before: the outcome reaches the scheduler
(its dependents, `on_outcome`, the result) only after the fsync covering its line; only
the next request of the same worker overlaps that fsync. A change's own requests still
follow its journal lines to disk first (`StateRecorder.settle` in the transports).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from omicform.errors import OmicformError
from omicform.kinds.base import Outcome
from omicform.model.plan import Change

# How long lines handed over after the first share its fsync. Nothing waits for them
# meanwhile but their reports (and, once, the end of the apply); an fsync costs ~0.1 ms of
# system CPU, and with one per change they were a fifth of the apply's own CPU.
GATHER_SECONDS = 0.005


@dataclass(frozen=True)
class Unsynced:
    """A finished change whose journal lines are written but not yet durable."""

    ticket: int  # the change's last journal line
    change: Change
    outcome: Outcome  # as the kind reported it, before its lines were durable


class DurabilityThread:
    """Makes handed-over lines durable (one group fsync for all waiting), then passes each
    outcome to `finish`, called under the scheduler's `lock`.

    If the fsync fails, every change waiting on it failed, with the state store's error, as
    when the worker itself waited and the kind's `put` raised it. Anything else is a bug:
    `crashed` gets it (under the lock), and the changes are reported failed.
    """

    def __init__(
        self,
        lock: threading.Lock,
        wait_durable: Callable[[int], None],
        finish: Callable[[Outcome], None],
        crashed: Callable[[BaseException], None],
    ) -> None:
        self._lock = lock
        self._wait_durable = wait_durable
        self._finish = finish
        self._crashed = crashed
        self._ready = threading.Condition(lock)
        self._waiting: list[Unsynced] = []
        self._idle = False  # waiting for a first change: only then does `hand` wake it
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="omicform-fsync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def hand(self, unsynced: Unsynced) -> None:
        """Takes over a finished change (the caller holds the lock)."""
        self._waiting.append(unsynced)
        if self._idle:
            self._ready.notify()

    def close(self) -> None:
        """Once no worker can hand anything more: finishes what waits, and ends."""
        with self._lock:
            self._closing = True
            self._ready.notify()
        self._thread.join()

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._waiting:
                    if self._closing:
                        return
                    self._idle = True
                    self._ready.wait()
                    self._idle = False
                    continue
                if not self._closing:
                    self._ready.wait(GATHER_SECONDS)  # ended early only by `close`
                batch, self._waiting = self._waiting, []
                failure = self._sync(max(u.ticket for u in batch))
                for unsynced in batch:
                    change, outcome = unsynced.change, unsynced.outcome
                    if failure is not None:
                        outcome = Outcome(change.address, change.action, "failed", failure)
                    self._finish(outcome)

    def _sync(self, ticket: int) -> str | None:
        """Waits outside the lock; the error's text if the lines could not be made durable."""
        self._lock.release()
        try:
            self._wait_durable(ticket)
            return None
        except OmicformError as exc:  # StateWriteFailed: the journal could not be synced
            return str(exc)
        except BaseException as exc:
            with self._lock:
                self._crashed(exc)
            return f"{type(exc).__name__}: {exc}"
        finally:
            self._lock.acquire()
