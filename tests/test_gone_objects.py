"""A recorded object that disappeared from the service is named, with the command that
forgets it, instead of a bare 404."""

from __future__ import annotations

from pathlib import Path

import pytest

from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace
from omicform.errors import PlanError
from omicform.sandbox import run_sandbox
from omicform.sandbox.testing import manifest_tsv


def test_a_recorded_submission_gone_from_a_reset_nemo_names_state_forget(tmp_path: Path) -> None:
    (tmp_path / "a_manifest.tsv").write_bytes(manifest_tsv(2))
    (tmp_path / "omicform.yaml").write_text(
        "omicform: 1\nnemo_manifests:\n  a: {file: a_manifest.tsv}\n"
    )
    ws = Workspace(config=tmp_path / "omicform.yaml")
    with (
        run_sandbox(validation_seconds=60, step_seconds=60) as first,
        Connections(ws.desired().services, env=first.env) as connections,
    ):
        _, state, plan = ws.plan(connections)
        assert apply_plan(plan, state, ws.store(), connections).ok
    with (
        run_sandbox() as empty,  # the service was reset: it knows no submission
        Connections(ws.desired().services, env=empty.env) as connections,
        pytest.raises(PlanError) as caught,
    ):
        ws.plan(connections)
    assert "nemo_manifests.a" in str(caught.value)
    assert "no longer exists" in caught.value.message
    assert "omicform state forget nemo_manifests.a" in caught.value.hint
