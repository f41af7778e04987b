"""The reconciler against recorded answers (cassettes/reconciler/): plan, apply, plan again.

One small config declares every kind: an identifier batch, a sequencing project, samples,
Globus tasks, a metadata submission that uses the minted ids, and a NeMO manifest followed
with `wait=True` through NeMO's six steps. Apply runs with parallelism 1 so the recording
is made in a stable order.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.workspace import Workspace
from omicform.model.plan import Plan
from omicform.sandbox.testing import manifest_tsv
from omicform.services.nemo import STEP_NAMES

MINTED = re.compile(r"^nmdc:dobj-11-[0-9a-z]{8}$")


def manifest(rows: int, tag: str) -> str:
    return manifest_tsv(rows, prefix=tag, first=0).decode()


def write_config(folder: Path) -> Path:
    (folder / "mouse_manifest.tsv").write_text(manifest(3, "mouse"))
    (folder / "reads.json").write_text(
        json.dumps(
            {
                "data_object_set": [
                    {
                        "id": f"${{identifiers.reads[{i}]}}",
                        "type": "nmdc:DataObject",
                        "name": f"reads-{i}.fastq.gz",
                        "description": "replayed round trip",
                        "data_category": "instrument_data",
                        "data_object_type": "Metagenome Raw Reads",
                    }
                    for i in range(2)
                ]
            },
            indent=2,
        )
    )
    fields = {
        "ap_gold_id": "Ga0307276", "gold_study_id": "Gs0135149", "its_ap_id": '"1196479.0"',
        "gold_biosample_id": "Gb0191643", "gold_seq_id": '"1196479"', "jdp_file_status": "RESTORED",
        "globus_file_status": "PENDING", "jdp_file_size": "1000", "jgi_ap_id": '"1196479"',
        "create_date": '"2024-03-01T12:00:00Z"',
    }  # fmt: skip
    samples = "".join(
        f"  f{i}:\n    file_name: f{i}.fastq.gz\n"
        + "".join(f"    {name}: {value}\n" for name, value in fields.items())
        for i in range(3)
    )
    path = folder / "omicform.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            omicform: 1
            services:
              nemo: {rate_limit: null}   # the sandbox (and the cassette) need no politeness
            identifiers:
              reads: {type: "nmdc:DataObject", count: 2}
            jgi_sequencing_projects:
              soil-replay:
                sequencing_project_description: Soil metagenomes (replay)
                jgi_proposal_id: "503568"
                nmdc_study_id: "nmdc:sty-11-28tm5d36"
            jgi_samples:
              defaults: {sequencing_project_name: soil-replay}
            """
        )
        + samples
        + textwrap.dedent(
            """\
            globus_tasks:
              t0: {task_status: ACTIVE}
              t1: {task_status: PENDING}
            metadata_submissions:
              reads: reads.json
            nemo_manifests:
              mouse: mouse_manifest.tsv
            """
        )
    )
    return path


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action for c in plan.changes}


@pytest.mark.vcr
def test_plan_apply_plan_round_trip_of_every_kind(
    tmp_path: Path, service_env: dict[str, str], vcr: Any, recording: bool
) -> None:
    ws = Workspace(config=write_config(tmp_path))
    with Connections(ws.desired().services, env=service_env) as connections:
        desired, state, plan = ws.plan(connections)
        assert actions(plan) == {
            "identifiers.reads": "mint",
            "jgi_sequencing_projects.soil-replay": "create",
            "jgi_samples.f0": "create",
            "jgi_samples.f1": "create",
            "jgi_samples.f2": "create",
            "globus_tasks.t0": "create",
            "globus_tasks.t1": "create",
            "metadata_submissions.reads": "submit",
            "nemo_manifests.mouse": "submit",
        }
        result = apply_plan(
            plan,
            state,
            ws.store(desired),
            connections,
            ApplyOptions(parallelism=1, wait=True, poll_interval=0.0),
        )
        assert result.ok, [o for o in result.outcomes if o.result != "done"]
        assert result.counts() == {"done": 9, "failed": 0, "unknown": 0, "skipped": 0}

        _, state, again = ws.plan(connections)
        assert not again.has_changes, [c for c in again.changes if c.action != "no-op"]
        assert set(actions(again).values()) == {"no-op"}

    minted = state.minted()["reads"]
    assert len(minted) == 2 and all(MINTED.match(i) for i in minted), minted
    metadata = state.get("metadata_submissions.reads")
    assert metadata is not None and metadata.run is not None
    assert metadata.run["status"] == "COMPLETE"
    assert str(metadata.run["id"]).startswith("nmdc:sys0")
    submission = (state.get("nemo_manifests.mouse") or pytest.fail("no manifest")).submission
    assert submission is not None
    assert submission["state"] == "complete" and submission["policy"] == "open"
    assert [s["name"] for s in submission["steps"]] == list(STEP_NAMES)
    assert re.fullmatch(r"[A-Za-z0-9]{7}", str(submission["id"]))

    # What went over the wire: the document carried the ids minted in the same apply, the run
    # was polled to COMPLETE, the submission followed step by step, one login each.
    requests = [(r.method, unquote(r.path), r) for r in vcr.requests]
    [submit] = [r for m, p, r in requests if m == "POST" and p.endswith("/metadata/json:submit")]
    sent_ids = [d["id"] for d in json.loads(submit.body)["data_object_set"]]
    assert sent_ids == list(minted)
    run_polls = [
        p for m, p, _ in requests if m == "GET" and p.endswith(f"/runs/{metadata.run['id']}")
    ]
    assert len(run_polls) == 2  # STARTED, then COMPLETE
    nemo_polls = [
        p for m, p, _ in requests if m == "GET" and p.endswith(f"/submission/{submission['id']}")
    ]
    assert len(nemo_polls) == len(STEP_NAMES)
    assert sum(1 for m, p, _ in requests if p.endswith("/token")) == 1
    assert sum(1 for m, p, _ in requests if p.endswith("/v1/login")) == 1
    if not recording:
        assert vcr.play_count == len(vcr)  # exactly the recorded conversation, every answer once
