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
    """What the state records of one address."""

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
    def from_json(cls, data: Any) -> ResourceState:
        """Raises ValueError naming what is wrong when `data` is not a state record."""
        if not isinstance(data, dict):
            raise ValueError("a resource is not a JSON object")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name, types in _RESOURCE_TYPES.items():
            value = known.get(name)
            if value is None and name not in _REQUIRED:
                continue
            if not isinstance(value, types):
                where = known.get("address") if isinstance(known.get("address"), str) else "?"
                raise ValueError(f"resource {where}: {name} is not {_TYPE_NAMES[types]}")
        minted = known.get("minted", ())
        if not all(isinstance(i, str) for i in minted):
            raise ValueError(f"resource {known['address']}: minted holds a non-text id")
        known["minted"] = tuple(minted)
        return cls(**known)

    def evolve(self, **changes: Any) -> ResourceState:
        return replace(self, **changes)


_REQUIRED = frozenset({"address", "kind", "key"})
_RESOURCE_TYPES: dict[str, type | tuple[type, ...]] = {
    "address": str,
    "kind": str,
    "key": str,
    "fields": dict,
    "content_hash": str,
    "minted": (list, tuple),
    "schema_class": str,
    "submission": dict,
    "run": dict,
    "pending": dict,
    "updated_at": str,
}
_TYPE_NAMES: dict[type | tuple[type, ...], str] = {
    str: "text",
    dict: "an object",
    (list, tuple): "a list",
}


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
        """Raises ValueError naming what is wrong when `data` is not a state document."""
        lineage, serial, listed = data.get("lineage"), data.get("serial"), data.get("resources", [])
        if not isinstance(lineage, str) or not lineage:
            raise ValueError("the lineage is missing or not text")
        if not isinstance(serial, int) or isinstance(serial, bool) or serial < 0:
            raise ValueError("the serial is missing or not a whole number")
        if not isinstance(listed, list):
            raise ValueError("resources is not a list")
        resources = [ResourceState.from_json(r) for r in listed]
        return cls(lineage=lineage, serial=serial, resources={r.address: r for r in resources})
