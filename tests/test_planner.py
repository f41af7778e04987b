"""The planner as a pure function: desired state + state + what refresh read -> changes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from omicform.desired.model import DesiredState
from omicform.diff.normalize import normalize
from omicform.engine import planner
from omicform.engine.desired import load_desired
from omicform.engine.preflight import preflight
from omicform.engine.registry import decode_detail
from omicform.errors import PlanError
from omicform.model.plan import Plan
from omicform.model.render import render_plan
from omicform.model.snapshot import Snapshot
from omicform.state.model import ResourceState, State

CONFIG = """\
omicform: 1
identifiers:
  ids: {type: "nmdc:DataObject", count: 2}
jgi_sequencing_projects:
  p1:
    sequencing_project_description: soil
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"
globus_tasks:
  t1: {task_status: ACTIVE}
  t2: {task_status: "moving ${identifiers.ids[0]}"}
"""
P1 = {
    "sequencing_project_name": "p1",
    "sequencing_project_description": "soil",
    "jgi_proposal_id": "503568",
    "nmdc_study_id": "nmdc:sty-11-28tm5d36",
}


def desired(tmp_path: Path, text: str = CONFIG):  # type: ignore[no-untyped-def]
    path = tmp_path / "omicform.yaml"
    path.write_text(textwrap.dedent(text))
    return load_desired(path)


def make_plan(desired: DesiredState, state: State, snapshot: Snapshot, **options: object) -> Plan:
    """The planner, given the files as preflight reads them before any request is sent."""
    files = preflight(desired, state.minted())
    return planner.make_plan(desired, state, snapshot, files=files, **options)  # type: ignore[arg-type]


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action for c in plan.changes}


def test_everything_missing_is_created_in_dependency_order(tmp_path: Path) -> None:
    plan = make_plan(desired(tmp_path), State(), Snapshot())
    assert actions(plan) == {
        "identifiers.ids": "mint",
        "jgi_sequencing_projects.p1": "create",
        "globus_tasks.t1": "create",
        "globus_tasks.t2": "create",
    }
    t2 = plan.get("globus_tasks.t2")
    assert t2 is not None
    assert t2.after_unknown == ("task_status",)
    assert t2.depends_on == ("identifiers.ids",)
    text = render_plan(plan).plain
    assert "(known after apply)" in text
    assert "Plan: 1 to mint, 3 to create, 0 to update, 0 to submit, 0 to forget." in text


def test_an_unchanged_world_plans_nothing(tmp_path: Path) -> None:
    state = State().with_resource(
        ResourceState(
            "identifiers.ids",
            "identifiers",
            "ids",
            schema_class="nmdc:DataObject",
            minted=("nmdc:dobj-11-a", "nmdc:dobj-11-b"),
        )
    )
    snap = Snapshot()
    snap.add("jgi_sequencing_projects.p1", dict(P1, extra_server_field="x"))
    snap.add("globus_tasks.t1", {"task_id": "t1", "task_status": "ACTIVE"})
    snap.add("globus_tasks.t2", {"task_id": "t2", "task_status": "moving nmdc:dobj-11-a"})
    plan = make_plan(desired(tmp_path), state, snap)
    assert set(actions(plan).values()) == {"no-op"}
    assert not plan.has_changes
    assert "No changes." in render_plan(plan).plain


def test_a_declared_field_changed_remotely_is_an_update_with_before_and_after(
    tmp_path: Path,
) -> None:
    snap = Snapshot()
    snap.add("globus_tasks.t1", {"task_id": "t1", "task_status": "FAILED"})
    plan = make_plan(desired(tmp_path), State(), snap)
    change = plan.get("globus_tasks.t1")
    assert change is not None and change.action == "update"
    assert [(f.name, f.before, f.after) for f in change.field_changes] == [
        ("task_status", "FAILED", "ACTIVE")
    ]
    assert '~ task_status = "FAILED" -> "ACTIVE"' in render_plan(plan).plain


def test_a_project_cannot_be_updated_so_its_drift_is_blocked_with_a_reason(tmp_path: Path) -> None:
    snap = Snapshot()
    snap.add("jgi_sequencing_projects.p1", dict(P1, sequencing_project_description="sediment"))
    plan = make_plan(desired(tmp_path), State(), snap)
    change = plan.get("jgi_sequencing_projects.p1")
    assert change is not None and change.action == "blocked"
    assert "no update for sequencing projects" in change.reason
    assert plan.has_changes  # never dropped silently


def test_removed_from_the_file_is_forgotten_and_the_plan_says_nothing_is_deleted(
    tmp_path: Path,
) -> None:
    state = State().with_resource(ResourceState("globus_tasks.gone", "globus_tasks", "gone"))
    plan = make_plan(desired(tmp_path), state, Snapshot())
    change = plan.get("globus_tasks.gone")
    assert change is not None and change.action == "forget"
    assert "no delete" in change.reason


def test_a_larger_count_mints_only_the_difference(tmp_path: Path) -> None:
    state = State().with_resource(
        ResourceState(
            "identifiers.ids",
            "identifiers",
            "ids",
            schema_class="nmdc:DataObject",
            minted=("nmdc:dobj-11-a",),
        )
    )
    change = make_plan(desired(tmp_path), state, Snapshot()).get("identifiers.ids")
    assert change is not None and change.detail.to_json()["how_many"] == 1


def test_a_sample_without_its_project_anywhere_is_a_plan_error(tmp_path: Path) -> None:
    text = CONFIG + textwrap.dedent("""\
    jgi_samples:
      f1:
        sequencing_project_name: nowhere
        ap_gold_id: a
        gold_study_id: g
        its_ap_id: i
        gold_biosample_id: b
        gold_seq_id: s
        file_name: n
        jdp_file_status: READY
        globus_file_status: ACTIVE
        jdp_file_size: 10
        jgi_ap_id: j
        create_date: "2023-01-01T00:00:00Z"
    """)
    with pytest.raises(PlanError) as caught:
        make_plan(desired(tmp_path, text), State(), Snapshot())
    assert caught.value.line == 14
    assert caught.value.field == "jgi_samples.f1.sequencing_project_name"


def test_targets_bring_their_dependencies(tmp_path: Path) -> None:
    plan = make_plan(desired(tmp_path), State(), Snapshot(), targets=["globus_tasks.t2"])
    assert set(actions(plan)) == {"globus_tasks.t2", "identifiers.ids"}


def test_the_json_form_round_trips(tmp_path: Path) -> None:
    plan = make_plan(desired(tmp_path), State(), Snapshot())
    # Each change's detail comes back as its kind's typed payload.
    assert Plan.from_json(plan.to_json(), decode_detail) == plan
    assert plan.to_json()["format_version"] == "1.0"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2023-01-01T00:00:00Z", "2023-01-01T00:00:00"),
        ("2023-01-01T02:00:00+02:00", "2023-01-01T00:00:00"),
        ("2023-01-02T00:00:00.987654Z", "2023-01-02T00:00:00.987000"),
        (1, 1.0),
        (None, ""),
        ([], None),
    ],
)
def test_normalisation_removes_false_changes(a: object, b: object) -> None:
    assert normalize(a) == normalize(b)


def test_normalisation_keeps_real_changes() -> None:
    assert normalize("2023-01-01T00:00:01") != normalize("2023-01-01T00:00:00Z")
    assert normalize("1") != normalize(1)


def test_metadata_is_checked_at_plan_time_even_before_its_ids_are_minted(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(
        '{"data_object_set": [{"id": "${identifiers.ids[0]}", "type": "nmdc:DataObject",'
        ' "name": "x", "description": "y"}]}'
    )
    text = CONFIG + "metadata_submissions:\n  doc: doc.json\n"
    with pytest.raises(PlanError) as caught:
        make_plan(desired(tmp_path, text), State(), Snapshot())
    assert caught.value.file == str(tmp_path / "doc.json")
    assert "data_category" in str(caught.value)


def test_an_empty_metadata_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text('{"data_object_set": []}')
    text = CONFIG + "metadata_submissions:\n  doc: doc.json\n"
    with pytest.raises(PlanError, match="no records"):
        make_plan(desired(tmp_path, text), State(), Snapshot())
