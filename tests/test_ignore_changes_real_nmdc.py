"""ignore_changes against the real nmdc-runtime server: a pipeline-like writer changes
globus_file_status and jdp_file_status between plan and apply, on a record omicform updates
in the same apply too; both writers' values remain, and the next plan is empty and shows the
drift. plan --refresh-only --detailed-exitcode answers 2 after drift of an owned field."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES
from realnmdc.harness import RealNmdc
from test_reconcile_real_nmdc import env_for, write_config

from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace

pytestmark = pytest.mark.realnmdc

IGNORE = "  ignore_changes: [jdp_file_status, globus_file_status, request_id, update_date]\n"


def with_ignore(path: Path, rename: str | None = None) -> Path:
    text = path.read_text().replace("jgi_samples:\n", "jgi_samples:\n" + IGNORE, 1)
    if rename is not None:
        old, new = rename.split("=")
        text = text.replace(f"file_name: {old}\n", f"file_name: {new}\n")
    path.write_text(text)
    return path


def pipeline(connections: Connections, key: str, **fields: object) -> None:
    record = connections.nmdc.get_record(STAGING_SAMPLES, key)
    assert record is not None
    connections.nmdc.update_record(STAGING_SAMPLES, {**record, **fields})


def test_the_pipelines_values_and_omicforms_both_remain(
    real_nmdc: RealNmdc, tmp_path: Path
) -> None:
    tag = "ig" + uuid.uuid4().hex[:8]
    ws = Workspace(config=with_ignore(write_config(tmp_path, tag)))
    with Connections(ws.desired().services, env=env_for(real_nmdc)) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        config = write_config(tmp_path, tag)
        ws = Workspace(config=with_ignore(config, f"{tag}-f1.fastq.gz={tag}-f1.renamed.gz"))
        desired, state, plan = ws.plan(connections)
        assert {c.address for c in plan.changes if c.changing} == {f"jgi_samples.{tag}-f1"}
        # Between plan and apply: the pipeline writes the record being updated, and another.
        pipeline(connections, f"{tag}-f1", globus_file_status="EXPIRED", jdp_file_status="PURGED")
        pipeline(connections, f"{tag}-f0", globus_file_status="IN_TRANSIT")
        result = apply_plan(plan, state, ws.store(desired), connections)
        assert result.ok, result.outcomes
        f1 = connections.nmdc.get_record(STAGING_SAMPLES, f"{tag}-f1")
        assert f1 is not None
        assert (f1["file_name"], f1["globus_file_status"], f1["jdp_file_status"]) == (
            f"{tag}-f1.renamed.gz",
            "EXPIRED",
            "PURGED",
        )
        f0 = connections.nmdc.get_record(STAGING_SAMPLES, f"{tag}-f0")
        assert f0 is not None and f0["globus_file_status"] == "IN_TRANSIT"
        _, _, again = ws.plan(connections)
    assert not again.has_changes, [c for c in again.changes if c.changing]
    drift = {d.address: {f.name: (f.before, f.after) for f in d.field_changes} for d in again.drift}
    assert drift == {f"jgi_samples.{tag}-f0": {"globus_file_status": ("PENDING", "IN_TRANSIT")}}


def test_refresh_only_detailed_exitcode_is_2_after_owned_drift(
    real_nmdc: RealNmdc, tmp_path: Path
) -> None:
    tag = "rf" + uuid.uuid4().hex[:8]
    ws = Workspace(config=with_ignore(write_config(tmp_path, tag)))
    with Connections(ws.desired().services, env=env_for(real_nmdc)) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        pipeline(connections, f"{tag}-f2", file_name="moved-elsewhere.gz")
    result = subprocess.run(
        [sys.executable, "-m", "omicform", "plan", "--refresh-only", "--detailed-exitcode"],
        cwd=tmp_path,
        env={**os.environ, **env_for(real_nmdc), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"jgi_samples.{tag}-f2" in result.stdout and "file_name" in result.stdout
