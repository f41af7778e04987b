"""What the engine hands a kind (the contexts of plan, read and apply) and what a kind gives
back (a `Change` when planning, an `Outcome` when applying).

These live here, below the engine, so that a kind needs nothing from the engine above it:
the engine imports the kinds, never the reverse.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from omicform.connections import Connections
from omicform.desired.model import DesiredState, Reference, Template
from omicform.desired.problems import Problems
from omicform.desired.references import REFERENCED, references_in
from omicform.errors import ConfigError
from omicform.model.plan import Action, Change, Drift, Payload
from omicform.model.snapshot import Snapshot
from omicform.state.model import ResourceState, State

T = TypeVar("T")
P = TypeVar("P", bound=Payload)

PAGE_SIZE = 2000  # records per list request when reading in batches


@dataclass(frozen=True)
class LocalFiles:
    """The user's files each kind read and checked before any request, by address (a
    metadata document, a NeMO manifest): planning reads them from here, never from disk."""

    by_address: dict[str, object] = field(default_factory=dict)

    def get(self, address: str, typed: type[T]) -> T:
        value = self.by_address[address]
        if not isinstance(value, typed):
            raise TypeError(f"{address}: {type(value).__name__} is not {typed.__name__}")
        return value

    def of_type(self, typed: type[T]) -> dict[str, T]:
        return {a: v for a, v in self.by_address.items() if isinstance(v, typed)}


@dataclass
class CheckContext:
    """Offline checks, before any request. Plan and apply stop at the first problem
    (`problems` None: the kind raises it); validate collects every problem and warning."""

    desired: DesiredState
    minted: Mapping[str, Sequence[str]]
    files: LocalFiles = field(default_factory=LocalFiles)
    problems: Problems | None = None
    warnings: Problems | None = None


@dataclass
class PlanContext:
    """Everything planning may look at. Planning is pure: nothing here sends or reads files."""

    desired: DesiredState
    state: State
    snapshot: Snapshot
    files: LocalFiles
    minted: dict[str, tuple[str, ...]]
    declared: frozenset[str] = frozenset()  # every address the desired state declares
    # Changes planned so far, by address: the kinds are planned in dependency order, so a
    # kind sees what the kinds it depends on will do (a batch minted, a project created).
    planned: dict[str, Change] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Changes made outside omicform to fields it ignores, for the plan's own section.
    drift: list[Drift] = field(default_factory=list)
    # A refresh-only plan: drift of every declared field is shown (and recorded by apply).
    refresh_only: bool = False
    # What a kind worked out once for this plan and may reuse (the 10,000 samples of one
    # project all wait, or not, on the same project's change).
    memo: dict[Any, Any] = field(default_factory=dict)

    def action_of(self, address: str) -> Action | None:
        change = self.planned.get(address)
        return change.action if change is not None else None


@dataclass
class ReadContext:
    """What a kind's batched read of the services gets; it adds what it finds to `snapshot`."""

    desired: DesiredState
    state: State
    connections: Connections
    snapshot: Snapshot
    files: LocalFiles | None
    wanted: set[str] | None  # only these addresses (a saved plan's pins); None: all
    page_size: int

    def wants(self, address: str) -> bool:
        return self.wanted is None or address in self.wanted

    def only_wanted(self, items: Iterable[T], address: Callable[[T], str]) -> list[T]:
        return [i for i in items if self.wants(address(i))]


@dataclass(frozen=True)
class AdoptContext:
    """`omicform import`: the desired state, the state as it is, and the services."""

    desired: DesiredState
    state: State
    connections: Connections


@dataclass(frozen=True)
class Outcome:
    """What applying one change came to, for the progress and the summary."""

    address: str
    action: str
    result: str  # done, failed, skipped, unknown or not started (an interrupt came first)
    message: str = ""


def payload_of(change: Change, decode: Callable[[dict[str, Any]], P], typed: type[P]) -> P:
    """The change's payload as its kind's type: as planned, or decoded from a saved plan."""
    detail = change.detail
    return detail if isinstance(detail, typed) else decode(detail.to_json())


def not_dumpable(name: str) -> ConfigError:
    return ConfigError(f"{name} cannot be dumped", field="KIND")


def mint_dependencies(values: Iterable[Any], ctx: PlanContext) -> list[str]:
    """The batches `values` refer to that this plan mints: their changes must wait for them."""
    batches = {
        ref.batch
        for value in values
        if isinstance(value, (Reference, Template, list, dict))
        for ref in references_in(value)
    }
    addresses = (f"{REFERENCED}.{b}" for b in sorted(batches))
    return [a for a in addresses if ctx.action_of(a) is Action.MINT]


class Recorder(Protocol):
    """The state as apply goes; every `put` is written to disk at once."""

    @property
    def state(self) -> State: ...
    def get(self, address: str) -> ResourceState | None: ...
    def minted(self) -> dict[str, tuple[str, ...]]: ...
    def put(self, resource: ResourceState) -> None: ...
    def remove(self, address: str) -> None: ...


@dataclass
class ApplyContext:
    """What a kind is handed to apply its changes: the services, the recorder, the waits."""

    connections: Connections
    recorder: Recorder
    wait: bool = False
    wait_timeout: float = 3600.0
    poll_interval: float = 2.0
    on_progress: Callable[[str, str], None] | None = None
    sleep: Callable[[float], None] = time.sleep
    # Set on an interrupt: waits end early, and nothing new is posted (see engine/executor.py).
    stop: threading.Event = field(default_factory=threading.Event)
    # One NeMO POST in flight at a time: then at most one intent is ever unsettled, and an
    # interrupted run's submission can be told apart from the others in NeMO's history.
    nemo_submit_lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, address: str, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(address, message)


class Addressed(Protocol):
    @property
    def address(self) -> str: ...


Item = TypeVar("Item", bound=Addressed)


class SectionKind(Generic[Item]):
    """What every kind answers alike: its items are those the loader kept under its section
    (its `name`), and each item knows its own address."""

    name: str

    def declared(self, desired: DesiredState) -> Sequence[Item]:
        items: Sequence[Item] = desired.of(self.name)
        return items

    def address(self, item: Item) -> str:
        return item.address
