"""`omicform validate --remote`: NMDC's json:validate of every metadata document and a NeMO
dry run of every manifest a plan would submit, creating nothing; without `--remote`,
validate sends nothing at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import config

from omicform.cli import main
from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace
from omicform.sandbox import Sandbox, run_sandbox
from omicform.services.nemo import NemoService
from omicform.services.nemo_settings import NemoSettings
from omicform.services.settings import HttpSettings


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def validate(cfg: Path, env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["validate", "-f", str(cfg), *args], env=env)


def history(env: dict[str, str]) -> list[str]:
    settings = NemoSettings.from_env(env, http=HttpSettings(rate_limit=None))
    with NemoService(settings) as service:
        return [s.id for s in service.list_submissions(include_group=True)]


def test_remote_dry_runs_each_manifest_once_and_nemos_history_is_unchanged(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = config(tmp_path, samples=0, tasks=0, manifests=2)
    before = history(sandbox.env)
    result = validate(cfg, sandbox.env, "--remote")
    assert result.exit_code == 0, result.output
    dry_runs = sandbox.admin.dry_runs()
    assert sorted(d["file_name"] for d in dry_runs) == ["m0_manifest.tsv", "m1_manifest.tsv"]
    assert all(d["ok"] for d in dry_runs)
    for run in dry_runs:
        assert f"NeMO dry run {run['id']} accepted" in result.stdout
    assert "mails the result" in result.stdout and "out of history" in result.stdout
    assert history(sandbox.env) == before  # a dry run makes no submission
    validations = sandbox.admin.request_counts("nmdc")
    assert validations[("nmdc", "POST /metadata/json:validate")] == 1


def test_only_manifests_a_plan_would_submit_are_dry_run(sandbox: Sandbox, tmp_path: Path) -> None:
    cfg = config(tmp_path, samples=0, tasks=0, manifests=2)
    ws = Workspace(config=cfg)
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        desired, state, plan = ws.plan(connections, targets=["nemo_manifests.m0"])
        assert apply_plan(plan, state, ws.store(desired), connections).ok
    result = validate(cfg, sandbox.env, "--remote")
    assert result.exit_code == 0, result.output
    assert [d["file_name"] for d in sandbox.admin.dry_runs()] == ["m1_manifest.tsv"]
    assert "1 manifest(s) already submitted as they are" in result.stdout


def test_remote_without_nemo_credentials_names_the_variables_and_sends_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = config(tmp_path, samples=0, tasks=0)
    env = {k: v for k, v in sandbox.env.items() if not k.startswith("NEMO_USERNAME")}
    env["NEMO_USERNAME"] = ""
    result = validate(cfg, env, "--remote")
    assert result.exit_code == 1
    assert "NEMO_USERNAME" in result.stderr and "NEMO_PASSWORD" in result.stderr
    assert sandbox.admin.request_counts() == {}


def test_without_remote_validate_sends_no_request(sandbox: Sandbox, tmp_path: Path) -> None:
    cfg = config(tmp_path)
    result = validate(cfg, sandbox.env)
    assert result.exit_code == 0, result.output
    assert sandbox.admin.request_counts() == {}
    assert sandbox.admin.dry_runs() == []


def _biosample(i: int) -> dict[str, object]:
    term = {
        "term": {"id": "ENVO:00000446", "type": "nmdc:OntologyClass"},
        "type": "nmdc:ControlledIdentifiedTermValue",
    }
    return {
        "id": f"nmdc:bsm-11-abc{i}",
        "type": "nmdc:Biosample",
        "name": "same name",
        "associated_studies": ["nmdc:sty-11-28tm5d36"],
        "env_broad_scale": term,
        "env_local_scale": term,
        "env_medium": term,
    }


def test_nmdcs_verdict_is_reported_in_validates_format_and_no_dry_run_follows(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = config(tmp_path, samples=0, tasks=0)
    document = tmp_path / "objects.json"
    document.write_text(json.dumps({"biosample_set": [_biosample(1), _biosample(2)]}, indent=2))
    offline = validate(cfg, sandbox.env)
    assert offline.exit_code == 0, offline.output  # only the server knows this rule
    result = validate(cfg, sandbox.env, "--remote")
    assert result.exit_code == 1
    expected = f"{document}:2: metadata_submissions.objects: biosample_set: json:validate: "
    assert expected + "Multiple submitted biosamples having name 'same name'" in result.stderr
    assert "1 problem(s) found" in result.stderr
    assert sandbox.admin.dry_runs() == []
