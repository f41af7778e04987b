"""The loader's and the planner's shortcuts give the answers the full checks give.

Large files take shortcuts (issue #14): a table without `${` skips the reference parse of
its text cells, a canonical datetime is kept as written, a `2024-03-01T12:00:00Z` the server
reads back naive is compared without normalising, fingerprints are hashed only when a plan
is saved, a table without quotes is split rather than parsed, and the cycle collector
pauses while a plan is built. Each spec below holds a
shortcut to the slow path's answer, or to the file/line/field of its error.
"""

from __future__ import annotations

import csv
import gc
import json
import textwrap
from pathlib import Path

import pytest

from omicform.desired.fields import FieldSpec, FieldTypeError, coerce, datetime_text
from omicform.desired.model import Origin, Reference, Template
from omicform.desired.tables import Header, read_table
from omicform.diff.normalize import normalize, same_datetime_text, utc_instant
from omicform.engine.desired import load_desired
from omicform.engine.planner import make_plan
from omicform.errors import ConfigError
from omicform.model.snapshot import Snapshot, fingerprint
from omicform.sandbox.nmdc.query import matches, text_filter
from omicform.state import State

HEADER = "jdp_file_id\tsequencing_project_name\tap_gold_id\tgold_study_id\tits_ap_id\t"
HEADER += "gold_biosample_id\tgold_seq_id\tfile_name\tjdp_file_status\tglobus_file_status\t"
HEADER += "jdp_file_size\tjgi_ap_id\tcreate_date"
DATETIME = FieldSpec("datetime", True)


def row(key: str, size: str = "12", date: str = "2024-03-01T12:00:00Z", seq: str = "1") -> str:
    cells = [key, "p1", "Ga1", "Gs1", "1.0", "Gb1", seq, f"{key}.fq", "RESTORED", "PENDING"]
    return "\t".join([*cells, size, "1", date])


def workspace(folder: Path, rows: list[str], defaults: str = "") -> Path:
    (folder / "samples.tsv").write_text("\n".join([HEADER, *rows]) + "\n")
    config = folder / "omicform.yaml"
    config.write_text(
        "omicform: 1\n"
        "identifiers:\n  seqs: {type: nmdc:DataObject, count: 2}\n"
        "jgi_sequencing_projects:\n  p1:\n    sequencing_project_description: d\n"
        '    jgi_proposal_id: "1"\n    nmdc_study_id: "nmdc:sty-11-28tm5d36"\n'
        "jgi_samples:\n" + textwrap.indent(defaults, "  ") + "  from: samples.tsv\n"
    )
    return config


def sample(config: Path, key: str) -> object:
    found = [o for o in load_desired(config).of("jgi_samples") if o.key == key]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-01T12:00:00Z",
        "2024-03-01T12:00:00.5Z",
        "2024-03-01T12:00:00.120Z",  # a trailing zero: not canonical, rewritten
        "2024-03-01T12:00:00.000000Z",
        "2024-03-01T12:00:00.1234567Z",  # seven digits
        "2024-03-01T12:00:00+02:00",
        "2024-03-01 12:00:00",
        "2024-03-01T12:00:00",
        "0999-03-01T12:00:00Z",
        " 2024-03-01T12:00:00Z ",
    ],
)
def test_a_datetimes_text_is_sent_as_the_full_reading_gives_it(text: str) -> None:
    moment = utc_instant(text.strip())
    assert moment is not None
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    assert datetime_text(text) == moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


@pytest.mark.parametrize(
    "text", ["2024-02-30T12:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01", "yesterday", ""]
)
def test_a_datetime_that_is_no_real_one_is_refused_however_it_is_shaped(text: str) -> None:
    with pytest.raises(FieldTypeError):
        coerce(DATETIME, text)


@pytest.mark.parametrize(
    ("declared", "remote"),
    [
        ("2024-03-01T12:00:00Z", "2024-03-01T12:00:00"),
        ("2024-03-01T12:00:00.5Z", "2024-03-01T12:00:00.5"),
        ("2024-03-01 12:00:00Z", "2024-03-01 12:00:00"),
        ("2024-13-01T12:00:00Z", "2024-13-01T12:00:00"),  # no date: text compared as text
        ("abcZ", "abc"),
        ("2024-03-01T12:00:00+01:00Z", "2024-03-01T12:00:00+01:00"),
        ("2024-03-01T12:00:00Z", "2024-03-01T13:00:00"),
        ("2024-03-01T12:00:00Z", None),
        (12, 12.0),
    ],
)
def test_the_datetime_shortcut_never_says_same_where_normalising_says_different(
    declared: object, remote: object
) -> None:
    if same_datetime_text(declared, remote):
        assert normalize(declared) == normalize(remote)


def test_the_shortcut_does_take_the_servers_naive_readback() -> None:
    assert same_datetime_text("2024-03-01T12:00:00Z", "2024-03-01T12:00:00")


def test_table_cells_are_typed_as_the_full_check_types_them(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1", size="0012", date="2024-03-01 12:00:00.120")])
    obj = sample(config, "f1")
    assert obj.fields["jdp_file_size"] == 12  # type: ignore[attr-defined]
    assert obj.fields["create_date"] == "2024-03-01T12:00:00.12Z"  # type: ignore[attr-defined]
    assert obj.plain  # type: ignore[attr-defined]


def test_a_reference_in_a_table_cell_is_still_parsed_and_planned_for(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1", seq="${identifiers.seqs[1]}")])
    obj = sample(config, "f1")
    assert obj.fields["gold_seq_id"] == Reference("seqs", 1)  # type: ignore[attr-defined]
    assert not obj.plain  # type: ignore[attr-defined]
    desired = load_desired(config)
    plan = make_plan(desired, State(), Snapshot(), files={})
    change = next(c for c in plan.changes if c.address == "jgi_samples.f1")
    assert change.after_unknown == ("gold_seq_id",)
    assert "identifiers.seqs" in change.depends_on


def test_a_reference_from_defaults_makes_every_row_wait_for_its_batch(tmp_path: Path) -> None:
    defaults = 'defaults:\n  gold_seq_id: "x-${identifiers.seqs[0]}"\n'
    cells = row("f1").split("\t")
    header = [c for i, c in enumerate(HEADER.split("\t")) if i != 6]
    table = "\t".join(header) + "\n" + "\t".join(c for i, c in enumerate(cells) if i != 6)
    config = workspace(tmp_path, [], defaults)
    (tmp_path / "samples.tsv").write_text(table + "\n")
    obj = sample(config, "f1")
    assert isinstance(obj.fields["gold_seq_id"], Template)  # type: ignore[attr-defined]
    assert not obj.plain  # type: ignore[attr-defined]
    assert obj.origin_of("gold_seq_id").line == 11  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        ({"size": "12.5"}, "jdp_file_size", "expected a whole number"),
        ({"size": "-"}, "jdp_file_size", "expected a whole number"),
        ({"size": "--5"}, "jdp_file_size", "expected a whole number"),
        ({"size": "\u00b2"}, "jdp_file_size", "expected a whole number"),  # a digit to isdigit
        ({"size": "1" + "0" * 5000}, "jdp_file_size", "a number of 5,001 digits is too long"),
        ({"date": "2024-03-01"}, "create_date", "not only a date"),
        ({"date": "2024-02-30T00:00:00Z"}, "create_date", "expected a date and time"),
        ({"date": "0001-01-01T00:00:00+01:00"}, "create_date", "expected a date and time"),
        ({"date": "9999-12-31T23:59:59-01:00"}, "create_date", "expected a date and time"),
    ],
)
def test_a_wrong_cell_is_named_at_its_row_and_field(
    tmp_path: Path, cells: dict[str, str], field: str, message: str
) -> None:
    config = workspace(tmp_path, [row("f1"), row("f2", **cells)])
    with pytest.raises(ConfigError) as caught:
        load_desired(config)
    error = caught.value
    assert (Path(str(error.file)).name, error.line, error.field) == (
        "samples.tsv",
        3,
        f"jgi_samples.f2.{field}",
    )
    assert message in error.message


def test_a_saved_plan_holds_the_fingerprints_a_plan_hashes_only_when_asked(
    tmp_path: Path,
) -> None:
    config = workspace(tmp_path, [row("f1")])
    desired = load_desired(config)
    snapshot = Snapshot()
    record = {"jdp_file_id": "f1", "sequencing_project_name": "p1", "jdp_file_size": 12}
    snapshot.add("jgi_samples.f1", record)
    plan = make_plan(desired, State(), snapshot, files={})
    snapshot.add("jgi_samples.f1", None)  # read again later: the plan keeps what it planned
    saved = json.loads(json.dumps(plan.to_json()))["prior_fingerprints"]
    assert saved == {"jgi_samples.f1": fingerprint(record)}


def test_the_collector_runs_again_after_a_plan_and_stays_off_if_it_was(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row("f1")])
    assert gc.isenabled()
    load_desired(config)
    assert gc.isenabled()
    gc.disable()
    try:
        load_desired(config)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_plan_shares_the_declared_fields_instead_of_copying_them(tmp_path: Path) -> None:
    config = workspace(tmp_path, [row(f"f{i}") for i in range(100)])
    desired = load_desired(config)
    plan = make_plan(desired, State(), Snapshot(), files={})
    by_address = {o.address: o for o in desired.of("jgi_samples")}
    for change in plan.changes:
        if change.address in by_address:
            assert change.after is by_address[change.address].fields


@pytest.mark.parametrize(
    "text",
    [
        "a\tb\n1\t2\n",
        "a\tb\n\n \t \n1\t\n",  # blank lines, blank cells
        "a\tb\n 1 \t 2\t\n",  # a cell too many
        'a\tb\n"1\t2"\t3\n',  # quoted: the csv module reads it
        "a\tb\r\n1\t2\r\n",
        "a\tb\r\n1 \t2\r\n",  # padding before a CRLF
        "a\tb\n1\x1f\t2\n",  # the unit separator is whitespace to str.strip
        "a\tb\n1\t2\xa0\n",  # so is a no-break space
        "a\tb\n1 2\t3\n",  # a space inside a cell stays
    ],
)
def test_a_table_is_read_as_the_csv_module_reads_it(tmp_path: Path, text: str) -> None:
    assert as_read(tmp_path / "t.tsv", text) == as_the_csv_module_reads(text, "\t")


@pytest.mark.parametrize("text", ["a,b\n1,2\n", "a,b\n1 ,2\n", "a,b\n1\t,2\n", 'a,b\n"1,2",3\n'])
def test_a_csv_file_is_read_as_the_csv_module_reads_it(tmp_path: Path, text: str) -> None:
    assert as_read(tmp_path / "t.csv", text) == as_the_csv_module_reads(text, ",")


def as_the_csv_module_reads(text: str, delimiter: str) -> list[object]:
    expected: list[object] = []
    header: list[str] | None = None
    for number, cells in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        stripped = [c.strip() for c in cells]
        if not any(stripped):
            continue
        if header is None:
            header = stripped
            expected.append(("header", number, header))
        elif len(cells) != len(header):
            expected.append(("error", number))
        else:
            expected.append(("row", number, dict(zip(header, stripped, strict=True))))
    return expected


def as_read(path: Path, text: str) -> list[object]:
    path.write_text(text, newline="")
    got: list[object] = []
    for item in read_table(path, Origin("omicform.yaml", 1)):
        if isinstance(item, Header):
            got.append(("header", item.line, item.names))
        elif isinstance(item, ConfigError):
            got.append(("error", item.line))
        else:
            got.append(("row", item.line, item.values))
    return got


def test_a_rows_fields_come_from_its_cells_over_the_defaults_each_where_written(
    tmp_path: Path,
) -> None:
    defaults = "defaults:\n  jgi_ap_id: '7'\n  jdp_file_status: LOST\n"
    cells = row("f1").split("\t")
    header = HEADER.split("\t")
    keep = [i for i, name in enumerate(header) if name != "jgi_ap_id"]  # from defaults only
    config = workspace(tmp_path, [], defaults)
    (tmp_path / "samples.tsv").write_text(
        "\t".join(header[i] for i in keep) + "\n" + "\t".join(cells[i] for i in keep) + "\n"
    )
    obj = sample(config, "f1")
    fields = obj.fields  # type: ignore[attr-defined]
    assert (fields["jgi_ap_id"], fields["jdp_file_status"]) == ("7", "RESTORED")
    assert list(fields)[:2] == ["jgi_ap_id", "jdp_file_status"]  # `{**defaults, **cells}`
    assert fields["jdp_file_size"] == 12
    assert obj.origin_of("jgi_ap_id") == Origin(str(config), 11)  # type: ignore[attr-defined]
    table = str((tmp_path / "samples.tsv").resolve())
    assert obj.origin_of("jdp_file_status") == Origin(table, 2)  # type: ignore[attr-defined]


def test_a_row_missing_a_required_cell_is_named_however_it_is_read(tmp_path: Path) -> None:
    cells = row("f1").split("\t")
    header = HEADER.split("\t")
    keep = [i for i, name in enumerate(header) if name != "file_name"]
    config = workspace(tmp_path, [])
    (tmp_path / "samples.tsv").write_text(
        "\t".join(header[i] for i in keep) + "\n" + "\t".join(cells[i] for i in keep) + "\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_desired(config)
    assert "missing required field(s): file_name" in caught.value.message
    assert (caught.value.line, caught.value.field) == (2, "jgi_samples.f1")


@pytest.mark.parametrize(
    ("readback", "changes"),
    [
        ("2024-03-01T12:00:00", []),  # the server's naive UTC readback of ...Z
        ("2024-03-01T12:00:00.000", []),  # with milliseconds: normalised, still equal
        ("2024-03-01T13:00:00", ["create_date"]),
        ("2024-03-01T12:00:00+01:00", ["create_date"]),  # another instant
    ],
)
def test_a_declared_datetime_against_the_servers_readback(
    tmp_path: Path, readback: str, changes: list[str]
) -> None:
    config = workspace(tmp_path, [row("f1")])
    desired = load_desired(config)
    obj = next(o for o in desired.of("jgi_samples") if o.key == "f1")
    snapshot = Snapshot()
    snapshot.add("jgi_samples.f1", {**obj.fields, "create_date": readback})
    snapshot.add("jgi_sequencing_projects.p1", None)
    plan = make_plan(desired, State(), snapshot, files={})
    change = next(c for c in plan.changes if c.address == "jgi_samples.f1")
    assert [f.name for f in change.field_changes] == changes


DOCS = [
    {"p": "a"},
    {"p": "b"},
    {"p": ["x", "a"]},
    {"p": ["x", 1]},
    {"p": None},
    {"p": 1},
    {"p": True},
    {"p": {"a": 1}},
    {"q": "a"},
    {},
]


@pytest.mark.parametrize(
    "query",
    [{"p": "a"}, {"p": {"$in": ["a", "x"]}}, {"p": {"$in": []}}, {"p": {"$in": ["b"]}}],
)
def test_the_sandboxs_quick_filter_matches_what_the_full_matcher_matches(
    query: dict[str, object],
) -> None:
    test = text_filter(query)
    assert test is not None
    for doc in DOCS:
        assert test(doc) == matches(doc, query, lambda *_: False), doc


@pytest.mark.parametrize(
    "query",
    [{"p": None}, {"p": {"$in": ["a", None]}}, {"p.q": "a"}, {"p": "a", "q": "b"}, {"$or": []}],
)
def test_other_filters_take_the_full_matcher(query: dict[str, object]) -> None:
    assert text_filter(query) is None
