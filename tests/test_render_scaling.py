"""The human plan scales: past 200 changes it is counted by kind (--full lists them all, the
JSON plan always holds them all), and nothing user- or server-supplied can print control
characters that rewrite the screen."""

from __future__ import annotations

import json

from omicform.model.plan import Change, FieldChange, Plan
from omicform.model.render import SUMMARY_OVER, printable, render_plan


def create(key: str) -> Change:
    return Change(
        f"jgi_samples.{key}",
        "jgi_samples",
        key,
        "create",
        service="nmdc",
        after={"file_name": f"{key}.fastq.gz", "jdp_file_size": 1000},
    )


def blocked(key: str) -> Change:
    return Change(
        f"jgi_sequencing_projects.{key}",
        "jgi_sequencing_projects",
        key,
        "blocked",
        reason="NMDC has no update for sequencing projects",
        field_changes=(FieldChange("sequencing_project_description", "a", "b"),),
    )


def plan_of(*changes: Change) -> Plan:
    return Plan(lineage="l", serial=1, changes=changes)


def test_a_plan_of_2000_creates_is_a_few_lines_counted_by_kind() -> None:
    plan = plan_of(*(create(f"f{i}") for i in range(2000)), blocked("p1"))
    lines = render_plan(plan).plain.splitlines()
    assert len(lines) < 15
    assert (
        lines[0]
        == "omicform will perform 2,001 actions, counted by kind (`--full` lists each one):"
    )
    assert "  + jgi_samples    2,000 will be created" in lines
    # A blocked change needs a person, so it is named with its reason even in the summary.
    assert "  ! jgi_sequencing_projects.p1: NMDC has no update for sequencing projects" in lines
    assert (
        lines[-1]
        == "Plan: 0 to mint, 2000 to create, 0 to update, 0 to submit, 0 to forget. 1 blocked."
    )


def test_full_lists_every_change_and_the_json_plan_always_does() -> None:
    plan = plan_of(*(create(f"f{i}") for i in range(SUMMARY_OVER + 1)))
    full = render_plan(plan, full=True).plain
    assert all(f"+ jgi_samples.f{i} {{" in full for i in range(SUMMARY_OVER + 1))
    assert len(json.loads(json.dumps(plan.to_json()))["resource_changes"]) == SUMMARY_OVER + 1


def test_a_small_plan_is_listed_whole_unless_compact_is_asked_for() -> None:
    plan = plan_of(*(create(f"f{i}") for i in range(SUMMARY_OVER)))
    assert "+ jgi_samples.f0 {" in render_plan(plan).plain
    compact = render_plan(plan, full=False).plain
    assert "jgi_samples.f0" not in compact and "200 will be created" in compact


def test_control_characters_in_keys_and_values_are_shown_escaped() -> None:
    key = "f1\x1b[2J\x1b[H\rNo changes.\n"
    change = Change(
        f"jgi_samples.{key}",
        "jgi_samples",
        key,
        "update",
        reason="server said \x1b]0;owned\x07",
        field_changes=(FieldChange("file_name", "a\u202eb", "c\x9bd"),),
    )
    for full in (True, False):
        text = render_plan(plan_of(change), full=full).plain
        assert not any(ch in text for ch in "\x1b\r\x07\x9b\u202e")
        assert "No changes." not in text.splitlines()[0]
    assert "jgi_samples.f1\\x1b[2J\\x1b[H\\rNo changes.\\n" in render_plan(plan_of(change)).plain


def test_printable_keeps_ordinary_text_and_unicode_as_it_is() -> None:
    assert printable("Gb0191643 café ✓ tab\there") == "Gb0191643 café ✓ tab\\there"
