"""NeMO answers that its documentation allows but does not promise are read safely: a 201 on
create, `"policy": null` after a failed validation, a login failure answered 200, a seventh
step, and `page` on a last page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from omicform import Connections, Sandbox, Workspace, apply_plan, run_sandbox
from omicform.cli import main
from omicform.errors import AuthenticationFailed
from omicform.sandbox.testing import manifest_tsv


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as running:
        yield running


def broken_manifest_config(folder: Path) -> Path:
    (folder / "bad_manifest.tsv").write_bytes(manifest_tsv(2))
    config = folder / "omicform.yaml"
    config.write_text(
        "omicform: 1\nnemo_manifests:\n  bad: {file: bad_manifest.tsv, strict: false}\n"
    )
    return config


def posts(sandbox: Sandbox) -> int:
    counts = sandbox.admin.request_counts("nemo")
    return sum(n for (_, route), n in counts.items() if route == "POST /submission")


def test_a_201_and_a_null_policy_give_one_post_and_a_readable_failure(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.admin.set_nemo_variants(created_status=201, null_policy=True)
    sandbox.admin.set_nemo_fail_step("manifest_validated")  # NeMO's validator says no
    ws = Workspace(config=broken_manifest_config(tmp_path))
    for _ in range(3):
        with Connections(ws.desired().services, env=sandbox.env) as connections:
            _, state, plan = ws.plan(connections)
            apply_plan(plan, state, ws.store(), connections)
    assert posts(sandbox) == 1  # one POST however many applies run
    searches = sandbox.admin.request_counts("nemo").get(("nemo", "POST /submission/search"), 0)
    assert searches == 0  # the 201 was a success with an id: nothing to settle
    (change,) = plan.changes  # the last plan read the failed submission, policy null and all
    assert change.action == "blocked"
    assert "NeMO rejected the manifest" in change.reason
    result = CliRunner().invoke(main, ["status", "-f", str(ws.config)], env=sandbox.env)
    assert result.exit_code == 0, result.output
    assert "manifest_validated" in result.output and "failed" in result.output
    assert "could not be read" not in result.output


def test_a_login_failure_answered_200_says_nemo_login_failed(sandbox: Sandbox) -> None:
    sandbox.admin.set_nemo_variants(login_failure_status=200)
    env = {**sandbox.env, "NEMO_PASSWORD": "wrong"}
    with Connections(env=env) as connections, pytest.raises(AuthenticationFailed) as caught:
        connections.nemo.login()
    assert "NeMO login failed" in str(caught.value)
    assert "changed its API" not in str(caught.value)


def test_a_seventh_step_and_page_on_every_page_are_read(sandbox: Sandbox) -> None:
    sandbox.admin.set_nemo_variants(extra_step="archive_release", page_always=True)
    with Connections(env=sandbox.env) as connections:
        made = [
            connections.nemo.submit(manifest_tsv(1, prefix=f"s{i}-"), "x_manifest.tsv")
            for i in range(3)
        ]
        sandbox.admin.advance_submission(made[0], steps=7)
        found = connections.nemo.get_submission(made[0])
        listed = [s.id for s in connections.nemo.list_submissions()]
    assert [s.name for s in found.steps][-1] == "archive_release"
    assert found.state == "complete"
    assert listed == made
