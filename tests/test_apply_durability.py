"""Apply's workers leave a finished change's fsync to the durability thread
(engine/executor_sync.py) and send their next request meanwhile: still no change is
reported before its journal line is on disk, a change's own requests follow its lines to
disk, dependents start in plan order, and a failed fsync fails the changes it covered."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import omicform.engine.executor as executor
from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, ApplyResult, apply_plan
from omicform.engine.recorder import StateRecorder
from omicform.kinds.base import ApplyContext, Outcome
from omicform.model.plan import Action, Change, Plan
from omicform.services.ratelimit import RateLimiter
from omicform.services.retry import RetryPolicy
from omicform.services.transport import RequestSafety, ServiceTransport
from omicform.state import State
from omicform.state.model import ResourceState
from omicform.state.store import StateStore, StateWriteFailed


class PuttingKind:
    """Records each change in state, as every remote kind does when its request is done."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.lock = threading.Lock()

    def apply(self, change: Change, ctx: ApplyContext) -> Outcome:
        with self.lock:
            self.started.append(change.address)
        threading.Event().wait(0.002)  # the request
        ctx.recorder.put(ResourceState(change.address, "putting", change.key))
        return Outcome(change.address, "create", "done")


def create(address: str, *needs: str) -> Change:
    return Change(address, "putting", address, Action.CREATE, service="nmdc", depends_on=needs)


def run(
    tmp_path: Path,
    changes: list[Change],
    monkeypatch: pytest.MonkeyPatch,
    parallelism: int = 8,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> tuple[PuttingKind, ApplyResult]:
    kind = PuttingKind()
    monkeypatch.setattr(executor, "kind_named", lambda name: kind)
    plan = Plan(lineage="l", serial=0, changes=tuple(changes))
    store = StateStore(tmp_path / "s.json")
    result = apply_plan(
        plan,
        State(),
        store,
        Connections(env={}),
        ApplyOptions(parallelism),
        on_outcome=on_outcome,
    )
    return kind, result


def test_no_change_is_reported_before_its_journal_line_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "s.json.journal"
    durable = [b""]  # the journal as the last finished fsync left it
    real = os.fsync

    def fsync(fd: int) -> None:
        written = journal.read_bytes() if journal.exists() else b""
        threading.Event().wait(0.003)  # a slow disk: workers run on meanwhile
        real(fd)
        durable[0] = max(durable[0], written, key=len)

    reported: list[tuple[str, bool]] = []

    def on_outcome(outcome: Outcome) -> None:
        reported.append((outcome.address, f'"{outcome.address}"'.encode() in durable[0]))

    monkeypatch.setattr(os, "fsync", fsync)
    _, result = run(tmp_path, [create(f"c{i}") for i in range(40)], monkeypatch, 4, on_outcome)
    monkeypatch.setattr(os, "fsync", real)
    assert result.complete and len(reported) == 40
    assert all(on_disk for _, on_disk in reported), reported
    assert len(StateStore(tmp_path / "s.json").load(check_pin=False).resources) == 40


def test_a_change_with_dependents_waits_for_its_fsync_so_they_start_in_plan_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes = [create("p"), create("s1", "p"), create("q"), create("s2", "p", "q"), create("r")]
    kind, result = run(tmp_path, changes, monkeypatch, parallelism=1)
    assert kind.started == ["p", "s1", "q", "s2", "r"]
    assert result.complete


def test_a_failed_fsync_fails_the_changes_it_covered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.fsync

    def broken(fd: int) -> None:  # the journal's disk fails; the snapshot's does not
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".journal"):
            raise OSError(5, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fsync", broken)
    _, result = run(tmp_path, [create(f"c{i}") for i in range(6)], monkeypatch, 2)
    assert {o.result for o in result.outcomes} == {"failed"}
    assert all("Input/output error" in o.message for o in result.outcomes)
    assert not result.ok


def test_a_deferred_line_is_made_durable_before_the_threads_next_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = StateRecorder(StateStore(tmp_path / "s.json"), State())
    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    seen: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(len(synced))
        return httpx.Response(200)

    transport = ServiceTransport(
        httpx.MockTransport(answer),
        service="nmdc",
        limiter=RateLimiter(None),
        retry=RetryPolicy(),
        safety=RequestSafety(),
    )
    transport.before_send = recorder.settle
    with recorder.deferring():
        recorder.put(ResourceState("k.a", "k", "a"))
        assert synced == [] and recorder.take_pending() is not None  # owed, not yet done
        recorder.put(ResourceState("k.b", "k", "b"))
        transport.handle_request(httpx.Request("POST", "http://x/y"))
    assert seen == [1]  # the line was fsync'd before the request left
    assert recorder.take_pending() is None


def test_a_failed_fsync_before_a_request_stops_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = StateRecorder(StateStore(tmp_path / "s.json"), State())
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "EIO")))
    with recorder.deferring():
        recorder.put(ResourceState("k.a", "k", "a"))
        with pytest.raises(StateWriteFailed):
            recorder.settle()


def test_changes_finishing_close_together_share_an_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal_syncs: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".journal"):
            journal_syncs.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _, result = run(tmp_path, [create(f"c{i}") for i in range(40)], monkeypatch, 4)
    assert result.complete
    assert len(journal_syncs) <= 20  # one per change before: 40
