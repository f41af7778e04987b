"""Schema version drift: omicform validates metadata with the nmdc-schema pinned in
pyproject; when the server's GET /version reports another, plan warns (never fails)."""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path

import pytest
from realnmdc.harness import RealNmdc
from test_reconcile_real_nmdc import env_for, write_config

from omicform.connections import Connections
from omicform.engine.workspace import Workspace
from omicform.model.plan import Plan

# The module (the package's `plan` attribute is the click command).
plan_cli = importlib.import_module("omicform.cli.plan")


@pytest.mark.realnmdc
def test_plan_warns_naming_both_versions_when_they_differ(
    real_nmdc: RealNmdc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(config=write_config(tmp_path, "sv" + uuid.uuid4().hex[:8]))
    with Connections(ws.desired().services, env=env_for(real_nmdc)) as connections:
        theirs = connections.nmdc.schema_version()
        assert theirs is not None and theirs.count(".") == 2
        desired, _, plan = ws.plan(connections)
        same = plan_cli.with_schema_check(plan, desired, connections)
        assert same.warnings == plan.warnings  # the same version: nothing to say
        monkeypatch.setattr(plan_cli, "version", lambda name: "10.0.0")
        warned = plan_cli.with_schema_check(plan, desired, connections)
    assert len(warned.warnings) == len(plan.warnings) + 1
    assert f"nmdc-schema {theirs}" in warned.warnings[-1]
    assert "nmdc-schema 10.0.0" in warned.warnings[-1]
    assert warned.changes == plan.changes


def test_an_unreadable_version_says_nothing(tmp_path: Path) -> None:
    """A server without /version (or down) never fails the plan."""
    ws = Workspace(config=write_config(tmp_path, "nv"))
    env = {"NMDC_API_URL": "http://127.0.0.1:9", "NMDC_CLIENT_ID": "x", "NMDC_CLIENT_SECRET": "y"}
    desired = ws.desired()
    with Connections(desired.services, env=env) as connections:
        plan = Plan(lineage="l", serial=0, changes=())
        assert plan_cli.with_schema_check(plan, desired, connections) is plan
