"""The CI recipe (examples/github-workflow.yml, explained in docs/ci.md) stays complete: a
cheap guard that nobody trims away the part that keeps two applies from racing, or the
commit that keeps the state (and its lineage pin) for the next run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "examples" / "github-workflow.yml"


def workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def scripts(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def test_it_runs_on_pull_requests_and_on_pushes_to_main() -> None:
    doc = workflow()
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert doc["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_installs_omicform_from_the_repository_until_a_release_exists() -> None:
    doc = workflow()
    assert doc["env"]["OMICFORM_INSTALL"].startswith("omicform @ git+https://github.com/")
    for job in doc["jobs"].values():
        assert 'pip install "$OMICFORM_INSTALL"' in scripts(job)


def test_applies_one_at_a_time_and_are_never_cancelled() -> None:
    apply = workflow()["jobs"]["apply"]
    assert apply["concurrency"]["group"].startswith("omicform-apply-")
    assert apply["concurrency"]["cancel-in-progress"] is False
    checkout = apply["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["ref"] == "${{ github.ref_name }}"  # the tip, with the last state


def test_the_state_and_lineage_are_committed_by_the_bot_even_after_a_failed_apply() -> None:
    apply = workflow()["jobs"]["apply"]
    commit = next(s for s in apply["steps"] if "git commit" in str(s.get("run", "")))
    assert commit["if"].startswith("always()")
    script = commit["run"]
    assert 'git config user.name "omicform[bot]"' in script
    assert re.search(r"git config user.email \S+", script)
    added = next(line for line in script.splitlines() if line.startswith("git add "))
    assert "omicform.state.json" in added.split() and "omicform.lineage" in added.split()
    assert "git push" in script


def test_the_plan_goes_to_the_pull_request_as_markdown() -> None:
    plan = workflow()["jobs"]["plan"]
    assert "--format markdown" in scripts(plan) and "--detailed-exitcode" in scripts(plan)
    comment = next(s for s in plan["steps"] if "github-script" in str(s.get("uses", "")))
    assert "<!-- omicform-plan -->" in comment["with"]["script"]
    assert "plan.md" in comment["with"]["script"]


def test_the_docs_point_at_the_recipe() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "examples/github-workflow.yml" in readme and "docs/ci.md" in readme
    assert "github-workflow.yml" in ci and "url_env: OMICFORM_STATE_URL" in ci
    assert "no state found" in ci
