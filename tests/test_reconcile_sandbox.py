"""The reconciler end to end against the sandbox: every kind, drift, staleness, faults."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES, STAGING_TASKS, config, manifest

from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.freshness import StalePlan, check_fresh
from omicform.engine.workspace import Workspace, load_plan, save_plan
from omicform.kinds.base import PAGE_SIZE
from omicform.model.plan import Plan
from omicform.sandbox import Sandbox, run_sandbox


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action for c in plan.changes}


def test_every_kind_round_trips_and_the_second_plan_is_empty(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert set(actions(plan).values()) == {"mint", "create", "submit"}
        result = apply_plan(
            plan, state, ws.store(desired), connections, ApplyOptions(wait=True, poll_interval=0.01)
        )
        assert result.ok, [o for o in result.outcomes if o.result != "done"]
        _, state, again = ws.plan(connections)
        assert not again.has_changes, [c for c in again.changes if c.action != "no-op"]
        submission = state.get("nemo_manifests.m0")
        assert submission is not None and submission.submission is not None
        assert submission.submission["state"] == "complete"
        assert len(submission.submission["steps"]) == 6


def test_without_wait_a_submission_plans_as_waiting_until_nemo_finishes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path, samples=0, tasks=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        sandbox.admin.set_clock(step_seconds=3600.0, validation_seconds=0.0)
        _, _, waiting = ws.plan(connections)
        change = waiting.get("nemo_manifests.m0")
        assert change is not None and change.action == "wait"
        assert "step" in change.reason
        assert not waiting.has_changes  # waiting is not a change to make


def test_a_changed_manifest_is_resubmitted_and_the_plan_says_the_old_one_stays(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path, samples=0, tasks=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        (tmp_path / "m0_manifest.tsv").write_text(manifest(4, "m0s"))
        _, _, plan = ws.plan(connections)
        change = plan.get("nemo_manifests.m0")
        assert change is not None and change.action == "resubmit"
        assert "stays in NeMO's history" in change.reason


def test_drift_in_a_declared_field_plans_an_update_and_in_an_undeclared_one_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path, manifests=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        nmdc = connections.nmdc
        record = nmdc.get_record(STAGING_SAMPLES, "f1")
        assert record is not None
        nmdc.update_record(STAGING_SAMPLES, {**record, "request_id": 99})
        _, _, plan = ws.plan(connections)
        assert not plan.has_changes
        nmdc.update_record(STAGING_SAMPLES, {**record, "globus_file_status": "FAILED"})
        _, _, plan = ws.plan(connections)
        assert {c.address: c.action for c in plan.changes if c.changing} == {
            "jgi_samples.f1": "update"
        }


def test_a_stale_saved_plan_is_refused_naming_what_changed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path, manifests=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        (tmp_path / "omicform.yaml").write_text(
            (tmp_path / "omicform.yaml")
            .read_text()
            .replace("t1: {task_status: ACTIVE}", "t1: {task_status: DONE}")
        )
        _, state, plan = ws.plan(connections)
        save_plan(plan, tmp_path / "plan.json")
        saved = load_plan(tmp_path / "plan.json")
        check_fresh(saved, desired, state, connections)  # fresh: fine
        connections.nmdc.update_record(STAGING_TASKS, {"task_id": "t1", "task_status": "PAUSED"})
        with pytest.raises(StalePlan) as caught:
            check_fresh(saved, ws.desired(), state, connections)
        assert "globus_tasks.t1" in str(caught.value)
        assert "globus_tasks.t0" not in str(caught.value)


def test_a_plan_made_before_another_apply_is_refused_by_serial(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=config(tmp_path, manifests=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        with pytest.raises(StalePlan, match="serial"):
            check_fresh(plan, desired, ws.store(desired).load(), connections)


@pytest.mark.parametrize(
    ("seed", "backend"), [(7, "file"), (11, "file"), (23, "file"), (7, "postgres")]
)
def test_with_a_tenth_of_answers_failing_apply_completes_without_duplicates(
    tmp_path: Path, seed: int, backend: str, request: pytest.FixtureRequest
) -> None:
    state_url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    with run_sandbox(
        validation_seconds=0,
        step_seconds=0,
        run_seconds=0,
        error_rate=0.05,
        throttle_rate=0.05,
        drop_rate=0.02,
        fault_seed=seed,
        retry_after=0,
    ) as sandbox:
        ws = Workspace(
            config=config(tmp_path, samples=40, manifests=3, tasks=10), state_path=state_url
        )
        with Connections(ws.desired().services, env=sandbox.env) as connections:
            for _attempt in range(6):  # reruns finish what failed; nothing is done twice
                desired, state, plan = ws.plan(connections)
                if not plan.has_changes and all(c.action == "no-op" for c in plan.changes):
                    break
                apply_plan(
                    plan,
                    state,
                    ws.store(desired),
                    connections,
                    ApplyOptions(wait=True, poll_interval=0.01),
                )
            else:
                pytest.fail("apply did not converge")
            sandbox.admin.clear_faults()
            samples = list(connections.nmdc.list_records(STAGING_SAMPLES, page_size=0))
            assert sorted(r["jdp_file_id"] for r in samples) == sorted(f"f{i}" for i in range(40))
            submissions = list(connections.nemo.list_submissions())
            assert len(submissions) == 3  # never a duplicate submission
            recorded = [
                r.submission["id"] for r in ws.store().load().resources.values() if r.submission
            ]
            assert sorted(recorded) == sorted(s.id for s in submissions)  # one per manifest
            outcomes = sandbox.admin.request_outcomes("nmdc")
            assert any(key[2] in ("500", "502", "503", "429") for key in outcomes), outcomes


@pytest.mark.parametrize("declared", [10, 250])
def test_a_plan_reads_each_kind_in_pages_not_one_request_per_object(
    sandbox: Sandbox, tmp_path: Path, declared: int
) -> None:
    ws = Workspace(config=config(tmp_path, samples=declared, manifests=0, tasks=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        sandbox.admin.reset_counts()
        ws.plan(connections)
        sent = connections.requests_sent()["nmdc"]
        remote = declared + 1  # samples and the project
        constant = 4  # a token, json:validate, and one first page per kind
        assert sent <= math.ceil(remote / PAGE_SIZE) * 2 + constant, sent
