"""Adopting records made before omicform: dump them as desired state, import them into state."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import STAGING_PROJECTS, STAGING_SAMPLES

from omicform.cli import main
from omicform.connections import Connections
from omicform.engine.desired import load_desired
from omicform.sandbox import run_sandbox
from omicform.sandbox.testing import project_record, sample_record


def test_dumped_records_are_a_desired_state_that_plans_no_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with run_sandbox() as sandbox:
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
        with Connections(env=sandbox.env) as connections:
            connections.nmdc.create_record(STAGING_PROJECTS, project_record("proj-1"))
            for i in range(3):
                connections.nmdc.create_record(STAGING_SAMPLES, sample_record(f"f-{i}"))
        runner = CliRunner()
        projects = runner.invoke(
            main, ["dump", "jgi_sequencing_projects", "-f", str(tmp_path / "none.yaml")]
        )
        samples = runner.invoke(
            main,
            [
                "dump",
                "jgi_samples",
                "--filter",
                '{"sequencing_project_name": "proj-1"}',
                "-f",
                str(tmp_path / "none.yaml"),
            ],
        )
        assert projects.exit_code == 0 and samples.exit_code == 0, projects.output + samples.output
        folder = tmp_path / "adopted"
        folder.mkdir()
        (folder / "projects.yaml").write_text(projects.output)
        (folder / "samples.yaml").write_text(samples.output)
        assert sorted(yaml.safe_load(samples.output)["jgi_samples"]) == ["f-0", "f-1", "f-2"]
        assert len(load_desired(folder).addresses()) == 4
        plan = runner.invoke(main, ["plan", "-f", str(folder), "--detailed-exitcode"])
        assert plan.exit_code == 0, plan.output
        assert "No changes." in plan.output

        imported = runner.invoke(main, ["import", "jgi_samples.f-1", "-f", str(folder)])
        assert imported.exit_code == 0, imported.output + imported.stderr
        listed = runner.invoke(
            main, ["state", "list", "--state", str(folder / "omicform.state.json")]
        )
        assert listed.output.split() == ["jgi_samples.f-1"]
        missing = runner.invoke(main, ["import", "jgi_samples.nope", "-f", str(folder)])
        assert missing.exit_code == 1 and "no jgi_samples" in missing.stderr
