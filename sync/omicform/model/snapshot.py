"""What refresh found: one `Remote` per address it looked up."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


def fingerprint(data: Any) -> str | None:
    """A short, stable digest of a remote object as read; None for 'absent'."""
    if data is None:
        return None
    # Both reads being compared come from the same server in the same form: no normalising.
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Remote:
    """One object as the service has it now; `data` is None when it does not exist."""

    address: str
    data: dict[str, Any] | None
    # Fields a saved plan does not pin (`ignore_changes`: others write them meanwhile).
    unpinned: frozenset[str] = frozenset()

    @property
    def exists(self) -> bool:
        return self.data is not None

    @property
    def fingerprint(self) -> str | None:
        if self.data is None or not self.unpinned:
            return fingerprint(self.data)
        return fingerprint({k: v for k, v in self.data.items() if k not in self.unpinned})


@dataclass
class Snapshot:
    """What the services answered during a refresh, by address."""

    remotes: dict[str, Remote] = field(default_factory=dict)
    # json:validate's verdict per metadata address: errors per collection ({} when valid).
    validation: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(
        self, address: str, data: dict[str, Any] | None, unpinned: frozenset[str] = frozenset()
    ) -> None:
        self.remotes[address] = Remote(address, data, unpinned)

    def get(self, address: str) -> Remote | None:
        return self.remotes.get(address)

    def fingerprints(self) -> dict[str, str | None]:
        return {a: r.fingerprint for a, r in sorted(self.remotes.items())}


class Fingerprints(Mapping[str, "str | None"]):
    """A plan's pins (the fingerprint of each remote record of the given kinds), computed
    on first use: only a saved plan needs them, and hashing every record read is a large
    share of a big plan's time."""

    def __init__(self, snapshot: Snapshot, kinds: frozenset[str]) -> None:
        self._remotes = dict(snapshot.remotes)  # as planned, whatever is read later
        self._kinds = kinds
        self._pins: dict[str, str | None] | None = None

    def _computed(self) -> dict[str, str | None]:
        if self._pins is None:
            kinds, remotes = self._kinds, self._remotes
            self._pins = {
                a: remotes[a].fingerprint for a in sorted(remotes) if a.split(".", 1)[0] in kinds
            }
        return self._pins

    def __getitem__(self, address: str) -> str | None:
        return self._computed()[address]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())
