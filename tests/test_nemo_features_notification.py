"""A manifest's `notification:`: checked offline against NeMO's documented shape (errors
name file, line and field), its credential read from the environment only (never in the
file, a plan, state or output), sent with the submission, and NeMO's 422 explained."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import manifest

from omicform.cli import main
from omicform.connections import Connections
from omicform.engine.executor import apply_plan
from omicform.engine.workspace import Workspace, load_plan, save_plan
from omicform.sandbox import Sandbox, run_sandbox

TOKEN = "hook-t0ken-never-shown"
NOTE = """\
    notification:
      url: https://hooks.example.org/nemo
      method: POST
      auth_type: bearer_token
      auth_details_env: HOOK_TOKEN
      headers: {X-Team: brain}
"""


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def write(folder: Path, note: str = NOTE) -> Path:
    (folder / "m0_manifest.tsv").write_text(manifest(3, "m0s"))
    cfg = folder / "omicform.yaml"
    cfg.write_text(
        "omicform: 1\nservices:\n  nemo: {rate_limit: null}\nnemo_manifests:\n  m0:\n"
        "    file: m0_manifest.tsv\n" + note
    )
    return cfg


def cli(cfg: Path, env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "-f", str(cfg)], env=env)


@pytest.mark.parametrize(
    ("change", "edit", "line", "field", "words"),
    [
        ("url: https://hooks", "url: http://hooks", 8, "url", "https://"),
        ("method: POST", "method: PATCH", 9, "method", "GET, POST, PUT"),
        ("auth_type: bearer_token", "auth_type: oauth", 10, "auth_type", "api_key"),
        ("headers: {X-Team: brain}", "headers: {X-Team: 5}", 12, "headers.X-Team", "text"),
        ("      auth_details_env: HOOK_TOKEN\n", "", 8, "auth_details_env", "environment variable"),
        ("headers:", "colour: blue\n      headers:", 12, "colour", "unknown setting"),
    ],
)
def test_the_documented_shape_is_checked_offline_at_its_line(
    tmp_path: Path, change: str, edit: str, line: int, field: str, words: str
) -> None:
    cfg = write(tmp_path, NOTE.replace(change, edit))
    result = cli(cfg, {}, "validate")
    assert result.exit_code == 1
    assert f"{cfg}:{line}: nemo_manifests.m0.notification.{field}: " in result.stderr, result.stderr
    assert words in result.stderr


def test_a_literal_credential_is_refused_with_a_hint(tmp_path: Path) -> None:
    literal = NOTE.replace("auth_details_env: HOOK_TOKEN", "auth_details: {token: abc}")
    cfg = write(tmp_path, literal)
    result = cli(cfg, {}, "validate")
    assert result.exit_code == 1
    assert f"{cfg}:11: nemo_manifests.m0.notification.auth_details: " in result.stderr
    assert "auth_details_env: NAME" in result.stderr
    assert "abc" not in result.stderr


def test_the_document_arrives_with_the_submission_and_the_secret_is_nowhere_else(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = write(tmp_path)
    env = {**sandbox.env, "HOOK_TOKEN": TOKEN}
    planned = cli(cfg, env, "plan", "--json")
    assert planned.exit_code == 0, planned.output
    change = next(
        c for c in json.loads(planned.stdout)["resource_changes"] if c["kind"] == "nemo_manifests"
    )
    assert change["detail"]["notification"]["auth_details_env"] == "HOOK_TOKEN"
    applied = cli(cfg, env, "apply", "--auto-approve", "--wait")
    assert applied.exit_code == 0, applied.output
    calls = sandbox.admin.callbacks()
    assert calls, "NeMO made no webhook call"
    assert calls[0]["notification"] == {
        "url": "https://hooks.example.org/nemo",
        "method": "POST",
        "auth_type": "bearer_token",
        "auth_details": {"token": TOKEN},
        "headers": {"X-Team": "brain"},
    }
    shown = cli(cfg, env, "status")
    for text in (planned.output, applied.output, shown.output):
        assert TOKEN not in text
    for path in tmp_path.iterdir():
        assert TOKEN not in path.read_text(errors="replace"), path


def test_without_the_variable_nothing_is_sent(sandbox: Sandbox, tmp_path: Path) -> None:
    cfg = write(tmp_path)
    result = cli(cfg, sandbox.env, "apply", "--auto-approve")
    assert result.exit_code == 1
    assert "HOOK_TOKEN is not set" in result.output
    assert sandbox.admin.request_counts("nemo").get(("nemo", "POST /submission"), 0) == 0


def test_nemos_422_is_a_refusal_explained_and_nothing_is_created(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = write(tmp_path)
    ws = Workspace(config=cfg)
    env = {**sandbox.env, "HOOK_TOKEN": TOKEN}
    with Connections(ws.desired().services, env=env) as connections:
        desired, state, plan = ws.plan(connections)
        save_plan(plan, tmp_path / "plan.json")
        document = json.loads((tmp_path / "plan.json").read_text())
        for change in document["resource_changes"]:
            if change["kind"] == "nemo_manifests":  # a hand-edited plan NeMO refuses
                change["detail"]["notification"]["method"] = "PATCH"
        (tmp_path / "plan.json").write_text(json.dumps(document))
        result = apply_plan(
            load_plan(tmp_path / "plan.json"), state, ws.store(desired), connections
        )
        [outcome] = [o for o in result.outcomes if o.address == "nemo_manifests.m0"]
        assert outcome.result == "failed"
        assert "The 'notification' document was invalid." in outcome.message
        assert "nothing was created" in outcome.message
        assert "nemo_manifests.m0.notification" in outcome.message
        assert TOKEN not in outcome.message
        assert list(connections.nemo.list_submissions()) == []
    resource = ws.store().load().get("nemo_manifests.m0")
    assert resource is None or not resource.pending


def test_validate_remote_sends_the_notification_with_the_dry_run(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cfg = write(tmp_path)
    missing = cli(cfg, sandbox.env, "validate", "--remote")
    assert missing.exit_code == 1 and "HOOK_TOKEN" in missing.stderr
    assert sandbox.admin.request_counts() == {}
    result = cli(cfg, {**sandbox.env, "HOOK_TOKEN": TOKEN}, "validate", "--remote")
    assert result.exit_code == 0, result.output
    assert len(sandbox.admin.dry_runs()) == 1


def test_validate_checks_what_the_variable_holds_without_showing_it(tmp_path: Path) -> None:
    cfg = write(tmp_path)
    unset = cli(cfg, {}, "validate")
    assert unset.exit_code == 0, unset.output
    assert "warning: " in unset.stderr and "HOOK_TOKEN is not set" in unset.stderr
    wrong = '{"tok": "s3cret-in-json"}'
    bad = cli(cfg, {"HOOK_TOKEN": wrong}, "validate")
    assert bad.exit_code == 1
    field = "nemo_manifests.m0.notification.auth_details_env"
    assert f"{cfg}:5: {field}: HOOK_TOKEN does not hold what this auth_type needs" in bad.stderr
    assert "s3cret-in-json" not in bad.output
    assert cli(cfg, {"HOOK_TOKEN": '{"token": "x"}'}, "validate").exit_code == 0


def test_a_manifest_warning_stays_a_warning_in_validate(tmp_path: Path) -> None:
    cfg = write(tmp_path, "")
    tsv = tmp_path / "m0_manifest.tsv"
    tsv.write_text(tsv.read_text().replace("\tmouse\t", "\tunicorn\t"))
    result = cli(cfg, {}, "validate")
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "unicorn" in result.stderr
