"""Plan and Change values, and their JSON form (versioned, in the spirit of Terraform's)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from omicform import __version__

PLAN_FORMAT = "1.0"


class Action(str, Enum):
    """What a change does: a closed set. The values are the plan JSON's `actions` strings."""

    MINT = "mint"
    CREATE = "create"
    UPDATE = "update"
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    ADOPT = "adopt"
    WAIT = "wait"
    BLOCKED = "blocked"
    FORGET = "forget"
    MOVE = "move"  # renamed in state only (`moved:`): nothing remote
    NO_OP = "no-op"

    # A str subclass: equal to, hashed as and JSON-encoded as its value; shown as its value.
    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


# In the order a plan lists them; `changing` ones make --detailed-exitcode answer 2.
ACTIONS = tuple(a.value for a in Action)
# `adopt` records in state a submission an interrupted apply made: pending work, like
# `blocked`, so CI that applies only on 2 settles it.
CHANGING = frozenset(
    {
        Action.MINT,
        Action.CREATE,
        Action.UPDATE,
        Action.SUBMIT,
        Action.RESUBMIT,
        Action.ADOPT,
        Action.FORGET,
        Action.MOVE,
        Action.BLOCKED,
    }
)
WRITES_REMOTE = frozenset(
    {Action.MINT, Action.CREATE, Action.UPDATE, Action.SUBMIT, Action.RESUBMIT}
)

KNOWN_AFTER_APPLY = "(known after apply)"


class Payload(Protocol):
    """What apply needs of one change, typed by its kind (each kind defines its own);
    `to_json` is the change's `detail` in the JSON plan."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Detail:
    """A payload as the JSON plan holds it, before (or without) its kind's decoding: a
    change with nothing to carry (forget) has an empty one."""

    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


# Turns a change's `detail` into its kind's payload: (kind, detail) -> Payload.
Decode = Callable[[str, dict[str, Any]], Payload]


def _undecoded(kind: str, data: dict[str, Any]) -> Payload:
    return Detail(data)


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change."""

    name: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Drift:
    """An object changed outside omicform since state last recorded it: fields omicform
    ignores (shown, never changed back), or, in a refresh-only plan, any field."""

    address: str
    kind: str
    key: str
    field_changes: tuple[FieldChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "key": self.key,
            "field_changes": [f.to_json() for f in self.field_changes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Drift:
        return cls(
            address=data["address"],
            kind=data["kind"],
            key=data["key"],
            field_changes=tuple(
                FieldChange(f["name"], f["before"], f["after"])
                for f in data.get("field_changes", ())
            ),
        )


@dataclass(slots=True)
class Change:
    """One address's planned action, with everything apply needs to carry it out.

    Nothing changes one once planned (`dataclasses.replace` makes another). Slots and not
    frozen: a plan of 100,000 records makes 100,000 of them, and a frozen dataclass of
    twelve fields is made several times slower.
    """

    address: str
    kind: str
    key: str
    action: Action
    reason: str = ""
    service: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    after_unknown: tuple[str, ...] = ()
    field_changes: tuple[FieldChange, ...] = ()
    depends_on: tuple[str, ...] = ()
    detail: Payload = field(default_factory=Detail)

    def __post_init__(self) -> None:
        # Given its JSON string, the field still holds the enum member (`is` compares work).
        if self.action.__class__ is not Action:
            self.action = Action(self.action)

    @property
    def changing(self) -> bool:
        return self.action in CHANGING

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "key": self.key,
            "actions": [self.action],
            "action_reason": self.reason or None,
            "service": self.service,
            "before": self.before,
            "after": self.after,
            "after_unknown": list(self.after_unknown),
            "field_changes": [f.to_json() for f in self.field_changes],
            "depends_on": list(self.depends_on),
            "detail": self.detail.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], decode: Decode = _undecoded) -> Change:
        return cls(
            address=data["address"],
            kind=data["kind"],
            key=data["key"],
            action=Action(data["actions"][0]),
            reason=data.get("action_reason") or "",
            service=data.get("service"),
            before=data.get("before"),
            after=data.get("after"),
            after_unknown=tuple(data.get("after_unknown", ())),
            field_changes=tuple(
                FieldChange(f["name"], f["before"], f["after"])
                for f in data.get("field_changes", ())
            ),
            depends_on=tuple(data.get("depends_on", ())),
            detail=decode(data["kind"], dict(data.get("detail") or {})),
        )


@dataclass(frozen=True)
class Plan:
    """Every planned change, and what apply checks before it makes any (lineage, serial, files)."""

    lineage: str
    serial: int
    changes: tuple[Change, ...]
    fingerprints: Mapping[str, str | None] = field(default_factory=dict)
    config_files: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    refresh_only: bool = False
    drift: tuple[Drift, ...] = ()
    created_at: str = field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    )

    @property
    def has_changes(self) -> bool:
        """Changes to make; in a refresh-only plan, drift to record in state. Drift of
        ignored fields in a normal plan is shown, never counted."""
        if self.refresh_only and self.drift:
            return True
        return any(c.changing for c in self.changes)

    def counts(self) -> dict[str, int]:
        counted = Counter(c.action for c in self.changes)
        return {a.value: counted[a] for a in Action if counted[a]}

    def get(self, address: str) -> Change | None:
        return next((c for c in self.changes if c.address == address), None)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "format_version": PLAN_FORMAT,
            "omicform_version": __version__,
            "created_at": self.created_at,
            "lineage": self.lineage,
            "serial": self.serial,
            "refresh_only": self.refresh_only,
            "config_files": list(self.config_files),
            "resource_changes": [c.to_json() for c in self.changes],
            "prior_fingerprints": dict(self.fingerprints),
            "warnings": list(self.warnings),
            "summary": self.counts(),
            "has_changes": self.has_changes,
        }
        if self.drift:  # omitted when empty: plans without drift read as before
            document["resource_drift"] = [d.to_json() for d in self.drift]
        return document

    @classmethod
    def from_json(cls, data: dict[str, Any], decode: Decode = _undecoded) -> Plan:
        """`decode` gives each change its kind's payload (the engine's registry knows them)."""
        return cls(
            lineage=data["lineage"],
            serial=int(data["serial"]),
            changes=tuple(Change.from_json(c, decode) for c in data["resource_changes"]),
            fingerprints=dict(data.get("prior_fingerprints") or {}),
            config_files=tuple(data.get("config_files") or ()),
            warnings=tuple(data.get("warnings") or ()),
            refresh_only=bool(data.get("refresh_only")),
            drift=tuple(Drift.from_json(d) for d in data.get("resource_drift") or ()),
            created_at=data.get("created_at", ""),
        )
