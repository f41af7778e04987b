"""What every change's function gets (`Context`) and gives back (`Outcome`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from omicform.connections import Connections
from omicform.execute.recorder import StateRecorder


@dataclass(frozen=True)
class Outcome:
    address: str
    action: str
    result: str  # done, failed, skipped, unknown or not started (an interrupt came first)
    message: str = ""


@dataclass
class Context:
    connections: Connections
    recorder: StateRecorder
    wait: bool = False
    wait_timeout: float = 3600.0
    poll_interval: float = 2.0
    on_progress: Callable[[str, str], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    # Set on an interrupt: waits end early, and nothing new is posted (see execute/executor.py).
    stop: threading.Event = field(default_factory=threading.Event)
    # One NeMO POST in flight at a time: then at most one intent is ever unsettled, and an
    # interrupted run's submission can be told apart from the others in NeMO's history.
    nemo_submit_lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, address: str, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(address, message)
