"""Counting what arrives, per service and route, including the answers faults replaced.

Tests read these counts to see retries happen (three GETs for one logical read), and the
admin route `/_sandbox/requests` serves the same numbers.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    service: str  # "nmdc" or "nemo"
    route: str  # "GET /wf_file_staging/globus_tasks/{task_id}"
    outcome: str  # the status sent as text ("200", "503"), or "dropped"
    fault: str | None = None  # "error", "throttle", "drop", "rate-limit" or None


class RequestLog:
    def __init__(self, keep: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._outcomes: Counter[tuple[str, str, str]] = Counter()
        self._recent: deque[RequestRecord] = deque(maxlen=keep)

    def record(self, record: RequestRecord) -> None:
        with self._lock:
            self._counts[(record.service, record.route)] += 1
            self._outcomes[(record.service, record.route, record.outcome)] += 1
            self._recent.append(record)

    def counts(self, service: str | None = None) -> dict[tuple[str, str], int]:
        """Requests per (service, route), every attempt counted."""
        with self._lock:
            return {k: v for k, v in self._counts.items() if service is None or k[0] == service}

    def outcomes(self, service: str | None = None) -> dict[tuple[str, str, str], int]:
        """Requests per (service, route, outcome)."""
        with self._lock:
            return {k: v for k, v in self._outcomes.items() if service is None or k[0] == service}

    def recent(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._recent)

    def total(self, service: str | None = None) -> int:
        return sum(self.counts(service).values())

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._outcomes.clear()
            self._recent.clear()
