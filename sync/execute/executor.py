"""The scheduler: runs independent changes concurrently, dependents after what they need.

Each service gets its own worker pool of `parallelism` threads; the service's rate limit
(in its transport) keeps the pools polite. Local-only changes run on the calling thread.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from omicform.connections import Connections
from omicform.execute.actions import Context, Outcome, carry_out
from omicform.execute.recorder import StateRecorder
from omicform.plan.model import WRITES_REMOTE, Plan
from omicform.state.model import State
from omicform.state.store import StateStore

RESULTS = ("done", "failed", "unknown", "skipped")


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

    def counts(self) -> dict[str, int]:
        counted = Counter(o.result for o in self.outcomes if o.action != "no-op")
        return {r: counted[r] for r in RESULTS}

    @property
    def ok(self) -> bool:
        return not any(o.result in ("failed", "unknown") for o in self.outcomes)


def apply_plan(
    plan: Plan,
    state: State,
    store: StateStore,
    connections: Connections,
    options: ApplyOptions = ApplyOptions(),
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> ApplyResult:
    recorder = StateRecorder(store, state)
    ctx = Context(
        connections=connections,
        recorder=recorder,
        wait=options.wait,
        wait_timeout=options.wait_timeout,
        poll_interval=options.poll_interval,
        on_progress=on_progress,
    )
    result = ApplyResult()
    in_plan = {c.address for c in plan.changes}
    finished: dict[str, str] = {}  # address -> result
    pending = list(plan.changes)
    pools = {
        service: cf.ThreadPoolExecutor(
            max_workers=max(1, options.parallelism), thread_name_prefix=f"omicform-{service}"
        )
        for service in ("nmdc", "nemo")
    }
    running: dict[cf.Future[Outcome], str] = {}

    def record(outcome: Outcome) -> None:
        finished[outcome.address] = outcome.result
        result.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        while pending or running:
            for change in list(pending):
                needs = [d for d in change.depends_on if d in in_plan]
                if any(finished.get(d) not in (None, "done") for d in needs):
                    pending.remove(change)
                    blocker = next(d for d in needs if finished.get(d) not in (None, "done"))
                    record(
                        Outcome(
                            change.address, change.action, "skipped", f"{blocker} did not complete"
                        )
                    )
                    continue
                if not all(d in finished for d in needs):
                    continue
                pending.remove(change)
                remote = change.action in WRITES_REMOTE or change.action == "wait"
                if remote and change.service in pools:
                    running[pools[change.service].submit(carry_out, change, ctx)] = change.address
                else:
                    record(carry_out(change, ctx))
            if running:
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    running.pop(future)
                    record(future.result())
            elif pending and not any(
                all(d in finished for d in c.depends_on if d in in_plan) for c in pending
            ):
                break  # a dependency cycle cannot come from the planner; never spin
    finally:
        for pool in pools.values():
            pool.shutdown(wait=True)
        recorder.checkpoint()
    result.state = recorder.state
    return result
