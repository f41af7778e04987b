"""What NMDC says of submitted metadata: json:validate's verdict and a workflow run. Imported
by the calls that return them, which a plan of staging records never makes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ValidationOutcome:
    """NMDC's json:validate verdict: errors by collection."""

    ok: bool
    errors: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RunInfo:
    """A workflow run NMDC reports for a submission."""

    id: str
    status: str  # REQUESTED, STARTED, FAIL or COMPLETE
    started_at: str | None = None
    job: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("COMPLETE", "FAIL")
