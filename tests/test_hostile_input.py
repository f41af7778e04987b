"""Hostile input: every file a stranger could put in a pull request ends in a clear error
naming file, line and field, exit status 1, nothing sent; never a traceback, a hang or a
memory blow-up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from omicform.cli import main
from omicform.desired.display import shown

TASKS = "omicform: 1\nglobus_tasks:\n  t1: {task_status: ACTIVE}\n"
SAMPLE_FIELDS = (
    "ap_gold_id: a, gold_study_id: b, its_ap_id: c, gold_biosample_id: d, gold_seq_id: e, "
    "file_name: f, jdp_file_status: READY, globus_file_status: X, jdp_file_size: 1, "
    'jgi_ap_id: g, create_date: "2024-01-01T00:00:00Z"'
)


def run(config: Path, command: str = "validate") -> Result:
    return CliRunner().invoke(main, [command, "-f", str(config)])


def refused(result: Result, where: str, *words: str) -> str:
    """The command failed cleanly: exit 1, the place and the words said, no traceback."""
    output = result.stdout + result.stderr
    assert result.exit_code == 1, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert where in output, output
    for word in words:
        assert word in output, output
    return output


def alias_bomb() -> str:
    lines = ["omicform: 1", "x:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines += ["globus_tasks:", "  t1: {task_status: *i}"]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(alias_bomb())
    assert len(config.read_bytes()) < 700
    started = time.perf_counter()
    result = run(config)
    assert time.perf_counter() - started < 1.0
    refused(result, f"{config}:9", "aliases", "1,000,000")


def test_an_alias_that_contains_itself_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\nx: &a [1, *a]\n")
    refused(run(config), f"{config}:2", "refers to the node that contains it")


def test_modest_aliases_and_merge_keys_still_work(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\nglobus_tasks:\n  t1: &task {task_status: ACTIVE}\n  t2: *task\n"
    )
    assert run(config).exit_code == 0


def test_a_huge_identifier_batch_is_refused_with_its_line(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(
        TASKS + 'identifiers:\n  ids:\n    type: "nmdc:DataObject"\n    count: 1000000000\n'
    )
    for command in ("validate", "plan"):
        refused(run(config, command), f"{config}:7", "identifiers.ids.count", "10,000")


def test_the_largest_batch_is_accepted(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS + 'identifiers:\n  ids: {type: "nmdc:DataObject", count: 10000}\n')
    assert run(config).exit_code == 0


@pytest.mark.parametrize(
    ("key", "escaped"),
    [
        ('"t\\e[31mred"', "\\x1b[31mred"),
        ('"a\\nb"', "a\\nb"),
        ('"a\\0b"', "a\\x00b"),
        ('"a\\x85b"', "a\\x85b"),
        ('"a\\u202eb"', "a\\u202eb"),
        ('"a\\u200bb"', "a\\u200bb"),
    ],
)
def test_a_control_character_in_a_key_is_refused_and_shown_escaped(
    tmp_path: Path, key: str, escaped: str
) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(f"omicform: 1\nglobus_tasks:\n  {key}: {{task_status: A}}\n")
    output = refused(run(config), f"{config}:3", escaped, "control or invisible")
    assert not any(c in output for c in "\x1b\x00\x85\u202e\u200b")


def test_a_control_character_in_a_table_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text("task_id\ttask_status\nt\x1b[2J\tACTIVE\n")
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\nglobus_tasks:\n  from: t.tsv\n")
    output = refused(run(config), f"{tmp_path / 't.tsv'}:2", "\\x1b[2J")
    assert "\x1b" not in output


def test_a_megabyte_value_is_not_echoed_whole(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(
        "omicform: 1\njgi_sequencing_projects:\n  p1:\n"
        f"    sequencing_project_description: soil\n    jgi_proposal_id: {'9' * 100_000}\n"
        '    nmdc_study_id: "nmdc:sty-11-28tm5d36"\n'
    )
    output = refused(run(config), f"{config}:5", "100,000 digits")
    assert len(output) < 2_000
    config.write_text(TASKS.replace("ACTIVE", "[" + "x," * 20_000 + "]"))
    output = refused(run(config), f"{config}:3", "a list of 20000 item(s)")
    assert len(output) < 2_000
    config.write_text(TASKS + 'metadata_submissions:\n  doc: "' + "d" * 100_000 + '.json"\n')
    output = refused(run(config), f"{config}:5", "…")
    assert len(output) < 2_000


def test_shown_values_are_escaped_and_cut() -> None:
    assert shown("x" * 1000) == "'" + "x" * 78 + "…"
    assert shown("a\x1b[31m") == "'a\\x1b[31m'"
    assert shown({"a": 1}) == "a mapping of 1 key(s)"


def test_a_nul_byte_in_the_yaml_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_bytes(TASKS.replace("ACTIVE", "ACT\x00IVE").encode())
    refused(run(config), f"{config}:3", "NUL")


def test_nesting_a_hundred_thousand_deep_is_refused_quickly(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n")
    started = time.perf_counter()
    result = run(config)
    assert time.perf_counter() - started < 1.0
    refused(result, f"{config}:2", "nested")


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\nx:\n" + "".join(" " * i + "k:\n" for i in range(2, 3000, 2)))
    refused(run(config), str(config), "nested too deeply")


def test_a_table_cell_over_128_kib_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "s.tsv").write_text("jdp_file_id\tfile_name\nx\t" + "a" * 200_000 + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text("omicform: 1\njgi_samples:\n  from: s.tsv\n")
    refused(run(config), f"{tmp_path / 's.tsv'}:2", "131072")


@pytest.mark.parametrize("name", ["omicform.yaml", "s.tsv", "doc.json"])
def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path, name: str) -> None:
    (tmp_path / "s.tsv").write_text("task_id\ttask_status\nt2\tACTIVE\n")
    (tmp_path / "doc.json").write_text('{"data_object_set": []}\n')
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS + "  from: s.tsv\nmetadata_submissions:\n  doc: doc.json\n")
    target = tmp_path / name
    target.write_bytes(target.read_bytes().replace(b"\n", b"\n\xe9", 1))
    refused(run(config), f"{target}:2", "UTF-8")


def test_duplicate_keys_in_a_metadata_document_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(
        '{"data_object_set": [\n  {"id": "a", "name": "x {\\" y",\n   "name": "z"}\n]}\n'
    )
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS + "metadata_submissions:\n  doc: doc.json\n")
    for command in ("validate", "plan"):
        refused(
            run(config, command), f"{tmp_path / 'doc.json'}:3", "duplicate key 'name'", "line 2"
        )


def test_a_deeply_nested_metadata_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS + "metadata_submissions:\n  doc: doc.json\n")
    refused(run(config), str(tmp_path / "doc.json"), "nested too deeply")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_yaml_datetime_outside_the_years_utc_holds_is_refused_at_its_field(
    tmp_path: Path, moment: str
) -> None:
    config = tmp_path / "omicform.yaml"
    fields = SAMPLE_FIELDS.replace('"2024-01-01T00:00:00Z"', moment)  # unquoted: a timestamp
    config.write_text(f"omicform: 1\njgi_samples:\n  f1: {{{fields}}}\n")
    refused(run(config), f"{config}:3", "jgi_samples.f1.create_date", "out of range in UTC")


DEEP = "[" * 100_000 + "]" * 100_000  # JSON nested past what the decoder reads


@pytest.mark.parametrize(
    ("files", "args", "where", "words"),
    [
        (
            {"omicform.state.json": DEEP},
            ["state", "list"],
            "omicform.state.json",
            ["cannot be read"],
        ),
        (
            {
                "omicform.state.json": '{"format_version": 1, "serial": 1, "lineage": "x", '
                '"resources": []}',
                "omicform.state.json.journal": DEEP + "\n" + DEEP + "\n",  # not only the torn tail
            },
            ["state", "list"],
            "omicform.state.json.journal:1",
            ["journal is damaged"],
        ),
        ({"plan.json": DEEP}, ["apply", "plan.json"], "plan.json", ["not an omicform plan file"]),
        (
            {},
            ["dump", "globus_tasks", "--filter", "[" * 5000 + "]" * 5000],
            "--filter",
            ["not JSON"],
        ),
    ],
)
def test_json_nested_past_reading_in_state_journal_plan_or_filter_is_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    args: list[str],
    where: str,
    words: list[str],
) -> None:
    (tmp_path / "omicform.yaml").write_text(TASKS)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    refused(CliRunner().invoke(main, args), where, *words)


def test_a_pipe_named_as_a_config_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(TASKS)
    os.mkfifo(tmp_path / "b.yaml")  # reading it would wait for a writer that never comes
    started = time.monotonic()
    refused(run(tmp_path), str(tmp_path / "b.yaml"), "not a regular file")
    assert time.monotonic() - started < 5


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS)
    config.chmod(0)
    try:
        refused(run(config), str(config), "permission denied")
    finally:
        config.chmod(0o600)


def test_a_folder_named_as_a_document_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "doc.json").mkdir()
    config = tmp_path / "omicform.yaml"
    config.write_text(TASKS + "metadata_submissions:\n  doc: doc.json\n")
    refused(run(config), f"{config}:5", "no such file")
