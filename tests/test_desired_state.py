"""Reading desired-state files: every mistake names the file, the line and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from omicform.desired.model import Reference, Template
from omicform.engine.desired import load_desired
from omicform.errors import ConfigError

PROJECT = """\
jgi_sequencing_projects:
  p1:
    sequencing_project_description: soil
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"
"""


def write(tmp_path: Path, text: str, name: str = "omicform.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_desired(path)
    return caught.value


def test_a_minimal_file_loads_with_production_defaults(tmp_path: Path) -> None:
    desired = load_desired(write(tmp_path, "omicform: 1\n" + PROJECT))
    (project,) = desired.of("jgi_sequencing_projects")
    assert project.kind == "jgi_sequencing_projects"
    assert project.key == "p1"
    assert project.fields["sequencing_project_name"] == "p1"  # the key fills the key field
    assert project.origin.line == 3
    assert desired.services.nemo.rate_limit == 3.0


def test_a_duplicate_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path, "omicform: 1\nglobus_tasks:\n  t1: {task_status: A}\n  t1: {task_status: B}\n"
    )
    error = error_of(path)
    assert (error.file, error.line, error.field) == (str(path), 4, "t1")
    assert "first on line 3" in str(error)


def test_the_version_line_is_required(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, PROJECT))
    assert error.field == "omicform"
    assert "omicform: 1" in str(error)


def test_an_unknown_section_is_named(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "omicform: 1\njgi_sample:\n  x: {}\n"))
    assert (error.line, error.field) == (2, "jgi_sample")


def test_an_unknown_field_is_named_with_its_line(tmp_path: Path) -> None:
    text = "omicform: 1\nglobus_tasks:\n  t1:\n    task_status: ACTIVE\n    tsak_note: x\n"
    error = error_of(write(tmp_path, text))
    assert (error.line, error.field) == (5, "globus_tasks.t1.tsak_note")
    assert "task_status" in (error.hint or "")


def test_a_missing_required_field_is_listed(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "omicform: 1\nglobus_tasks:\n  t1: {}\n"))
    assert error.field == "globus_tasks.t1"
    assert "task_status" in str(error)


def test_a_number_where_text_belongs_is_refused_rather_than_guessed(tmp_path: Path) -> None:
    text = PROJECT.replace('jgi_proposal_id: "503568"', "jgi_proposal_id: 0123")
    error = error_of(write(tmp_path, "omicform: 1\n" + text))
    assert (error.line, error.field) == (5, "jgi_sequencing_projects.p1.jgi_proposal_id")
    assert "quotes" in str(error)


def test_datetimes_are_checked_and_normalised_to_utc(tmp_path: Path) -> None:
    sample = """\
    jgi_samples:
      f1:
        sequencing_project_name: p1
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
        create_date: 2023-01-01T02:00:00+02:00
    """
    desired = load_desired(write(tmp_path, "omicform: 1\n" + PROJECT + textwrap.dedent(sample)))
    sample_obj = desired.of("jgi_samples")[0]
    assert sample_obj.fields["create_date"] == "2023-01-01T00:00:00Z"
    bad = write(
        tmp_path,
        "omicform: 1\n"
        + PROJECT
        + textwrap.dedent(sample).replace("2023-01-01T02:00:00+02:00", "yesterday"),
        "b.yaml",
    )
    error = error_of(bad)
    assert error.field == "jgi_samples.f1.create_date"
    assert error.line == 20


def test_a_literal_secret_is_refused_with_how_to_pass_it(tmp_path: Path) -> None:
    text = "omicform: 1\nservices:\n  nmdc:\n    client_secret: hunter2\n"
    error = error_of(write(tmp_path, text))
    assert (error.line, error.field) == (4, "services.nmdc.client_secret")
    assert "environment variable" in (error.hint or "")
    assert "hunter2" not in str(error)


def test_references_parse_and_are_checked_against_the_batches(tmp_path: Path) -> None:
    text = """\
    omicform: 1
    identifiers:
      ids: {type: "nmdc:DataObject", count: 2}
    globus_tasks:
      t1: {task_status: "for ${identifiers.ids[1]}"}
      t2: {task_status: "${identifiers.ids[0]}"}
    """
    desired = load_desired(write(tmp_path, text))
    t1, t2 = desired.of("globus_tasks")
    assert isinstance(t1.fields["task_status"], Template)
    assert t2.fields["task_status"] == Reference("ids", 0)
    out_of_range = write(tmp_path, text.replace("ids[0]", "ids[2]"), "r.yaml")
    error = error_of(out_of_range)
    assert (error.line, error.field) == (6, "globus_tasks.t2.task_status")
    assert "count 2" in str(error)


def test_samples_can_come_from_a_table_with_row_line_numbers(tmp_path: Path) -> None:
    header = "\t".join(
        [
            "jdp_file_id",
            "sequencing_project_name",
            "ap_gold_id",
            "gold_study_id",
            "its_ap_id",
            "gold_biosample_id",
            "gold_seq_id",
            "file_name",
            "jdp_file_status",
            "globus_file_status",
            "jdp_file_size",
            "jgi_ap_id",
            "create_date",
        ]
    )
    row = "f{n}\tp1\ta\tg\ti\tb\ts\tn{n}\tREADY\tACTIVE\t{size}\tj\t2023-01-01T00:00:00Z"
    rows = [header, row.format(n=1, size=5), row.format(n=2, size="big")]
    (tmp_path / "samples.tsv").write_text("\n".join(rows) + "\n")
    path = write(tmp_path, "omicform: 1\n" + PROJECT + "jgi_samples: {from: samples.tsv}\n")
    error = error_of(path)
    assert error.file == str((tmp_path / "samples.tsv").resolve())
    assert (error.line, error.field) == (3, "jgi_samples.f2.jdp_file_size")
    (tmp_path / "samples.tsv").write_text("\n".join(rows[:2]) + "\n")
    (sample,) = load_desired(path).of("jgi_samples")
    assert sample.fields["jdp_file_size"] == 5  # table cells are text; ints are converted


def test_a_folder_of_files_is_one_desired_state_and_keys_stay_unique(tmp_path: Path) -> None:
    write(tmp_path, "omicform: 1\n" + PROJECT, "a.yaml")
    write(tmp_path, "omicform: 1\nglobus_tasks:\n  t1: {task_status: A}\n", "b.yaml")
    assert len(load_desired(tmp_path).addresses()) == 2
    write(tmp_path, "omicform: 1\nglobus_tasks:\n  t1: {task_status: B}\n", "c.yaml")
    error = error_of(tmp_path)
    assert error.file == str(tmp_path / "c.yaml")
    assert "b.yaml:3" in str(error)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "omicform: 1\nglobus_tasks:\n  t1: {task_status: A\n"))
    assert error.file is not None and error.line is not None
