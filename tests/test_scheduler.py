"""The apply scheduler (engine/executor.py): order, slots, skips and stops, driven through a
scripted kind so that each change's result and timing is chosen by the test."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

import omicform.engine.executor as executor
from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, ApplyResult, apply_plan
from omicform.kinds.base import ApplyContext, Outcome
from omicform.model.plan import Action, Change, Plan
from omicform.state import State
from omicform.state.store import StateStore


class ScriptedKind:
    """Fails the addresses in `fail`; records the start order and the most in flight."""

    def __init__(self, fail: set[str] = frozenset(), delay: float = 0.01) -> None:
        self.fail = fail
        self.delay = delay
        self.started: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        self.on_start: Any = None

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        with self.lock:
            self.started.append(change.address)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.on_start is not None:
            self.on_start(change)
        time.sleep(self.delay)
        with self.lock:
            self.in_flight -= 1
        result = "failed" if change.address in self.fail else "done"
        return Outcome(change.address, change.action, result)


def create(address: str, *needs: str, service: str = "nmdc") -> Change:
    return Change(address, "scripted", address, Action.CREATE, service=service, depends_on=needs)


def run(
    tmp_path: Path,
    kind: ScriptedKind,
    changes: list[Change],
    parallelism: int = 8,
    stop: threading.Event | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> ApplyResult:
    assert monkeypatch is not None
    monkeypatch.setattr(executor, "kind_named", lambda name: kind)
    plan = Plan(lineage="l", serial=0, changes=tuple(changes))
    store = StateStore(tmp_path / "s.json")
    return apply_plan(
        plan, State(), store, Connections(env={}), ApplyOptions(parallelism), stop=stop
    )


def test_dependents_of_a_failure_are_skipped_transitively_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = ScriptedKind(fail={"a"})
    changes = [create("a"), create("b", "a"), create("c", "b"), create("d"), create("e", "d")]
    result = run(tmp_path, kind, changes, monkeypatch=monkeypatch)
    outcomes = {o.address: (o.result, o.message) for o in result.outcomes}
    assert outcomes == {
        "a": ("failed", ""),
        "b": ("skipped", "a did not complete"),
        "c": ("skipped", "b did not complete"),
        "d": ("done", ""),
        "e": ("done", ""),
    }
    assert sorted(kind.started) == ["a", "d", "e"]
    assert kind.started.index("d") < kind.started.index("e")
    assert result.not_started == [] and not result.ok


def test_one_slot_starts_ready_changes_in_plan_order_after_their_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = ScriptedKind(delay=0)
    changes = [create("p"), create("s1", "p"), create("q"), create("s2", "p", "q"), create("r")]
    result = run(tmp_path, kind, changes, parallelism=1, monkeypatch=monkeypatch)
    # Once p is done, s1 is ready and comes before q in the plan: it goes first.
    assert kind.started == ["p", "s1", "q", "s2", "r"]
    assert result.complete


def test_no_service_has_more_changes_in_flight_than_its_slots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = ScriptedKind(delay=0.02)
    changes = [create(f"n{i}") for i in range(12)] + [create("m", service="nemo")]
    result = run(tmp_path, kind, changes, parallelism=3, monkeypatch=monkeypatch)
    assert kind.most_in_flight <= 3 + 1  # three NMDC slots, and NeMO's own pool
    assert len(result.outcomes) == 13 and result.complete


def test_a_stop_starts_nothing_new_and_lists_the_rest_in_plan_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    kind = ScriptedKind(delay=0.02)
    kind.on_start = lambda change: stop.set() if change.address == "c1" else None
    changes = [create(f"c{i}") for i in range(10)]
    result = run(tmp_path, kind, changes, parallelism=2, stop=stop, monkeypatch=monkeypatch)
    assert result.interrupted
    assert kind.started == ["c0", "c1"]  # both slots were taken when the stop came
    assert sorted(o.address for o in result.outcomes) == ["c0", "c1"]  # both recorded
    assert result.not_started == [f"c{i}" for i in range(2, 10)]
