"""The scheduler: runs independent changes concurrently, dependents after what they need.

Each service gets its own worker pool of `parallelism` threads; the service's rate limit
(in its transport) keeps the pools polite. Local-only changes run on the calling thread.

The scheduler keeps the queue itself and hands a pool only what may start now (at most
`parallelism` per service), so a stop request really stops: nothing queued inside a pool
would be sent after it. Setting `stop` starts nothing new, lets the requests in flight
finish (each is recorded in state as usual), ends waits and retry sleeps early, and returns
with `interrupted` set and the changes never started listed.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from omicform.connections import Connections
from omicform.engine.moves import carry_out_move
from omicform.engine.recorder import StateRecorder
from omicform.engine.registry import kind_named
from omicform.errors import OmicformError, OutcomeUnknown
from omicform.kinds.base import ApplyContext, Outcome
from omicform.model.plan import WRITES_REMOTE, Action, Change, Plan
from omicform.services.ratelimit import RateLimiter
from omicform.services.transport import ServiceTransport
from omicform.state.backends import StateBackend
from omicform.state.model import State

RESULTS = ("done", "failed", "unknown", "skipped")
NOT_STARTED = "not started"  # an outcome for a change the interrupt caught before it began
SERVICES = ("nmdc", "nemo")


class Interrupted(Exception):
    """Raised in a worker whose retry or rate-limit sleep was cut short by the stop event."""


@dataclass(frozen=True)
class ApplyOptions:
    parallelism: int = 8
    wait: bool = False
    wait_timeout: float = 3600.0
    poll_interval: float = 2.0


@dataclass
class ApplyResult:
    outcomes: list[Outcome] = field(default_factory=list)
    state: State | None = None
    interrupted: bool = False
    not_started: list[str] = field(default_factory=list)  # addresses, in plan order

    def counts(self) -> dict[str, int]:
        counted = Counter(o.result for o in self.outcomes if o.action != "no-op")
        return {r: counted[r] for r in RESULTS}

    @property
    def ok(self) -> bool:
        """Nothing failed and nothing is in doubt (blocked or unstarted changes may remain)."""
        return not any(o.result in ("failed", "unknown") for o in self.outcomes)

    @property
    def blocked(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "blocked"]

    @property
    def complete(self) -> bool:
        """Every change of the plan was carried out: nothing failed, blocked or left over."""
        return self.ok and not self.interrupted and not self.not_started and not self.blocked


def apply_plan(
    plan: Plan,
    state: State,
    store: StateBackend,
    connections: Connections,
    options: ApplyOptions = ApplyOptions(),
    *,
    stop: threading.Event | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> ApplyResult:
    """Carries out `plan`; set `stop` (from any thread) to end it early but cleanly."""
    stop = stop or threading.Event()
    recorder = StateRecorder(store, state)
    ctx = ApplyContext(
        connections=connections,
        recorder=recorder,
        wait=options.wait,
        wait_timeout=options.wait_timeout,
        poll_interval=options.poll_interval,
        on_progress=on_progress,
        sleep=_stoppable_sleep(stop, raises=False),
        stop=stop,
    )
    scheduler = _Scheduler(plan, ctx, options.parallelism, stop, on_outcome)
    try:
        with _brakes_on_transports(plan, connections, stop):
            scheduler.run()
    finally:
        recorder.checkpoint()
    scheduler.result.interrupted = stop.is_set()
    scheduler.result.state = recorder.state
    return scheduler.result


class _Scheduler:
    """The queue of changes: starts each when its dependencies are done and a slot is free."""

    def __init__(
        self,
        plan: Plan,
        ctx: ApplyContext,
        parallelism: int,
        stop: threading.Event,
        on_outcome: Callable[[Outcome], None] | None,
    ) -> None:
        self.ctx = ctx
        self.slots = max(1, parallelism)
        self.stop = stop
        self.on_outcome = on_outcome
        self.result = ApplyResult()
        self.order = [c.address for c in plan.changes]
        self.in_plan = set(self.order)
        self.pending = list(plan.changes)
        self.finished: dict[str, str] = {}  # address -> result
        self.running: dict[cf.Future[Outcome], Change] = {}
        self.unstarted: list[str] = []  # given back by a worker that saw the stop first
        self.failed = False  # a change finished other than done: later ones may be skipped

    def run(self) -> None:
        pools = {
            service: cf.ThreadPoolExecutor(self.slots, thread_name_prefix=f"omicform-{service}")
            for service in SERVICES
        }
        try:
            while (self.pending or self.running) and not self.stop.is_set():
                started = self._start_ready(pools)
                if self.running:
                    done, _ = cf.wait(self.running, return_when=cf.FIRST_COMPLETED)
                    self._collect(done)
                elif not started:
                    break  # a dependency cycle cannot come from the planner; never spin
            # Interrupted: the requests in flight finish (and are recorded) before we return.
            self._collect(cf.wait(self.running).done)
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)
        left = set(self.unstarted) | {c.address for c in self.pending}
        self.result.not_started = [a for a in self.order if a in left]

    def _start_ready(self, pools: dict[str, cf.ThreadPoolExecutor]) -> int:
        started = 0
        busy = Counter(c.service for c in self.running.values())
        for change in list(self.pending):
            remote = change.action in WRITES_REMOTE or change.action == "wait"
            if remote and busy[change.service] >= self.slots and not self.failed:
                continue  # no slot, and no failure to skip it for: the checks below agree
            if self.stop.is_set():
                break
            needs = [d for d in change.depends_on if d in self.in_plan]
            blocker = next((d for d in needs if self.finished.get(d) not in (None, "done")), None)
            if blocker is not None:
                self.pending.remove(change)
                self._record(Outcome(change.address, change.action, "skipped", _why(blocker)))
                started += 1
                continue
            if not all(d in self.finished for d in needs):
                continue
            if remote and change.service in pools:
                if busy[change.service] >= self.slots:
                    continue  # stays queued here, not in the pool: a stop must catch it
                busy[change.service] += 1
                self.pending.remove(change)
                self.running[pools[change.service].submit(_carry_out, change, self.ctx)] = change
            else:
                self.pending.remove(change)
                self._record(carry_out(change, self.ctx))
            started += 1
        return started

    def _collect(self, done: set[cf.Future[Outcome]]) -> None:
        for future in done:
            self.running.pop(future)
            self._record(future.result())

    def _record(self, outcome: Outcome) -> None:
        if outcome.result == NOT_STARTED:
            self.unstarted.append(outcome.address)
            return
        self.finished[outcome.address] = outcome.result
        self.failed = self.failed or outcome.result != "done"
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)


def carry_out(change: Change, ctx: ApplyContext) -> Outcome:
    """Hands one change to its kind; errors become failed (or unknown) outcomes."""
    try:
        if change.action is Action.FORGET:
            ctx.recorder.remove(change.address)
            return Outcome(change.address, "forget", "done", "dropped from state")
        if change.action is Action.MOVE:  # `moved:`: renamed in state, nothing remote
            return carry_out_move(change, ctx.recorder)
        if change.action is Action.BLOCKED:  # a difference the API cannot make, any kind
            return Outcome(change.address, "blocked", "skipped", change.reason)
        kind = kind_named(change.kind)
        if kind is None:
            raise OmicformError(f"no kind {change.kind!r}: the plan comes from another version")
        return kind.apply(change, ctx)
    except OutcomeUnknown as exc:
        return Outcome(change.address, change.action, "unknown", str(exc))
    except OmicformError as exc:
        return Outcome(change.address, change.action, "failed", str(exc))


def _why(blocker: str) -> str:
    return f"{blocker} did not complete"


def _carry_out(change: Change, ctx: ApplyContext) -> Outcome:
    """`carry_out` on a worker: a stop during a retry or rate-limit sleep ends it there."""
    try:
        return carry_out(change, ctx)
    except Interrupted:
        # The sleep came after an attempt that went unanswered or was refused: whether the
        # change happened is for the next plan to read back, as after a crash.
        return Outcome(
            change.address,
            change.action,
            "unknown",
            "interrupted while waiting to retry a request; the next plan reads it back",
        )


def _stoppable_sleep(stop: threading.Event, *, raises: bool) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        if stop.wait(max(0.0, seconds)) and raises:
            raise Interrupted

    return sleep


@contextmanager
def _brakes_on_transports(
    plan: Plan, connections: Connections, stop: threading.Event
) -> Iterator[None]:
    """For the apply's duration, the transports' retry and rate-limit sleeps end (raising)
    on a stop.

    Only services the plan sends to are opened (they would be opened anyway); one that cannot
    be opened (no credentials) is left alone, as no request can go through it either.
    """
    saved: list[tuple[ServiceTransport | RateLimiter, Callable[[float], None]]] = []
    used = {c.service for c in plan.changes if c.action in WRITES_REMOTE or c.action == "wait"}
    for name in SERVICES:
        if name not in used:
            continue
        try:
            service = connections.nmdc if name == "nmdc" else connections.nemo
        except OmicformError:
            continue
        transports = [service.transport, getattr(service, "login_transport", service.transport)]
        waits: list[ServiceTransport | RateLimiter] = []
        for transport in dict.fromkeys(transports):
            waits += [transport, transport.limiter]
        for holder in dict.fromkeys(waits):
            saved.append((holder, holder.sleep))
            holder.sleep = _stoppable_sleep(stop, raises=True)
    try:
        yield
    finally:
        for holder, sleep in saved:
            holder.sleep = sleep
