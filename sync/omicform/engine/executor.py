"""The scheduler: runs independent changes concurrently, dependents after what they need.

Each service gets its own `parallelism` worker threads; the service's rate limit (in its
transport) keeps them polite. Local-only changes run on the calling thread.

The scheduler keeps the queue itself, and a worker takes a change from it only when it
starts it, so a stop request really stops: nothing queued would be sent after it. Setting
`stop` starts nothing new, lets the requests in flight finish (each is recorded in state
as usual), ends waits and retry sleeps early, and returns with `interrupted` set and the
changes never started listed.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from omicform.connections import Connections
from omicform.engine.executor_brakes import (
    SERVICES,
    Interrupted,
    brakes_on_transports,
    stoppable_sleep,
)
from omicform.engine.executor_sync import DurabilityThread, Unsynced
from omicform.engine.moves import carry_out_move
from omicform.engine.recorder import StateRecorder
from omicform.engine.registry import kind_named
from omicform.errors import OmicformError, OutcomeUnknown
from omicform.kinds.base import ApplyContext, Outcome
from omicform.model.plan import WRITES_REMOTE, Action, Change, Plan
from omicform.state.backends import StateBackend
from omicform.state.model import State

RESULTS = ("done", "failed", "unknown", "skipped")
NOT_STARTED = "not started"  # an outcome for a change the interrupt caught before it began


@dataclass(frozen=True)
class ApplyOptions:
    """How an apply runs: how many changes at once, and whether and how long it waits."""

    parallelism: int = 8
    wait: bool = False
    wait_timeout: float = 3600.0
    poll_interval: float = 2.0


@dataclass
class ApplyResult:
    """What an apply did: each change's outcome, the state it left, and what it never started."""

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
        sleep=stoppable_sleep(stop, raises=False),
        stop=stop,
    )
    scheduler = _Scheduler(plan, ctx, recorder, options.parallelism, stop, on_outcome)
    try:
        with brakes_on_transports(plan, connections, stop, recorder.settle):
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
    finishes otherwise.

    Each service has `parallelism` worker threads (its slots); a worker that finishes a
    change records it and takes the next ready one of its service itself, in plan order, so
    a create does not wait for a hand-over between threads. Doomed and local changes, and
    the `on_outcome` reports, are the calling thread's. The queue stays here, where a stop
    catches it: a worker takes nothing once the stop is set.
    """

    def __init__(
        self,
        plan: Plan,
        ctx: ApplyContext,
        recorder: StateRecorder,
        parallelism: int,
        stop: threading.Event,
        on_outcome: Callable[[Outcome], None] | None,
    ) -> None:
        self.ctx = ctx
        self.recorder = recorder  # ctx's, with what only the scheduler uses (durability)
        self.slots = max(1, parallelism)
        self.stop = stop
        self.on_outcome = on_outcome
        self.result = ApplyResult()
        self.changes = list(plan.changes)
        self.order = [c.address for c in self.changes]
        in_plan = set(self.order)
        self.needs = [[d for d in c.depends_on if d in in_plan] for c in self.changes]
        self.finished: dict[str, str] = {}  # address -> result
        self.lock = threading.Lock()  # everything below is read and written under it
        self.work = threading.Condition(self.lock)  # a worker may take a change
        self.wake = threading.Condition(self.lock)  # the calling thread has something to do
        self.running = 0
        self.reports: list[Outcome] = []  # for on_outcome, on the calling thread
        self.crash: BaseException | None = None  # a bug in a worker: raised on return
        self.halt = False
        self.unstarted: list[str] = []  # given back by a worker that saw the stop first
        self.queued = set(range(len(self.changes)))  # neither started nor skipped yet
        self.doomed: list[int] = []  # heaps of plan positions
        self.local: list[int] = []
        self.remote: dict[str, list[int]] = {service: [] for service in SERVICES}
        # The service whose slots a change takes; None: it runs here, on the calling thread.
        self.lanes = [_lane(c) for c in self.changes]
        self.waiting: list[int] = []
        self.dependents: dict[str, list[int]] = {}  # written here only: read without the lock
        self.durability = DurabilityThread(
            self.lock, recorder.wait_durable, self._finish, self._crashed
        )
        with self.lock:
            for i, needs in enumerate(self.needs):
                self.waiting.append(len(set(needs)))
                for need in set(needs):
                    self.dependents.setdefault(need, []).append(i)
                if not needs:
                    self._ready(i)

    def run(self) -> None:
        remote = Counter(lane for lane in self.lanes if lane is not None)
        workers = [
            threading.Thread(target=self._work, args=(lane,), name=f"omicform-{lane}-{n}")
            for lane, count in remote.items()
            for n in range(min(self.slots, count))
        ]
        self.durability.start()
        for worker in workers:
            worker.start()
        try:
            self._here()
        finally:
            with self.lock:
                self.halt = True
                self.work.notify_all()
            for worker in workers:
                worker.join()  # the changes in flight finish and are recorded
            self.durability.close()
        self._report()
        if self.crash is not None:
            raise self.crash
        left = set(self.unstarted) | {self.order[i] for i in self.queued}
        self.result.not_started = [a for a in self.order if a in left]

    def _ready(self, i: int) -> None:
        lane = self.lanes[i]
        heapq.heappush(self.local if lane is None else self.remote[lane], i)
        if lane is None:
            self.wake.notify()
        else:
            self.work.notify()

    def _work(self, lane: str) -> None:
        """A worker of `lane`: takes the first ready change while there is no stop."""
        queue = self.remote[lane]
        with self.recorder.deferring(), self.lock:
            while True:
                if self.halt or self.stop.is_set() or self.crash is not None:
                    self.wake.notify()  # the calling thread may be waiting for this
                    return
                if not queue:
                    self.work.wait()
                    continue
                i = heapq.heappop(queue)
                self.queued.discard(i)
                self.running += 1
                self.lock.release()
                outcome: Outcome | None = None
                unsynced: Unsynced | None = None
                try:
                    outcome, unsynced = self._attempt(i)
                except BaseException as exc:  # a bug: stop everything, raise it on return
                    self.crash = self.crash or exc
                finally:
                    self.recorder.take_pending()  # after a crash: the checkpoint saves it
                    self.lock.acquire()
                if unsynced is not None:
                    self.durability.hand(unsynced)  # still running until it is durable
                else:
                    self._finish(outcome)

    def _attempt(self, i: int) -> tuple[Outcome | None, Unsynced | None]:
        """On a worker: the change's outcome, or what it wrote that is not yet durable.

        The fsync is left to the durability thread unless a dependent could be waiting for
        this outcome: then the worker waits for it, so that the dependent is ready before
        the worker takes its next change, in plan order as always."""
        change, recorder = self.changes[i], self.recorder
        outcome = _carry_out(change, self.ctx)
        ticket = recorder.take_pending()
        if ticket is None:
            return outcome, None
        if not self.dependents.get(change.address):
            return None, Unsynced(ticket, change, outcome)
        try:
            recorder.wait_durable(ticket)
        except OmicformError as exc:  # as if the kind's own `put` had raised it
            return Outcome(change.address, change.action, "failed", str(exc)), None
        return outcome, None

    def _finish(self, outcome: Outcome | None) -> None:
        """A worker's change is over (under the lock); None: it crashed."""
        self.running -= 1
        if outcome is not None:
            self._record(outcome)
        if self.reports or not self.running or self.crash is not None:
            self.wake.notify()  # only then has the calling thread anything to do

    def _crashed(self, exc: BaseException) -> None:
        self.crash = self.crash or exc

    def _here(self) -> None:
        """The calling thread: doomed and local changes in plan order, and the reports."""
        while True:
            with self.lock:
                i = self._next_here()
                while i is None and not self.reports and not self._over():
                    # Woken by every event it acts on; the timeout only bounds how late it
                    # sees a stop set from elsewhere while nothing else happens.
                    self.wake.wait(timeout=0.5)
                    i = self._next_here()
                if i is None and not self.reports:
                    return
            self._report()
            if i is not None:
                outcome = self._skip(i) if i < 0 else carry_out(self.changes[i], self.ctx)
                with self.lock:
                    self._record(outcome)

    def _next_here(self) -> int | None:
        """The next doomed (as -1 - position) or local change, the first in plan order."""
        if self.stop.is_set() or self.crash is not None:
            return None
        if self.doomed and (not self.local or self.doomed[0] < self.local[0]):
            i = heapq.heappop(self.doomed)
            self.queued.discard(i)
            return -1 - i
        if self.local:
            i = heapq.heappop(self.local)
            self.queued.discard(i)
            return i
        return None

    def _over(self) -> bool:
        """Nothing in flight, and nothing more will start (all done, a stop, or a cycle)."""
        if self.running:
            return False
        if self.crash is not None or self.stop.is_set() or not self.queued:
            return True
        return not any(self.remote.values())  # a dependency cycle: never from the planner

    def _skip(self, doomed: int) -> Outcome:
        i = -1 - doomed
        change = self.changes[i]
        with self.lock:
            blocker = next(d for d in self.needs[i] if self.finished.get(d) not in (None, "done"))
        return Outcome(change.address, change.action, "skipped", _why(blocker))

    def _report(self) -> None:
        with self.lock:
            reports, self.reports = self.reports, []
        if self.on_outcome is not None:
            for outcome in reports:
                self.on_outcome(outcome)

    def _record(self, outcome: Outcome) -> None:
        if outcome.result == NOT_STARTED:
            self.unstarted.append(outcome.address)
            return
        self.finished[outcome.address] = outcome.result
        self.result.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.reports.append(outcome)
        for j in self.dependents.get(outcome.address, ()):
            if j not in self.queued or self.waiting[j] == 0:
                continue  # started, skipped, or already ready or doomed
            if outcome.result != "done":
                self.waiting[j] = 0
                heapq.heappush(self.doomed, j)
                self.wake.notify()
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
