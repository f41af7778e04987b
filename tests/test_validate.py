"""`validate` runs every offline check plan runs, lists every problem as
`file:line: field: message`, and reports each mistake where it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from omicform.cli import main

SAMPLE = (
    "ap_gold_id: a, gold_study_id: b, its_ap_id: c, gold_biosample_id: d, gold_seq_id: e, "
    "file_name: f, jdp_file_status: READY, globus_file_status: X, jdp_file_size: 1, "
    'jgi_ap_id: g, create_date: "2024-01-01T00:00:00Z"'
)
COLUMNS = "jdp_file_id\tap_gold_id\tgold_study_id\tits_ap_id\tgold_biosample_id\tgold_seq_id\tfile_name\tjdp_file_status\tglobus_file_status\tjdp_file_size\tjgi_ap_id\tcreate_date"  # fmt: skip


def row(key: str, size: str = "1") -> str:
    return f"{key}\ta\tb\tc\td\te\tf\tREADY\tX\t{size}\tg\t2024-01-01T00:00:00Z"


def run(config: Path, command: str = "validate") -> Result:
    return CliRunner().invoke(main, [command, "-f", str(config)])


def test_a_typo_in_defaults_is_reported_at_the_yaml_line_once(tmp_path: Path) -> None:
    (tmp_path / "samples.tsv").write_text("\n".join([COLUMNS, row("s1"), row("s2")]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\njgi_samples:\n  defaults:\n    sequencing_project_name: p\n"
        "    sequencing_projekt: p\n  from: samples.tsv\n"
    )
    result = run(config)
    assert result.exit_code == 1
    assert f"{config}:5: jgi_samples.defaults.sequencing_projekt: unknown field" in result.stderr
    assert "samples.tsv" not in result.stderr
    assert "1 problem(s)" in result.stderr


def test_a_defaults_value_of_the_wrong_type_is_reported_at_the_yaml_line(tmp_path: Path) -> None:
    (tmp_path / "samples.tsv").write_text("\n".join([COLUMNS, row("s1")]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\njgi_samples:\n  defaults:\n    sequencing_project_name: 12\n"
        "  from: samples.tsv\n"
    )
    result = run(config)
    assert f"{config}:4: jgi_samples.defaults.sequencing_project_name" in result.stderr


def test_an_unknown_table_column_is_reported_once_at_the_header(tmp_path: Path) -> None:
    header = COLUMNS + "\tsequencing_project_name\tnote"
    rows = [row(f"s{i}") + "\tp\tx" for i in range(5)]
    (tmp_path / "samples.tsv").write_text("\n".join([header, *rows]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\njgi_samples:\n  from: samples.tsv\n")
    result = run(config)
    assert f"{tmp_path / 'samples.tsv'}:1: note: unknown field" in result.stderr
    assert "1 problem(s)" in result.stderr


def test_validate_lists_every_bad_row_and_plan_stops_before_any_request(tmp_path: Path) -> None:
    rows = [row("s1", "big"), row("s2"), row("s3", "huge"), row("s4")]
    (tmp_path / "samples.tsv").write_text("\n".join([COLUMNS, *rows]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\njgi_samples:\n  defaults: {sequencing_project_name: p}\n"
        "  from: samples.tsv\nglobus_tasks:\n  t1: {task_status: 5}\n"
    )
    result = run(config)
    table = tmp_path / "samples.tsv"
    assert f"{table}:2: jgi_samples.s1.jdp_file_size: expected a whole number" in result.stderr
    assert f"{table}:4: jgi_samples.s3.jdp_file_size" in result.stderr
    assert f"{config}:6: globus_tasks.t1.task_status: expected text" in result.stderr
    assert "3 problem(s)" in result.stderr
    planned = run(config, "plan")
    assert planned.exit_code == 1 and "Traceback" not in planned.stderr
    assert f"{table}:2" in planned.stderr and "and 2 more" in planned.stderr


def test_at_most_a_hundred_problems_are_shown(tmp_path: Path) -> None:
    rows = [row(f"s{i}", "x") for i in range(250)]
    (tmp_path / "samples.tsv").write_text("\n".join([COLUMNS, *rows]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\njgi_samples:\n  defaults: {sequencing_project_name: p}\n  from: samples.tsv\n"
    )
    result = run(config)
    assert result.exit_code == 1
    assert result.stderr.count("jdp_file_size: expected") == 100
    assert "and 150 more" in result.stderr and "250 problem(s)" in result.stderr


def test_metadata_and_manifest_problems_share_the_one_format(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text('{\n  "nope_set": [{"id": "x"}]\n}\n')
    (tmp_path / "x_manifest.tsv").write_text("File_name\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\nmetadata_submissions:\n  doc: doc.json\n"
        "nemo_manifests:\n  m: x_manifest.tsv\n"
    )
    result = run(config)
    assert result.exit_code == 1
    assert f"{tmp_path / 'doc.json'}:2: metadata_submissions.doc: nope_set: " in result.stderr
    assert f"{tmp_path / 'x_manifest.tsv'}:1: " in result.stderr


def test_a_sample_of_an_undeclared_project_is_a_warning_not_a_success(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(
        f"omicform: 1\njgi_samples:\n  s1: {{sequencing_project_name: typo, {SAMPLE}}}\n"
    )
    result = run(config)
    assert result.exit_code == 0
    assert "Success" not in result.stdout and "1 warning" in result.stdout
    assert f"{config}:3: jgi_samples.s1.sequencing_project_name: " in result.stderr
    assert "'typo' is not declared" in result.stderr


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("jgi_samples:\n  from: ../outside.tsv\n", "jgi_samples.from"),
        ("metadata_submissions:\n  doc: ../outside.json\n", "metadata_submissions.doc.file"),
        ("nemo_manifests:\n  m: {file: link_manifest.tsv}\n", "nemo_manifests.m.file"),
    ],
)
def test_paths_leaving_the_config_folder_are_refused_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, field: str
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    (tmp_path / "outside.tsv").write_text(COLUMNS + "\n")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "link_manifest.tsv").symlink_to(outside)
    config = folder / "omicform.yaml"
    config.write_text("omicform: 1\n" + entry)
    monkeypatch.delenv("OMICFORM_ALLOW_OUTSIDE_PATHS", raising=False)
    for command in ("validate", "plan"):
        result = run(config, command)
        assert result.exit_code == 1, result.output
        assert f"{config}:3: {field}: " in result.stderr
        assert "outside the configuration's folder" in result.stderr
        assert "OMICFORM_ALLOW_OUTSIDE_PATHS=1" in result.stderr
    monkeypatch.setenv("OMICFORM_ALLOW_OUTSIDE_PATHS", "1")
    assert "outside the configuration's folder" not in run(config).stderr


def test_the_examples_still_validate() -> None:
    examples = Path(__file__).parent.parent / "examples" / "omicform.yaml"
    result = run(examples)
    assert result.exit_code == 0, result.output
