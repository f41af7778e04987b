"""What a command imports (issue #14, start-up): a run pays only for what it uses.

Each command runs in a fresh interpreter under `-X importtime`, whose log names every
module imported (the timings are not looked at: these are facts, not benchmarks).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import config

from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.engine.registry import ENTRIES, KindModule, LazyKind
from omicform.kinds.base import CheckContext, LocalFiles, PlanContext, ReadContext
from omicform.model.snapshot import Snapshot
from omicform.sandbox import Sandbox
from omicform.state.model import ResourceState, State

NEMO_ONLY = (
    "omicform_nemo_client",
    "omicform.services.nemo",
    "omicform.services.nemo_settings",
    "omicform.kinds.nemo_manifests",
)


def imported_by(*args: str, cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """Every module `python -m omicform ARGS` imports, from its `-X importtime` log."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "omicform", *args],
        cwd=cwd,
        env={**os.environ, **(env or {}), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 2), result.stderr[-3000:]  # 2: changes
    lines = (line for line in result.stderr.splitlines() if line.startswith("import time:"))
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def under(modules: set[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(package + ".")}


def test_plan_help_imports_no_service_client_nor_kind(tmp_path: Path) -> None:
    modules = imported_by("plan", "--help", cwd=tmp_path)
    assert "click" in modules  # the log is read: what a real run imports shows
    for package in ("httpx", "omicform_nmdc_client", "omicform_nemo_client", "omicform.kinds"):
        assert not under(modules, package), package


def test_a_plan_without_nemo_never_imports_its_client_nor_its_kind(
    tmp_path: Path, omicform_sandbox: Sandbox
) -> None:
    config(tmp_path, manifests=0)
    modules = imported_by("plan", cwd=tmp_path, env=omicform_sandbox.env)
    assert under(modules, "omicform_nmdc_client")  # it did read NMDC
    for package in NEMO_ONLY:
        assert not under(modules, package), package
    # Nor httpx's own command line (cli/__init__.py), nor vcr without a cassette.
    assert "httpx" in modules and not under(modules, "pygments")
    assert not under(modules, "vcr") and "omicform.services.recording" not in modules


def test_a_plan_of_staging_alone_imports_no_other_kind(
    tmp_path: Path, omicform_sandbox: Sandbox
) -> None:
    (tmp_path / "omicform.yaml").write_text(
        "omicform: 1\n"
        "jgi_sequencing_projects:\n  p1:\n    sequencing_project_description: d\n"
        '    jgi_proposal_id: "1"\n    nmdc_study_id: "nmdc:sty-11-28tm5d36"\n'
    )
    modules = imported_by("plan", cwd=tmp_path, env=omicform_sandbox.env)
    assert "omicform.kinds.staging" in modules
    kinds = under(modules, "omicform.kinds") - {"omicform.kinds", "omicform.kinds.base"}
    assert kinds == {m for m in kinds if m.startswith("omicform.kinds.staging")}
    assert "omicform.services.nmdc_runs" not in modules  # metadata's: validate, submit, runs


def test_a_plan_imports_only_the_generated_calls_it_makes(
    tmp_path: Path, omicform_sandbox: Sandbox
) -> None:
    config(tmp_path, manifests=0)
    modules = imported_by("plan", cwd=tmp_path, env=omicform_sandbox.env)
    calls = under(modules, "omicform_nmdc_client.api") - {
        "omicform_nmdc_client.api.auth.create_token"
    }
    assert "omicform_nmdc_client.api.wf_file_staging.list_jgi_samples" in calls  # it read
    for writes in ("create_", "update_", "submit_", "mint_"):
        assert not [c for c in calls if c.rsplit(".", 1)[1].startswith(writes)], writes


def test_a_plan_reads_versions_without_importlib_metadata(
    tmp_path: Path, omicform_sandbox: Sandbox
) -> None:
    # The plan compares nmdc-schema's version with the server's (cli/plan.py) and sends its
    # own in the User-Agent; both are read without importlib.metadata (omicform/installed.py).
    config(tmp_path, manifests=0)
    modules = imported_by("plan", cwd=tmp_path, env=omicform_sandbox.env)
    assert "omicform.installed" in modules and "omicform.services.http" in modules
    assert not under(modules, "importlib.metadata")


def test_a_plan_run_again_on_unchanged_files_imports_no_yaml_parser(
    tmp_path: Path, omicform_sandbox: Sandbox
) -> None:
    config(tmp_path, manifests=0)
    env = {**omicform_sandbox.env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = imported_by("plan", cwd=tmp_path, env=env)
    again = imported_by("plan", cwd=tmp_path, env=env)
    assert "yaml" in first and "omicform.desired.yaml_parser" in first
    assert not under(again, "yaml") and "omicform.desired.yaml_parser" not in again


def test_a_plan_with_a_manifest_imports_nemo(tmp_path: Path, omicform_sandbox: Sandbox) -> None:
    config(tmp_path, samples=0, tasks=0, manifests=1)
    modules = imported_by("plan", cwd=tmp_path, env=omicform_sandbox.env)
    for package in NEMO_ONLY:
        assert under(modules, package), package


def modules_of_the_registry() -> list[KindModule]:
    found: list[KindModule] = []
    for entry in ENTRIES:
        if not any(entry.module is m for m in found):
            found.append(entry.module)
    return found


def test_the_registry_lists_every_kind_its_modules_define_in_their_order() -> None:
    # A staging row added in kinds/staging_rows.py without its name in the registry would
    # never be loaded: the registry is where a file's sections are looked up.
    for module in modules_of_the_registry():
        listed = [e.name for e in ENTRIES if e.module is module]
        assert list(module.kinds()) == listed


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_with_nothing_declared_a_kind_checks_reads_and_plans_nothing(entry: LazyKind) -> None:
    # What lets the registry answer for a kind it has not imported (engine/registry.py).
    kind = entry.loaded()
    desired = DesiredState(files=(), sections={e.name: () for e in ENTRIES})
    # State of every kind, so a kind that read its state without a declaration would show.
    state = State(
        resources={
            f"{e.name}.x": ResourceState(f"{e.name}.x", e.name, "x", submission={"id": "1"})
            for e in ENTRIES
        }
    )
    connections = Connections(env={})  # no credentials: any request would raise
    check = CheckContext(desired, {})
    kind.check(kind.declared(desired), check)
    read = ReadContext(desired, state, connections, Snapshot(), LocalFiles(), None, 100)
    kind.read(kind.declared(desired), read)
    kind.verify(kind.declared(desired), read)
    plan = PlanContext(desired, state, read.snapshot, check.files, {})
    assert kind.arrange([], plan) == []
    assert kind.declared(desired) == ()
    assert check.files.by_address == {} and read.snapshot == Snapshot()
    assert connections.requests_sent() == {}
