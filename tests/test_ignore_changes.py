"""`ignore_changes`: fields sent on create, never diffed nor sent by an update; drift in
them shown apart; updates read the record again and change only the owned fields."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES, sample_yaml

from omicform.connections import Connections
from omicform.engine.desired import load_desired
from omicform.engine.executor import apply_plan
from omicform.engine.freshness import StalePlan, check_fresh
from omicform.engine.workspace import Workspace, load_plan, save_plan
from omicform.errors import ConfigError
from omicform.model.markdown import render_markdown
from omicform.model.plan import Plan
from omicform.model.render import render_plan
from omicform.sandbox import Sandbox, run_sandbox

PIPELINE = ["jdp_file_status", "globus_file_status", "request_id", "update_date"]


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def write(
    folder: Path, ignore: str = f"[{', '.join(PIPELINE)}]", extra: str = "", f1: str = "f1"
) -> Path:
    text = textwrap.dedent(f"""\
        omicform: 1
        jgi_sequencing_projects:
          p1:
            sequencing_project_description: sandbox
            jgi_proposal_id: "503568"
            nmdc_study_id: "nmdc:sty-11-28tm5d36"
        jgi_samples:
          ignore_changes: {ignore}
        """)
    f1_yaml = sample_yaml("f1").replace("file_name: f1.fastq.gz", f"file_name: {f1}.fastq.gz")
    text += sample_yaml("f0") + f1_yaml + extra
    path = folder / "omicform.yaml"
    path.write_text(text)
    return path


def changing(plan: Plan) -> dict[str, list[tuple[str, object, object]]]:
    return {
        c.address: [(f.name, f.before, f.after) for f in c.field_changes]
        for c in plan.changes
        if c.changing
    }


def test_ignore_changes_loads_at_kind_level_and_per_entry(tmp_path: Path) -> None:
    extra = "    ignore_changes: [file_name]\n"
    desired = load_desired(write(tmp_path, extra=extra))
    f0, f1 = desired.of("jgi_samples")
    assert f0.ignore == frozenset(PIPELINE)
    assert f1.ignore == frozenset([*PIPELINE, "file_name"])
    assert "ignore_changes" not in f1.fields
    everything = load_desired(write(tmp_path, ignore="all")).of("jgi_samples")[0]
    assert "globus_file_status" in everything.ignore
    assert "jdp_file_id" not in everything.ignore


def test_an_unknown_field_in_ignore_changes_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, ignore="[globus_file_status, globus_status]")
    with pytest.raises(ConfigError) as caught:
        load_desired(path)
    error = caught.value
    assert error.line == 8 and error.file is not None and error.file.endswith("omicform.yaml")
    assert error.field == "jgi_samples.ignore_changes.globus_status"


def pipeline_sets(nmdc_connections: Connections, key: str, **fields: object) -> None:
    nmdc = nmdc_connections.nmdc
    record = nmdc.get_record(STAGING_SAMPLES, key)
    assert record is not None
    nmdc.update_record(STAGING_SAMPLES, {**record, **fields})


def test_the_pipelines_writes_survive_apply_and_show_as_drift(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=write(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        created = plan.get("jgi_samples.f0")
        assert created is not None and created.after is not None
        assert created.after["globus_file_status"] == "PENDING"  # sent on create
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        pipeline_sets(connections, "f0", globus_file_status="EXPIRED")
        # The file changes an owned field of f1 meanwhile.
        ws = Workspace(config=write(tmp_path, f1="renamed"))
        desired, state, plan = ws.plan(connections)
        assert changing(plan) == {
            "jgi_samples.f1": [("file_name", "f1.fastq.gz", "renamed.fastq.gz")]
        }
        # Between plan and apply, the pipeline writes f1 (the record being updated) too.
        pipeline_sets(connections, "f1", globus_file_status="IN_TRANSIT", request_id=7)
        pipeline_sets(connections, "f1", jdp_file_status="PURGED")
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        f1 = connections.nmdc.get_record(STAGING_SAMPLES, "f1")
        assert f1 is not None
        assert (f1["file_name"], f1["globus_file_status"], f1["jdp_file_status"]) == (
            "renamed.fastq.gz",
            "IN_TRANSIT",
            "PURGED",
        )
        assert f1["request_id"] == 7
        f0 = connections.nmdc.get_record(STAGING_SAMPLES, "f0")
        assert f0 is not None and f0["globus_file_status"] == "EXPIRED"
        pipeline_sets(connections, "f1", globus_file_status="RESTORED")
        _, _, again = ws.plan(connections)
    assert not again.has_changes
    drift = {d.address: [(f.name, f.before, f.after) for f in d.field_changes] for d in again.drift}
    assert drift == {"jgi_samples.f1": [("globus_file_status", "IN_TRANSIT", "RESTORED")]}
    document = again.to_json()
    assert document["resource_drift"][0]["address"] == "jgi_samples.f1"
    assert json.loads(json.dumps(document))["has_changes"] is False
    assert Plan.from_json(document).drift == again.drift
    shown = render_plan(again).plain
    assert "Objects changed outside omicform" in shown and "No changes." in shown
    assert "jgi\\_samples.f1" in render_markdown(again)


def test_without_drift_the_plan_json_has_no_resource_drift(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=write(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        _, _, plan = ws.plan(connections)
    assert "resource_drift" not in plan.to_json()


def test_a_saved_plan_does_not_go_stale_when_only_ignored_fields_change(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=write(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        ws = Workspace(config=write(tmp_path, f1="renamed"))
        desired, state, plan = ws.plan(connections)
        save_plan(plan, tmp_path / "plan.json")
        pipeline_sets(connections, "f1", globus_file_status="EXPIRED")
        saved = load_plan(tmp_path / "plan.json")
        check_fresh(saved, desired, state, connections)  # not stale: an ignored field
        assert apply_plan(saved, state, ws.store(desired), connections).ok
        f1 = connections.nmdc.get_record(STAGING_SAMPLES, "f1")
        assert f1 is not None
        assert (f1["file_name"], f1["globus_file_status"]) == ("renamed.fastq.gz", "EXPIRED")
        pipeline_sets(connections, "f1", file_name="elsewhere.fastq.gz")
        with pytest.raises(StalePlan):  # an owned field: the plan is stale
            check_fresh(saved, desired, state, connections)


def test_the_markdown_plan_lists_the_drift(sandbox: Sandbox, tmp_path: Path) -> None:
    ws = Workspace(config=write(tmp_path))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        pipeline_sets(connections, "f0", jdp_file_status="PURGED")
        _, _, again = ws.plan(connections)
    markdown = render_markdown(again)
    assert "#### Objects changed outside omicform" in markdown
    assert "<code>jgi\\_samples.f0</code>" in markdown
    assert "jdp\\_file\\_status" in markdown and "PURGED" in markdown
    assert "**No changes.**" in markdown
