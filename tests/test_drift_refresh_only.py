"""`plan --refresh-only` after a change made outside omicform: each drifted object and
field is listed, --detailed-exitcode answers 2, and its apply records the server's values
and says how many objects it updated in state."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES
from test_ignore_changes import pipeline_sets, write

from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace
from omicform.model.render import render_plan
from omicform.sandbox import Sandbox, run_sandbox

OMICFORM = (sys.executable, "-m", "omicform")


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OMICFORM, *args],
        cwd=cwd,
        env={**os.environ, **env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refresh_only_lists_owned_drift_and_its_apply_records_it(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    ws = Workspace(config=write(tmp_path, ignore="[request_id]"))
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(desired), connections).ok
        pipeline_sets(connections, "f0", globus_file_status="EXPIRED")
        desired, state, refresh = ws.plan(connections, refresh_only=True)
        assert refresh.has_changes
        assert [
            (d.address, [(f.name, f.before, f.after) for f in d.field_changes])
            for d in refresh.drift
        ] == [("jgi_samples.f0", [("globus_file_status", "PENDING", "EXPIRED")])]
        shown = render_plan(refresh).plain
        assert "jgi_samples.f0" in shown and "globus_file_status" in shown
        assert "No changes." not in shown
        result = apply_plan(refresh, state, ws.store(desired), connections)
        assert result.ok
        assert [(o.address, o.action) for o in result.outcomes if o.action != "no-op"] == [
            ("jgi_samples.f0", "refresh")
        ]
        assert result.counts()["done"] == 1
        recorded = ws.store(desired).load().get("jgi_samples.f0")
        assert recorded is not None and recorded.fields["globus_file_status"] == "EXPIRED"
        _, _, after = ws.plan(connections, refresh_only=True)
        assert not after.has_changes and not after.drift
        # The server is untouched: a refresh writes nothing remote.
        f0 = connections.nmdc.get_record(STAGING_SAMPLES, "f0")
        assert f0 is not None and f0["globus_file_status"] == "EXPIRED"


def test_plan_refresh_only_detailed_exitcode_is_2_naming_the_object(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    write(tmp_path)
    assert cli("apply", "--auto-approve", cwd=tmp_path, env=sandbox.env).returncode == 0
    with Connections(
        Workspace(config=tmp_path / "omicform.yaml").desired().services, env=sandbox.env
    ) as connections:
        pipeline_sets(connections, "f1", file_name="elsewhere.fastq.gz")
    quiet = cli("plan", "--detailed-exitcode", cwd=tmp_path, env=sandbox.env)
    assert quiet.returncode == 2  # a normal plan changes the owned field back
    result = cli("plan", "--refresh-only", "--detailed-exitcode", cwd=tmp_path, env=sandbox.env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "jgi_samples.f1" in result.stdout and "file_name" in result.stdout
    assert "Objects changed outside omicform" in result.stdout
    saved = cli("plan", "--refresh-only", "-out", "refresh.json", cwd=tmp_path, env=sandbox.env)
    assert saved.returncode == 0, saved.stderr
    applied = cli("apply", "refresh.json", cwd=tmp_path, env=sandbox.env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "jgi_samples.f1 (refresh)" in applied.stdout
    assert "1 done" in applied.stdout
    again = cli("plan", "--refresh-only", "--detailed-exitcode", cwd=tmp_path, env=sandbox.env)
    assert again.returncode == 0, again.stdout
