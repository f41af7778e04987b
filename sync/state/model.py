"""The state: per object, its remote identity and what omicform last applied to it.

Safe to commit: it holds field values, hashes, ids and statuses, never a credential.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

STATE_FORMAT = 1


@dataclass(frozen=True)
class ResourceState:
    address: str
    kind: str
    key: str
    fields: dict[str, Any] = field(default_factory=dict)  # declared fields as last applied
    content_hash: str | None = None  # metadata documents and manifests
    minted: tuple[str, ...] = ()  # identifier batches: every id ever minted, in order
    schema_class: str | None = None
    submission: dict[str, Any] | None = None  # NeMO: id, state, steps, policy
    run: dict[str, Any] | None = None  # NMDC json:submit: id, status
    pending: dict[str, Any] | None = None  # a non-repeatable call started but not settled
    updated_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["minted"] = list(self.minted)
        return {k: v for k, v in data.items() if v not in (None, {}, [], ()) or k == "address"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["minted"] = tuple(known.get("minted", ()))
        return cls(**known)

    def evolve(self, **changes: Any) -> ResourceState:
        return replace(self, **changes)


@dataclass(frozen=True)
class State:
    """Lineage names one history of state; serial counts its writes (a saved plan pins both)."""

    lineage: str = field(default_factory=lambda: str(uuid.uuid4()))
    serial: int = 0
    resources: dict[str, ResourceState] = field(default_factory=dict)

    def get(self, address: str) -> ResourceState | None:
        return self.resources.get(address)

    def with_resource(self, resource: ResourceState) -> State:
        resources = dict(self.resources)
        resources[resource.address] = resource
        return replace(self, resources=resources)

    def without(self, address: str) -> State:
        resources = {k: v for k, v in self.resources.items() if k != address}
        return replace(self, resources=resources)

    def minted(self) -> dict[str, tuple[str, ...]]:
        """Minted ids per identifier batch name."""
        return {r.key: r.minted for r in self.resources.values() if r.kind == "identifiers"}

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": STATE_FORMAT,
            "lineage": self.lineage,
            "serial": self.serial,
            "resources": [self.resources[a].to_json() for a in sorted(self.resources)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        resources = [ResourceState.from_json(r) for r in data.get("resources", [])]
        return cls(
            lineage=str(data["lineage"]),
            serial=int(data["serial"]),
            resources={r.address: r for r in resources},
        )
