"""More of issue #14's shortcuts, each held to the slow path's answer (as in
tests/test_fast_paths.py): the projection of a remote record made in C and shared when it
holds exactly the declared fields, a table row's cells typed inline, a record's address
made by its own constructor, and a plan that asks each kind itself, past the registry.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from test_fast_paths import HEADER, row, workspace

from omicform.desired.model import DesiredObject, Origin
from omicform.desired.problems import Problems
from omicform.desired.staging import NO_DEFAULTS, Entry, Tables, _object, _quick
from omicform.desired.tables import Header, Row, read_table
from omicform.diff.fields import projected
from omicform.engine.desired import load_desired
from omicform.engine.planner import make_plan
from omicform.errors import ConfigError, PlanError
from omicform.kinds.staging_rows import ROWS
from omicform.model.plan import Action
from omicform.model.snapshot import Snapshot
from omicform.state import State

SAMPLES = next(r for r in ROWS if r.name == "jgi_samples").section


def projected_slowly(
    declared: Mapping[str, Any], remote: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The loop `projected` was before it was made of C loops."""
    before = {name: remote.get(name) for name in declared}
    return before, [name for name, value in declared.items() if value != before[name]]


DECLARED = {"a": "x", "b": 1, "c": "2024-03-01T12:00:00Z", "d": None}


@pytest.mark.parametrize(
    "remote",
    [
        dict(DECLARED),  # the same fields, the same order: shared
        {"a": "x", "b": 1.0, "c": "2024-03-01T12:00:00", "d": None},
        {"b": 1, "a": "x", "c": "y", "d": None},  # another order
        {"a": "x", "b": 1, "c": "y"},  # one missing
        {"a": "x", "b": 1, "c": "y", "d": None, "e": "only the server's"},
        {"a": "x", "b": 1, "c": "y", "e": None},  # as many fields, not the same ones
        {},
        MappingProxyType(dict(DECLARED)),  # a mapping that is no dict
    ],
)
def test_the_projection_is_the_one_the_plain_loop_makes(remote: Mapping[str, Any]) -> None:
    before, differing = projected(DECLARED, remote)
    expected_before, expected_differing = projected_slowly(DECLARED, remote)
    assert list(before.items()) == list(expected_before.items())  # the order too
    assert differing == expected_differing


def test_a_remote_record_of_exactly_the_declared_fields_is_shared_not_copied() -> None:
    remote = {"a": "x", "b": 2, "c": "y", "d": None}
    before, differing = projected(DECLARED, remote)
    assert before is remote
    assert differing == ["b", "c"]
    reordered = {"b": 2, "a": "x", "c": "y", "d": None}
    assert projected(DECLARED, reordered)[0] is not reordered  # then in the declared order


def tables(problems: Problems, added: list[DesiredObject]) -> Tables:
    return Tables(SAMPLES, Path("."), NO_DEFAULTS, frozenset(), problems, added.append)


def cells_of(**changes: str) -> dict[str, str]:
    cells = dict(zip(HEADER.split("\t"), row("f1").split("\t"), strict=True))
    return {**cells, **changes}


CHECKS = [("jdp_file_size", True), ("create_date", False)]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"jdp_file_size": "0012"},
        {"jdp_file_size": "-12"},  # the general way reads it
        {"jdp_file_size": "12.5"},
        {"jdp_file_size": "١٢"},  # digits, not ASCII ones
        {"jdp_file_size": " 12"},
        {"create_date": "2024-03-01 12:00:00.120"},
        {"create_date": "2024-03-01T12:00:00+02:00"},
        {"create_date": "2024-02-30T12:00:00Z"},  # no such day
        {"create_date": "2024-03-01"},  # a date alone
        {"create_date": "yesterday"},
    ],
)
def test_a_rows_cells_are_typed_inline_as_the_general_way_types_them(
    changes: dict[str, str],
) -> None:
    cells, where = cells_of(**changes), Origin("samples.tsv", 2)
    quick_problems, general_problems = Problems(), Problems()
    quick = _quick(tables(quick_problems, []), "f1", dict(cells), where, CHECKS)
    general: list[DesiredObject] = []
    to_check = [name for name, _ in CHECKS]
    entry = Entry("f1", dict(cells), where, {}, True, to_check)
    _object(tables(general_problems, general), entry, frozenset())
    if not changes:
        assert quick is not None  # the usual row does take the short way
    if quick is not None:  # the short way answered: the general way agrees
        assert general == [quick]
        assert list(general[0].fields.items()) == list(quick.fields.items())
    assert not quick_problems  # the short way never reports: it leaves that
    if general_problems:
        assert quick is None


@pytest.mark.parametrize("key", ["f\x1b1", "f" * 81, "f\u202e1"])
def test_an_unusual_key_is_left_to_the_general_way(key: str) -> None:
    cells = cells_of(jdp_file_id=key)
    assert _quick(tables(Problems(), []), key, cells, Origin("t", 2), CHECKS) is None


def test_a_records_address_is_made_by_its_constructor_and_by_replace() -> None:
    obj = DesiredObject("jgi_samples", "f1", {}, Origin("f", 1))
    assert obj.address == "jgi_samples.f1"
    assert (obj.field_lines, obj.field_origins, obj.ignore, obj.plain) == ({}, {}, set(), False)
    moved = dataclasses.replace(obj, key="f2")
    assert moved.address == "jgi_samples.f2"
    assert moved == DesiredObject("jgi_samples", "f2", {}, Origin("f", 1))


def test_a_duplicate_row_is_still_named_at_its_line(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1"), row("f2"), row("f1")])
    with pytest.raises(ConfigError) as caught:
        load_desired(config)
    assert (caught.value.line, caught.value.field) == (4, "jgi_samples.f1")
    assert "declared twice" in caught.value.message


def test_samples_wait_on_their_projects_create_and_each_names_its_own(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1"), row("f2")])
    desired = load_desired(config)
    plan = make_plan(desired, State(), Snapshot(), files={})
    samples = [c for c in plan.changes if c.kind == "jgi_samples"]
    assert [c.depends_on for c in samples] == [("jgi_sequencing_projects.p1",)] * 2
    assert [c.action for c in samples] == [Action.CREATE] * 2
    snapshot = Snapshot()
    snapshot.add("jgi_sequencing_projects.p1", {"sequencing_project_name": "p1"})
    plan = make_plan(desired, State(), snapshot, files={})
    samples = [c for c in plan.changes if c.kind == "jgi_samples"]
    assert [c.depends_on for c in samples] == [(), ()]


def test_a_sample_of_an_unknown_project_is_named_at_its_row(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1")])
    text = (tmp_path / "samples.tsv").read_text().replace("\tp1\t", "\tp9\t")
    (tmp_path / "samples.tsv").write_text(text)
    desired = load_desired(config)
    with pytest.raises(PlanError) as caught:
        make_plan(desired, State(), Snapshot(), files={})
    assert (caught.value.line, caught.value.field) == (2, "jgi_samples.f1.sequencing_project_name")


def test_an_existing_record_is_adopted_once_then_unchanged(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1")])
    desired = load_desired(config)
    obj = next(o for o in desired.of("jgi_samples"))
    snapshot = Snapshot()
    snapshot.add(obj.address, {**obj.fields, "create_date": "2024-03-01T12:00:00"})
    snapshot.add("jgi_sequencing_projects.p1", None)
    change = next(
        c for c in make_plan(desired, State(), snapshot, files={}).changes if c.key == "f1"
    )
    assert (change.action, change.reason) == (
        Action.NO_OP,
        "exists on the server already; adopted into state",
    )


@pytest.mark.parametrize(
    "text",
    [
        "a\tb\tc\n1\t2\t3\n",
        "a\tb\ta\n1\t2\t3\n",  # a repeated column: its first place, its last cell
        "b\ta\n\t2\n",  # a blank cell
        'a,b\n"1,2",3\n',
    ],
)
def test_a_rows_cells_are_in_the_order_and_with_the_values_dict_zip_gives(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / ("t.csv" if "," in text else "t.tsv")
    path.write_text(text)
    items = list(read_table(path, Origin("omicform.yaml", 1)))
    header = next(i for i in items if isinstance(i, Header))
    expected = [
        list(dict(zip(header.names, row, strict=True)).items())
        for row in csv.reader(text.splitlines()[1:], delimiter="," if "," in text else "\t")
    ]
    assert [list(i.values.items()) for i in items if isinstance(i, Row)] == expected
