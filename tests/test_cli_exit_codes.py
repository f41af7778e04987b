"""Exit codes a script can trust: 0 done or nothing to do, 1 any error (usage errors too),
2 only for changes under --detailed-exitcode, 130 interrupted (tests/test_interrupt.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import config

from omicform.sandbox import run_sandbox

OMICFORM = (sys.executable, "-m", "omicform")


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OMICFORM, *args],
        cwd=cwd,
        env={**os.environ, **(env or {}), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_mistyped_flag_is_an_error_not_changes_present(tmp_path: Path) -> None:
    # `plan --detailed-exitcode || [ $? -eq 2 ]` must not pass CI on a typo.
    result = run("plan", "--detailed-exitcode", "--targte", "x", cwd=tmp_path)
    assert result.returncode == 1
    assert "No such option '--targte'" in result.stderr


def test_a_bad_value_and_an_unknown_command_are_errors_too(tmp_path: Path) -> None:
    assert run("apply", "--parallelism", "many", cwd=tmp_path).returncode == 1
    assert run("plna", cwd=tmp_path).returncode == 1


def test_terraform_single_dash_forms_work_like_out(tmp_path: Path) -> None:
    result = run("plan", "-target=jgi_samples.f1", "-help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-target, --target ADDR" in result.stdout
    assert run("apply", "-help", cwd=tmp_path).returncode == 0


def test_show_in_an_empty_folder_says_there_is_no_state_and_writes_nothing(
    tmp_path: Path,
) -> None:
    result = run("show", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("No state: omicform.state.json does not exist yet.")
    assert "lineage" not in result.stdout
    as_json = run("show", "--json", cwd=tmp_path)
    assert as_json.returncode == 1 and as_json.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_an_apply_that_leaves_a_blocked_change_exits_1_and_says_why_last(tmp_path: Path) -> None:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        path = config(tmp_path, samples=0, manifests=0, tasks=0)
        first = run("apply", "--auto-approve", cwd=tmp_path, env=sandbox.env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip().splitlines()[-1].startswith("Apply complete! ")
        # NMDC has no update for sequencing projects: a new description cannot be applied.
        path.write_text(path.read_text().replace("description: sandbox", "description: new"))

        second = run("apply", "--auto-approve", cwd=tmp_path, env=sandbox.env)
        planned = run("plan", "--detailed-exitcode", cwd=tmp_path, env=sandbox.env)

    assert second.returncode == 1
    last = second.stdout.strip().splitlines()[-1]
    assert last.startswith("Apply incomplete: 1 blocked (jgi_sequencing_projects.p1: ")
    assert "no update for sequencing projects" in last and "0 failed" in last
    assert planned.returncode == 2  # still a change to make, so CI keeps asking
