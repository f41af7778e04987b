"""Plans as Markdown for a pull-request comment (`--format markdown`) and the job's step
summary: a table of counts, each kind's changes in a table, long lists folded, and nothing a
key, value or server message holds can break out of a cell or open an HTML tag."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import config

from omicform.model.markdown import DETAILS_OVER, MARKER, MAX_CHARS, escape, render_markdown
from omicform.model.plan import Change, FieldChange, Plan
from omicform.sandbox import run_sandbox

OMICFORM = (sys.executable, "-m", "omicform")


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "CI")}
    return subprocess.run(
        [*OMICFORM, *args],
        cwd=cwd,
        env={**clean, **env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def create(key: str, **after: object) -> Change:
    fields = after or {"file_name": f"{key}.fastq.gz"}
    return Change(f"jgi_samples.{key}", "jgi_samples", key, "create", after=dict(fields))


def plan_of(*changes: Change, warnings: tuple[str, ...] = ()) -> Plan:
    return Plan(lineage="l", serial=1, changes=changes, warnings=warnings)


def test_a_saved_plan_renders_as_a_table_naming_its_changes(tmp_path: Path) -> None:
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        config(tmp_path, samples=2, manifests=0, tasks=1)
        planned = run("plan", "-out", "plan.json", cwd=tmp_path, env=sandbox.env)
        assert planned.returncode == 0, planned.stderr
        shown = run("show", "--format", "markdown", "plan.json", cwd=tmp_path, env=sandbox.env)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert text.startswith(MARKER)
    assert "| action | count |" in text
    assert "| \\+ create | 4 |" in text  # the project, two samples, the task
    assert "#### jgi\\_samples (2 create)" in text
    assert "| <code>jgi\\_samples.f0</code> | \\+ create |" in text
    assert "<code>globus\\_tasks.t0</code>" in text
    as_json = run("show", "--format", "json", "plan.json", cwd=tmp_path, env={})
    assert as_json.stdout.lstrip().startswith("{")
    both = run("show", "--json", "--format", "markdown", "plan.json", cwd=tmp_path, env={})
    assert both.returncode == 1 and "disagree" in both.stderr


def test_plan_appends_markdown_to_the_step_summary_whatever_the_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        config(tmp_path, samples=1, manifests=0, tasks=0)
        env = {**sandbox.env, "GITHUB_STEP_SUMMARY": str(summary)}
        as_json = run("plan", "--json", cwd=tmp_path, env=env)
        as_markdown = run("plan", "--format", "markdown", cwd=tmp_path, env=env)
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.lstrip().startswith("{")  # stdout keeps the format asked for
    text = summary.read_text()
    assert text.startswith("# earlier step\n")  # appended, not replaced
    assert text.count(MARKER) == 2
    assert "<code>jgi\\_samples.f0</code>" in text
    assert as_markdown.stdout.strip() in text


def test_keys_values_and_reasons_cannot_break_the_table_or_inject_html() -> None:
    hostile = "x|y</code><script>alert(1)</script>\n| forged | row |\x1b[2J@team #1 [a](b)"
    change = Change(
        f"globus_tasks.{hostile}",
        "globus_tasks",
        hostile,
        "update",
        reason=hostile,
        field_changes=(FieldChange(hostile, hostile, "<b>&amp;</b>"),),
    )
    text = render_markdown(plan_of(change, warnings=(hostile,)))
    rows = [line for line in text.splitlines() if line.startswith("| <code>")]
    assert len(rows) == 1  # one change, one row: no newline got through
    assert rows[0].count(" | ") == 3  # four cells: every | in user text is escaped
    assert "<script>" not in text and "</code><" not in text
    assert "&lt;script&gt;" in text and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in text
    assert "\x1b" not in text and "\n| forged" not in text
    assert "\\@team" in text and "\\#1" in text and "\\[a\\]\\(b\\)" in text
    for sneaky in ("a\u2028b", "a\u202eb", "a\rb", "a\x85b"):
        assert "\u2028" not in escape(sneaky) and "\u202e" not in escape(sneaky)
        assert "\r" not in escape(sneaky) and "\x85" not in escape(sneaky)


def test_a_kind_past_the_threshold_is_folded_in_details() -> None:
    few = render_markdown(plan_of(*(create(f"f{i}") for i in range(DETAILS_OVER))))
    assert "<details>" not in few and "#### jgi\\_samples" in few
    many = render_markdown(plan_of(*(create(f"f{i}") for i in range(DETAILS_OVER + 1))))
    # A <details> block is HTML, where Markdown escapes would show: entities only there.
    assert "<details><summary>jgi_samples (11 create)</summary>" in many
    assert many.count("<details>") == many.count("</details>") == 1
    assert f"<code>jgi\\_samples.f{DETAILS_OVER}</code>" in many


def test_a_huge_plan_fits_a_comment_counted_by_kind() -> None:
    long = "x" * 110
    plan = plan_of(*(create(f"f{i}", a=long, b=long, c=long, size=i) for i in range(5000)))
    text = render_markdown(plan)
    assert len(text) < MAX_CHARS
    assert "| jgi\\_samples | \\+ create | 5,000 |" in text
    assert "too many to list" in text


def test_a_folded_kind_name_is_escaped_as_html() -> None:
    hostile = "k</summary><img src=x>"
    changes = [Change(f"{hostile}.f{i}", hostile, f"f{i}", "forget") for i in range(12)]
    text = render_markdown(plan_of(*changes))
    assert "<img" not in text and text.count("</summary>") == 1
    assert "<summary>k&lt;/summary&gt;&lt;img src=x&gt; (12 forget)</summary>" in text


def test_no_changes_says_so() -> None:
    noop = Change("globus_tasks.t", "globus_tasks", "t", "no-op")
    text = render_markdown(plan_of(noop))
    assert "**No changes.**" in text and "| action |" not in text
