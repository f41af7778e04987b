"""A NeMO manifest is posted once, whatever happens around the POST: a login that fails, an
answer that is lost, a second manifest or a second workspace on the same account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from omicform.connections import Connections
from omicform.engine.executor import ApplyResult, apply_plan
from omicform.engine.workspace import Workspace
from omicform.kinds.nemo_manifests.intents import CLOCK_SKEW, _candidates, intent_window
from omicform.model.plan import Plan
from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import manifest_tsv
from omicform.services.nemo import Submission
from omicform.state.model import State

CLOSED_PORT = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def workspace(folder: Path, *manifests: str) -> Workspace:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["omicform: 1", "nemo_manifests:"]
    for name in manifests:
        (folder / f"{name}_manifest.tsv").write_bytes(manifest_tsv(2, prefix=f"{name}-"))
        lines.append(f"  {name}: {{file: {name}_manifest.tsv}}")
    (folder / "omicform.yaml").write_text("\n".join(lines) + "\n")
    return Workspace(config=folder / "omicform.yaml")


def plan_and_apply(ws: Workspace, env: dict[str, str]) -> tuple[Plan, ApplyResult]:
    with Connections(ws.desired().services, env=env) as connections:
        _, state, plan = ws.plan(connections)
        result = apply_plan(plan, state, ws.store(), connections)
    return plan, result


def submission_ids(ws: Workspace) -> dict[str, str]:
    state = ws.store().load()
    return {a: str(r.submission["id"]) for a, r in state.resources.items() if r.submission}


def nemo_history(sandbox: Sandbox) -> list[str]:
    with Connections(env=sandbox.env) as connections:
        return [s.id for s in connections.nemo.list_submissions()]


def test_a_failed_login_leaves_no_intent_and_another_workspace_cannot_be_adopted(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    a, b = workspace(tmp_path / "a", "alpha"), workspace(tmp_path / "b", "beta")
    _, down = plan_and_apply(a, {**sandbox.env, "NEMO_LOGIN_URL": CLOSED_PORT})
    assert not down.ok
    assert not any(r.pending for r in a.store().load().resources.values())
    plan_and_apply(b, sandbox.env)
    plan, again = plan_and_apply(a, sandbox.env)
    assert again.ok and [c.action for c in plan.changes] == ["submit"]
    history = nemo_history(sandbox)
    assert len(history) == 2  # one submission per manifest
    assert set(history) == set(submission_ids(a).values()) | set(submission_ids(b).values())


@pytest.mark.parametrize("phase", ["after", "before"])
def test_an_answer_lost_around_the_post_is_settled_from_history_never_posted_twice(
    sandbox: Sandbox, tmp_path: Path, phase: str
) -> None:
    ws = workspace(tmp_path, "alpha")
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, state, plan = ws.plan(connections)
        connections.nemo.login()
        sandbox.admin.set_faults(error_rate=1.0, error_phase=phase)
        lost = apply_plan(plan, state, ws.store(), connections)
        sandbox.admin.clear_faults()
    assert lost.counts()["unknown"] == 1
    assert ws.store().load().get("nemo_manifests.alpha").pending  # type: ignore[union-attr]
    settle, settled = plan_and_apply(ws, sandbox.env)
    expected = "adopt" if phase == "after" else "submit"
    assert [c.action for c in settle.changes] == [expected]
    assert settle.has_changes  # an unsettled intent is pending work for --detailed-exitcode
    assert settled.ok
    assert len(nemo_history(sandbox)) == 1
    assert list(submission_ids(ws).values()) == nemo_history(sandbox)
    final, _ = plan_and_apply(ws, sandbox.env)
    assert not final.has_changes


def test_a_second_manifest_waits_until_the_first_ones_intent_is_settled(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = workspace(tmp_path, "alpha", "beta")
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, state, plan = ws.plan(connections)
        connections.nemo.login()
        sandbox.admin.set_faults(error_rate=1.0, error_phase="after")
        lost = apply_plan(plan, state, ws.store(), connections)
        sandbox.admin.clear_faults()
    counts = lost.counts()
    assert (counts["unknown"], counts["failed"]) == (1, 1)  # the second was never posted
    assert len(nemo_history(sandbox)) == 1
    settle, settled = plan_and_apply(ws, sandbox.env)
    by_action = {c.action: c for c in settle.changes}
    assert set(by_action) == {"adopt", "submit"}
    assert by_action["adopt"].address in by_action["submit"].depends_on
    assert settled.ok
    ids = submission_ids(ws)
    assert len(set(ids.values())) == 2 and sorted(ids.values()) == sorted(nemo_history(sandbox))


def test_a_submission_made_after_the_intents_window_is_never_adopted(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    a, b = workspace(tmp_path / "a", "alpha"), workspace(tmp_path / "b", "beta")
    with Connections(a.desired().services, env=sandbox.env) as connections:
        _, state, plan = a.plan(connections)
        connections.nemo.login()
        sandbox.admin.set_faults(error_rate=1.0, error_phase="before")  # nothing created
        apply_plan(plan, state, a.store(), connections)
        sandbox.admin.clear_faults()
    age_intent(a, dt.timedelta(minutes=30))  # as if b posts half an hour after a's attempt
    plan_and_apply(b, sandbox.env)  # the same account
    settle, settled = plan_and_apply(a, sandbox.env)
    assert [c.action for c in settle.changes] == ["submit"]
    assert settled.ok
    assert sorted(nemo_history(sandbox)) == sorted(
        [*submission_ids(a).values(), *submission_ids(b).values()]
    )
    assert len(nemo_history(sandbox)) == 2


def age_intent(ws: Workspace, by: dt.timedelta) -> None:
    store = ws.store()
    state = store.load()
    resource = state.get("nemo_manifests.alpha")
    assert resource is not None and resource.pending
    moved = {
        name: (dt.datetime.fromisoformat(value) - by).isoformat()
        for name, value in resource.pending.items()
        if name in ("started_at", "ended_at", "deadline")
    }
    store.save(state.with_resource(resource.evolve(pending={**resource.pending, **moved})))


def submission(sid: str, submitter: str, creation: dt.datetime) -> Submission:
    return Submission(sid, submitter, creation, complete=False, success=False, steps=())


START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
INTENT = {"started_at": START.isoformat(), "ended_at": START.isoformat()}


@pytest.mark.parametrize(
    ("found", "other_intent", "doubt"),
    [
        ([submission("AAAAAAA", "sandbox", START)], None, None),
        ([submission("AAAAAAA", "someone-else", START)], None, "made by 'someone-else'"),
        ([submission("AAAAAAA", "sandbox", START)], INTENT, "may as well be the result of"),
    ],
)
def test_a_candidate_that_could_be_anothers_is_doubt(
    found: list[Submission], other_intent: dict[str, str] | None, doubt: str | None
) -> None:
    windows = {"nemo_manifests.a": intent_window(INTENT)}
    if other_intent is not None:
        windows["nemo_manifests.b"] = intent_window(other_intent)
    settled = _candidates("nemo_manifests.a", windows, found, set(), "Sandbox")
    assert [c["id"] for c in settled["candidates"]] == ["AAAAAAA"]
    if doubt is None:
        assert settled["doubts"] == []
    else:
        assert doubt in settled["doubts"][0]


def test_a_submission_recorded_in_state_or_outside_the_window_is_no_candidate() -> None:
    windows = {"nemo_manifests.a": intent_window(INTENT)}
    found = [
        submission("CLAIMED", "sandbox", START),
        submission("EARLIER", "sandbox", START - CLOCK_SKEW - dt.timedelta(seconds=1)),
        submission("LATER00", "sandbox", START + dt.timedelta(minutes=3)),
    ]
    settled = _candidates("nemo_manifests.a", windows, found, {"CLAIMED"}, "sandbox")
    assert settled == {"candidates": [], "doubts": []}


def test_the_window_runs_from_the_intents_start_to_the_end_of_its_request() -> None:
    start = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
    ended = start + dt.timedelta(seconds=3)
    low, high = intent_window(
        {"started_at": start.isoformat(), "ended_at": ended.isoformat(), "deadline": "x"}
    )
    assert (low, high) == (start - CLOCK_SKEW, ended + CLOCK_SKEW)
    killed = intent_window(
        {"started_at": start.isoformat(), "deadline": (start + dt.timedelta(60)).isoformat()}
    )
    assert killed[1] == start + dt.timedelta(60) + CLOCK_SKEW


def test_a_state_without_intents_never_searches_nemo(sandbox: Sandbox, tmp_path: Path) -> None:
    ws = workspace(tmp_path, "alpha")
    plan_and_apply(ws, sandbox.env)
    sandbox.admin.reset_counts()
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        ws.plan(connections)
    assert not any("search" in route for _, route in sandbox.admin.request_counts("nemo"))
    assert isinstance(ws.store().load(), State)
