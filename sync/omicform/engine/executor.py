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
import heapq
import queue
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
    """The queue of changes: starts each when its dependencies are done and a slot is free.

    The bookkeeping is per event, never a pass over the whole plan (a plan of thousands of
    creates would make that quadratic): each change counts the dependencies it still waits
    for, and becomes ready as they finish done, or doomed (to be skipped) as soon as one
    finishes otherwise. Ready and doomed changes start in plan order; a remote one only while
    its service has a free slot, so the queue stays here, where a stop catches it.
    """

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
        self.changes = list(plan.changes)
        self.order = [c.address for c in self.changes]
        in_plan = set(self.order)
        self.needs = [[d for d in c.depends_on if d in in_plan] for c in self.changes]
        self.finished: dict[str, str] = {}  # address -> result
        self.running: dict[cf.Future[Outcome], tuple[int, str]] = {}  # -> position, service
        # Finished futures, as the workers finish them: one queue to wait on, rather than
        # a waiter installed on every future in flight each time (cf.wait).
        self.done: queue.SimpleQueue[cf.Future[Outcome]] = queue.SimpleQueue()
        self.unstarted: list[str] = []  # given back by a worker that saw the stop first
        self.queued = set(range(len(self.changes)))  # neither started nor skipped yet
        self.busy: Counter[str] = Counter()
        self.doomed: list[int] = []  # heaps of plan positions
        self.local: list[int] = []
        self.remote: dict[str, list[int]] = {service: [] for service in SERVICES}
        # The service whose slots a change takes; None: it runs here, on the calling thread.
        self.lanes = [_lane(c) for c in self.changes]
        self.waiting: list[int] = []
        self.dependents: dict[str, list[int]] = {}
        for i, needs in enumerate(self.needs):
            self.waiting.append(len(set(needs)))
            for need in set(needs):
                self.dependents.setdefault(need, []).append(i)
            if not needs:
                self._ready(i)

    def run(self) -> None:
        pools = {
            service: cf.ThreadPoolExecutor(self.slots, thread_name_prefix=f"omicform-{service}")
            for service in SERVICES
        }
        try:
            while (self.queued or self.running) and not self.stop.is_set():
                started = self._start_ready(pools)
                if self.running:
                    self._collect_some()
                elif not started:
                    break  # a dependency cycle cannot come from the planner; never spin
            # Interrupted: the requests in flight finish (and are recorded) before we return.
            while self.running:
                self._collect_some()
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)
        left = set(self.unstarted) | {self.order[i] for i in self.queued}
        self.result.not_started = [a for a in self.order if a in left]

    def _ready(self, i: int) -> None:
        lane = self.lanes[i]
        heapq.heappush(self.local if lane is None else self.remote[lane], i)

    def _next(self) -> list[int] | None:
        """The queue whose head starts next: the first in plan order among the doomed, the
        local, and the remote ones of services with a free slot."""
        queues = [q for q in (self.doomed, self.local) if q]
        queues += [q for s, q in self.remote.items() if q and self.busy[s] < self.slots]
        return min(queues, key=lambda q: q[0]) if queues else None

    def _start_ready(self, pools: dict[str, cf.ThreadPoolExecutor]) -> int:
        started = 0
        while not self.stop.is_set() and (queue := self._next()) is not None:
            i = heapq.heappop(queue)
            self.queued.discard(i)
            change, lane = self.changes[i], self.lanes[i]
            started += 1
            if queue is self.doomed:
                blocker = next(
                    d for d in self.needs[i] if self.finished.get(d) not in (None, "done")
                )
                self._record(Outcome(change.address, change.action, "skipped", _why(blocker)))
            elif lane is None:
                self._record(carry_out(change, self.ctx))
            else:
                self.busy[lane] += 1
                future = pools[lane].submit(_carry_out, change, self.ctx)
                self.running[future] = (i, lane)
                future.add_done_callback(self.done.put)
        return started

    def _collect_some(self) -> None:
        """Waits for a change in flight to finish; records it and any others done by then."""
        future = self.done.get()
        while True:
            _, lane = self.running.pop(future)
            self.busy[lane] -= 1
            self._record(future.result())
            try:
                future = self.done.get_nowait()
            except queue.Empty:
                return

    def _record(self, outcome: Outcome) -> None:
        if outcome.result == NOT_STARTED:
            self.unstarted.append(outcome.address)
            return
        self.finished[outcome.address] = outcome.result
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        for j in self.dependents.get(outcome.address, ()):
            if j not in self.queued or self.waiting[j] == 0:
                continue  # started, skipped, or already ready or doomed
            if outcome.result != "done":
                self.waiting[j] = 0
                heapq.heappush(self.doomed, j)
                continue
            self.waiting[j] -= 1
            if self.waiting[j] == 0:
                self._ready(j)


def _lane(change: Change) -> str | None:
    remote = change.action in WRITES_REMOTE or change.action == "wait"
    return change.service if remote and change.service in SERVICES else None


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
