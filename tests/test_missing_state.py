"""A plan without state mints and submits everything again: `plan` and `apply` say so loudly
on stderr (and, in CI, say to commit the state and check out the branch holding it). With a
lineage pin but no state, loading the state is an error, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import config

from omicform.sandbox import run_sandbox

OMICFORM = (sys.executable, "-m", "omicform")


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_STEP_SUMMARY")}
    return subprocess.run(
        [*OMICFORM, *args],
        cwd=cwd,
        env={**clean, **env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_plan_and_apply_without_state_warn_and_ci_is_told_to_commit_it(tmp_path: Path) -> None:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        config(tmp_path, samples=1, manifests=0, tasks=0)
        planned = run("plan", "--json", cwd=tmp_path, env=sandbox.env)
        in_ci = run("plan", cwd=tmp_path, env={**sandbox.env, "CI": "true"})
        applied = run("apply", "--auto-approve", cwd=tmp_path, env=sandbox.env)
        again = run("plan", cwd=tmp_path, env={**sandbox.env, "CI": "true"})
        (tmp_path / "omicform.state.json").unlink()
        pinned = run("plan", cwd=tmp_path, env=sandbox.env)

    assert planned.returncode == 0, planned.stderr
    assert planned.stderr.startswith("Warning: no state found: omicform.state.json")
    assert "mint new identifiers and submit everything again" in planned.stderr
    assert "In CI" not in planned.stderr
    assert planned.stdout.lstrip().startswith("{")  # the JSON on stdout is untouched
    assert "In CI: commit omicform.state.json and omicform.lineage" in in_ci.stderr
    assert "check out the branch" in in_ci.stderr
    assert applied.returncode == 0, applied.stderr
    assert "Warning: no state found" in applied.stderr
    assert "Warning" not in again.stderr  # state found: nothing to say
    # The pin is there, the state is gone: an error, not a warning.
    assert pinned.returncode == 1
    assert "Warning: no state found" not in pinned.stderr
    assert "is missing" in pinned.stderr


def test_the_markdown_for_a_pull_request_carries_the_warning(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        config(tmp_path, samples=0, manifests=0, tasks=1)
        env = {**sandbox.env, "CI": "true", "GITHUB_STEP_SUMMARY": str(summary)}
        planned = run("plan", "--format", "markdown", cwd=tmp_path, env=env)
    assert planned.returncode == 0, planned.stderr
    for text in (planned.stdout, summary.read_text()):
        assert "> **Warning:** no state found" in text
        assert "In CI\\: commit omicform.state.json and omicform.lineage" in text
