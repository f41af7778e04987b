"""Desired state built from Python records (`workspace_from_records`): the records become
the files the loader reads, so every check of the YAML/TSV path applies, and a problem is
named by the record's index and field."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from omicform import ConfigError, Workspace, workspace_from_records

PROJECT = "soil-2024"
DOCUMENT: dict[str, Any] = {
    "jgi_sequencing_projects": {
        PROJECT: {
            "sequencing_project_description": "soil",
            "jgi_proposal_id": "503568",
            "nmdc_study_id": "nmdc:sty-11-28tm5d36",
        }
    },
    "jgi_samples": {"defaults": {"sequencing_project_name": PROJECT}},
}


def sample(n: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "jdp_file_id": f"6011bc6e117e5d4b9d2b20{73 + n:02d}",
        "ap_gold_id": f"Ga030727{6 + n}",
        "gold_study_id": "Gs0135149",
        "its_ap_id": f"{1196479 + n}.0",
        "gold_biosample_id": f"Gb019164{3 + n}",
        "gold_seq_id": str(1196479 + n),
        "file_name": f"reads-{n}.fastq.gz",
        "jdp_file_status": "RESTORED",
        "globus_file_status": "PENDING",
        "jdp_file_size": 1_000_000 + n,
        "jgi_ap_id": str(1196479 + n),
        "create_date": f"2024-03-0{1 + n}T12:00:00Z",
    }
    return {**record, **changes}


def problem(root: Path, records: Any, table: str = "jgi_samples") -> str:
    with pytest.raises(ConfigError) as raised:
        workspace_from_records(root, document=DOCUMENT, tables={table: records}).desired()
    return str(raised.value)


def test_records_load_as_the_same_files_would(tmp_path: Path) -> None:
    def generated() -> Iterator[dict[str, Any]]:  # any iterable, read once
        yield from (sample(n) for n in range(3))

    ws = workspace_from_records(tmp_path, document=DOCUMENT, tables={"jgi_samples": generated()})
    assert isinstance(ws, Workspace) and ws.config == tmp_path / "omicform.yaml"
    addresses = ws.desired().addresses()
    assert "jgi_samples.6011bc6e117e5d4b9d2b2075" in addresses
    assert f"jgi_sequencing_projects.{PROJECT}" in addresses
    config = yaml.safe_load((tmp_path / "omicform.yaml").read_text())
    assert config["omicform"] == 1
    assert config["jgi_samples"] == {
        "defaults": {"sequencing_project_name": PROJECT},
        "from": "jgi_samples.records.tsv",
    }
    assert (tmp_path / "jgi_samples.records.tsv").read_text().count("\n") == 4
    assert ws.store(ws.desired()).describe() == str(tmp_path / "omicform.state.json")


def test_dataframe_like_records_missing_values_and_float_whole_numbers(tmp_path: Path) -> None:
    # What DataFrame.to_dict("records") gives for a column with a gap: floats and NaN.
    records = [sample(0, jdp_file_size=1000.0, md5sum=float("nan")), sample(1, md5sum=None)]
    ws = workspace_from_records(tmp_path, document=DOCUMENT, tables={"jgi_samples": records})
    ws.desired()
    rows = (tmp_path / "jgi_samples.records.tsv").read_text().splitlines()
    assert rows[1].split("\t")[9] == "1000" and rows[1].endswith("\t")  # md5sum empty


def test_a_bad_value_is_named_by_record_index_and_field(tmp_path: Path) -> None:
    records = [sample(0), sample(1), sample(2, jdp_file_size="lots")]
    message = problem(tmp_path, records)
    assert message.startswith("jgi_samples[2].jdp_file_size: ")
    assert "records.tsv" in message  # the hint says where the records were written
    assert problem(tmp_path, [sample(0), sample(1, jdp_file_id="")]).startswith(
        "jgi_samples[1].jdp_file_id: the row has no jdp_file_id"
    )


def test_what_no_table_cell_can_hold_is_refused_by_index_and_field(tmp_path: Path) -> None:
    assert problem(tmp_path, [sample(0), sample(1, bogus=1)]).startswith(
        "jgi_samples[1].bogus: unknown field for jgi_samples"
    )
    assert problem(tmp_path, [sample(0, file_name="a\nb|c")]).startswith(
        "jgi_samples[0].file_name: holds a tab or a line break"
    )
    assert problem(tmp_path, [sample(0, jdp_file_size=[1])]).startswith(
        "jgi_samples[0].jdp_file_size: a table cell holds text, a number or a date"
    )
    assert problem(tmp_path, [sample(0), "not a record"]).startswith("jgi_samples[1]: expected")
    assert "staging sections only" in problem(tmp_path, [{"file": "x"}], "nemo_manifests")


def test_a_second_run_with_the_same_records_rewrites_nothing(tmp_path: Path) -> None:
    tables = {"jgi_samples": [sample(0)]}
    workspace_from_records(tmp_path, document=DOCUMENT, tables=tables)
    files = sorted(tmp_path.iterdir())
    before = {p: p.stat().st_mtime_ns for p in files}
    os.utime(files[0], ns=(1, 1))
    before[files[0]] = 1
    workspace_from_records(tmp_path, document=DOCUMENT, tables=tables)
    assert {p: p.stat().st_mtime_ns for p in sorted(tmp_path.iterdir())} == before


def test_a_document_from_is_kept_beside_the_records(tmp_path: Path) -> None:
    (tmp_path / "more.tsv").write_text(
        "\t".join(sample(5)) + "\n" + "\t".join(str(v) for v in sample(5).values()) + "\n"
    )
    document = {**DOCUMENT, "jgi_samples": {**DOCUMENT["jgi_samples"], "from": "more.tsv"}}
    ws = workspace_from_records(tmp_path, document=document, tables={"jgi_samples": [sample(0)]})
    assert len([a for a in ws.desired().addresses() if a.startswith("jgi_samples.")]) == 2
