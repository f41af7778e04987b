"""A manifest's state record: the content last submitted, its submission (id, state, steps,
policy), and the intent of a POST whose answer is not recorded yet (`pending`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from omicform.state.model import ResourceState

NAME = "nemo_manifests"


@dataclass(frozen=True)
class ManifestRecord:
    """A manifest's state: the content submitted, NeMO's submission, and any unsettled intent."""

    key: str
    content_hash: str | None = None
    submission: dict[str, Any] | None = None
    pending: dict[str, Any] | None = None  # an intent: a POST started but not settled

    @property
    def address(self) -> str:
        return f"{NAME}.{self.key}"

    def evolve(self, **changes: Any) -> ManifestRecord:
        return replace(self, **changes)

    def to_state(self) -> ResourceState:
        return ResourceState(
            self.address,
            NAME,
            self.key,
            content_hash=self.content_hash,
            submission=self.submission,
            pending=self.pending,
        )

    @classmethod
    def from_state(cls, resource: ResourceState | None) -> ManifestRecord | None:
        if resource is None:
            return None
        return cls(resource.key, resource.content_hash, resource.submission, resource.pending)
