"""The emergency brake: Ctrl-C (or SIGTERM) during apply, the way Terraform does it.

The first signal sets a stop event: the executor starts nothing new, lets the requests in
flight finish and records them, then returns. A second signal stops at once: each finished
change is already an fsync'd journal line, so state stays consistent (a change in flight
is settled by the next plan, as after a crash).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells and Terraform report

FIRST = (
    "\nInterrupt received: starting nothing new, finishing the requests in flight. "
    "Press Ctrl-C again to stop at once.\n"
)
SECOND = "\nSecond interrupt: stopping now. Run `omicform apply` again to finish.\n"


@contextmanager
def brake() -> Iterator[threading.Event]:
    """Handles SIGINT and SIGTERM while the block runs (main thread only), then restores."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            sys.stderr.write(SECOND)
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(EXIT_INTERRUPTED)  # no joins, no waits: the journal is already durable
        stop.set()
        sys.stderr.write(FIRST)
        sys.stderr.flush()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        # Once interrupted, the process is on its way out with 130: a further Ctrl-C while it
        # prints its summary must still mean "now, with 130", not a KeyboardInterrupt.
        if not stop.is_set():
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def exit_interrupted() -> None:
    """Exits with 130, deaf to further signals: the interpreter's shutdown puts Python's
    signal handlers back to the system default, under which a Ctrl-C arriving while it
    shuts down would end the process with SIGINT's status instead of 130. Everything
    recorded is durable by now, so there is nothing left a signal could stop."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
    sys.exit(EXIT_INTERRUPTED)
