"""Plan, apply, plan again against the real nmdc-runtime server, for every NMDC kind."""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES, STAGING_TASKS
from realnmdc.harness import RealNmdc

from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.workspace import Workspace
from omicform.model.plan import Plan

pytestmark = pytest.mark.realnmdc


def env_for(server: RealNmdc) -> dict[str, str]:
    return {
        "NMDC_API_URL": server.base_url,
        "NMDC_CLIENT_ID": server.site_client_id,
        "NMDC_CLIENT_SECRET": server.site_client_secret,
    }


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action for c in plan.changes}


def write_config(folder: Path, tag: str) -> Path:
    samples = "\n".join(
        f"""\
  {tag}-f{i}:
    sequencing_project_name: {tag}-proj
    ap_gold_id: Ga0307276
    gold_study_id: Gs0135149
    its_ap_id: "1196479.0"
    gold_biosample_id: Gb0191643
    gold_seq_id: "1196479"
    file_name: {tag}-f{i}.fastq.gz
    jdp_file_status: RESTORED
    globus_file_status: PENDING
    jdp_file_size: {1000 + i}
    jgi_ap_id: "1196479"
    create_date: "2024-03-0{i + 1}T12:00:00.123456Z\""""
        for i in range(3)
    )
    config = f"""\
omicform: 1
identifiers:
  objs: {{type: "nmdc:DataObject", count: 2}}
jgi_sequencing_projects:
  {tag}-proj:
    sequencing_project_description: real-server round trip
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"
jgi_samples:
{samples}
globus_tasks:
  {tag}-task:
    task_status: "moving ${{identifiers.objs[0]}}"
metadata_submissions:
  objects: objects.json
"""
    document = {
        "data_object_set": [
            {
                "id": f"${{identifiers.objs[{i}]}}",
                "type": "nmdc:DataObject",
                "name": f"{tag}-object-{i}.fastq.gz",
                "description": "omicform round trip",
                "data_category": "instrument_data",
                "data_object_type": "Metagenome Raw Reads",
            }
            for i in range(2)
        ]
    }
    (folder / "objects.json").write_text(json.dumps(document, indent=2))
    path = folder / "omicform.yaml"
    path.write_text(textwrap.dedent(config))
    return path


def test_every_nmdc_kind_round_trips_and_the_second_plan_is_empty(
    real_nmdc: RealNmdc, tmp_path: Path
) -> None:
    tag = "rt" + uuid.uuid4().hex[:8]
    ws = Workspace(config=write_config(tmp_path, tag))
    with Connections(ws.desired().services, env=env_for(real_nmdc)) as connections:
        desired, state, plan = ws.plan(connections)
        assert actions(plan) == {
            "identifiers.objs": "mint",
            f"jgi_sequencing_projects.{tag}-proj": "create",
            **{f"jgi_samples.{tag}-f{i}": "create" for i in range(3)},
            f"globus_tasks.{tag}-task": "create",
            "metadata_submissions.objects": "submit",
        }
        result = apply_plan(
            plan, state, ws.store(desired), connections, ApplyOptions(parallelism=4)
        )
        assert result.ok, [o for o in result.outcomes if o.result != "done"]
        _, state, again = ws.plan(connections)
        assert not again.has_changes, [c for c in again.changes if c.changing]
        assert set(actions(again).values()) == {"no-op"}
        minted = state.minted()["objs"]
        assert len(minted) == 2
        task = connections.nmdc.get_record(STAGING_TASKS, f"{tag}-task")
        assert task == {"task_id": f"{tag}-task", "task_status": f"moving {minted[0]}"}
        run = state.get("metadata_submissions.objects")
        assert run is not None and run.run is not None and run.run["status"] == "COMPLETE"


def test_out_of_band_changes_plan_an_update_only_for_declared_fields(
    real_nmdc: RealNmdc, tmp_path: Path
) -> None:
    tag = "ob" + uuid.uuid4().hex[:8]
    ws = Workspace(config=write_config(tmp_path, tag))
    with Connections(ws.desired().services, env=env_for(real_nmdc)) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        nmdc = connections.nmdc
        record = nmdc.get_record(STAGING_SAMPLES, f"{tag}-f0")
        assert record is not None
        # Declared field changed by someone else, and an undeclared one set.
        nmdc.update_record(
            STAGING_SAMPLES, {**record, "globus_file_status": "FAILED", "request_id": 7}
        )
        _, state, plan = ws.plan(connections)
        changing = {c.address: c for c in plan.changes if c.changing}
        assert set(changing) == {f"jgi_samples.{tag}-f0"}
        change = changing[f"jgi_samples.{tag}-f0"]
        assert [(f.name, f.before, f.after) for f in change.field_changes] == [
            ("globus_file_status", "FAILED", "PENDING")
        ]
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        _, _, final = ws.plan(connections)
        assert not final.has_changes
        assert nmdc.get_record(STAGING_SAMPLES, f"{tag}-f0")["request_id"] == 7  # type: ignore[index]
