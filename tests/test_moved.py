"""Renames without new creates: `moved:` in the file, or `omicform state mv OLD NEW`.
After either, nothing is minted or submitted, and `${identifiers.NEW[i]}` resolves to the
moved ids (requests counted against the sandbox)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STAGING_TASKS, config

from omicform.connections import Connections
from omicform.engine.desired import load_desired
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace
from omicform.errors import ConfigError
from omicform.model.render import render_plan
from omicform.sandbox import Sandbox, run_sandbox

OMICFORM = (sys.executable, "-m", "omicform")


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def rename(folder: Path, moved: str = "") -> Path:
    """identifiers.objs becomes identifiers.data_objects, in the YAML and the document."""
    for name in ("omicform.yaml", "objects.json"):
        path = folder / name
        text = path.read_text().replace("identifiers.objs", "identifiers.data_objects")
        extra = moved if name == "omicform.yaml" else ""
        path.write_text(text.replace("  objs: {", "  data_objects: {") + extra)
    return folder / "omicform.yaml"


MOVED = "moved:\n  - {from: identifiers.objs, to: identifiers.data_objects}\n"


def writes(sandbox: Sandbox) -> dict[tuple[str, str], int]:
    """Every NMDC request but reads and the token (mints, submissions, validations...)."""
    counts = sandbox.admin.request_counts("nmdc").items()
    return {k: n for k, n in counts if not k[1].startswith(("GET ", "POST /token"))}


def first_apply(sandbox: Sandbox, folder: Path) -> tuple[str, ...]:
    ws = Workspace(config=config(folder, samples=0, manifests=0, tasks=0))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
    minted = ws.store(desired).load().minted()["objs"]
    sandbox.admin.reset_counts()
    return minted


def test_a_moved_block_renames_in_state_and_mints_and_submits_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    minted = first_apply(sandbox, tmp_path)
    ws = Workspace(config=rename(tmp_path, MOVED))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        actions = {c.address: str(c.action) for c in plan.changes}
        assert actions == {
            "identifiers.data_objects": "no-op",
            "metadata_submissions.objects": "no-op",
            "identifiers.objs": "move",
            "jgi_sequencing_projects.p1": "no-op",
        }
        assert "has moved" in render_plan(plan).plain
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        after = ws.store(desired).load()
        assert after.get("identifiers.objs") is None
        assert after.minted()["data_objects"] == minted
        _, _, again = ws.plan(connections)
    assert not again.has_changes, [c for c in again.changes if c.changing]
    assert writes(sandbox) == {}  # no mint, no json:submit, no POST of any kind


def test_state_mv_renames_at_once(sandbox: Sandbox, tmp_path: Path) -> None:
    minted = first_apply(sandbox, tmp_path)
    rename(tmp_path)
    moved = subprocess.run(
        [*OMICFORM, "state", "mv", "identifiers.objs", "identifiers.data_objects"],
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert moved.returncode == 0, moved.stderr
    ws = Workspace(config=tmp_path / "omicform.yaml")
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, state, plan = ws.plan(connections)
        assert not plan.has_changes, [c for c in plan.changes if c.changing]
    assert state.minted()["data_objects"] == minted
    assert writes(sandbox) == {}


def test_without_a_move_the_rename_would_mint_again(sandbox: Sandbox, tmp_path: Path) -> None:
    first_apply(sandbox, tmp_path)
    ws = Workspace(config=rename(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, _, plan = ws.plan(connections)
    assert plan.get("identifiers.data_objects").action == "mint"  # type: ignore[union-attr]


def test_a_move_across_kinds_is_refused_at_its_line(tmp_path: Path) -> None:
    path = config(tmp_path, samples=0, manifests=0, tasks=0)
    path.write_text(path.read_text() + "moved:\n  - {from: identifiers.objs, to: globus_tasks.x}\n")
    with pytest.raises(ConfigError) as caught:
        load_desired(path)
    assert caught.value.field == "moved[0]" and caught.value.line is not None


def test_a_record_created_with_the_move_refers_to_the_moved_ids(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    minted = first_apply(sandbox, tmp_path)
    task = 'globus_tasks:\n  t9: {task_status: "moving ${identifiers.data_objects[1]}"}\n'
    ws = Workspace(config=rename(tmp_path, MOVED + task))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        created = plan.get("globus_tasks.t9")
        assert created is not None and created.action == "create"
        assert "identifiers.objs" in created.depends_on  # after the move
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        record = connections.nmdc.get_record(STAGING_TASKS, "t9")
    assert record is not None and record["task_status"] == f"moving {minted[1]}"
    assert [k for k in writes(sandbox) if "mint" in k[1] or "submit" in k[1]] == []
