"""Every mistake a user can make in a config or a manifest: a clear error naming the file,
the line and the field, exit status 1, and nothing sent to any service."""

from __future__ import annotations

import http.server
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from omicform.cli import main

GOOD = """\
omicform: 1
jgi_sequencing_projects:
  p1:
    sequencing_project_description: soil
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"
globus_tasks:
  t1: {task_status: ACTIVE}
"""
HEADER = (
    "File_name\tSample_ID\tProgram\tSub-program\tLab\tSpecies\tModality\tTechnique\t"
    "Subspecimen_type\tData_type\tFile_type\tAccess\tChecksum\tAnatomical_site\tCounts_pipeline\t"
    "Read_aligner\tGenome_build\tGene_set_release\tBCDC_Project\tBCDC_collection\tCA_usage\t"
    "CA_IC_id\tCA_donor\tCA_tissue_provider"
)


class Counter(http.server.BaseHTTPRequestHandler):
    hits = 0

    def _any(self) -> None:
        type(self).hits += 1
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = do_PATCH = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Counter]]:
    """A local server standing in for every service: it counts whatever reaches it."""
    Counter.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    for name, value in {
        "NMDC_API_URL": url,
        "NEMO_API_URL": url,
        "NEMO_LOGIN_URL": url,
        "NMDC_CLIENT_ID": "id",
        "NMDC_CLIENT_SECRET": "secret",
        "NEMO_USERNAME": "u",
        "NEMO_PASSWORD": "p",
    }.items():
        monkeypatch.setenv(name, value)
    yield Counter
    server.shutdown()


def manifest_row(
    name: str, checksum: str = "39b625336780a722e4402eb91442810f", access: str = "open"
) -> str:
    cells = [name, "S1", "biccn", "U19_zeng", "zeng", "mouse", "transcriptome", "10x Chromium 3' v3 sequencing",
             "nuclei", "raw", "fastq", access, checksum, "cortex"] + [""] * 10  # fmt: skip
    return "\t".join(cells)


MISTAKES = {
    "duplicate key": (GOOD + "  t1: {task_status: DONE}\n", 9, "t1"),
    "unknown section": (GOOD + "globus_task:\n  t2: {task_status: A}\n", 9, "globus_task"),
    "unknown field": (GOOD.replace("task_status: ACTIVE", "task_status: A, note: x"), 8, "globus_tasks.t1.note"),
    "missing field": (GOOD.replace("    jgi_proposal_id: \"503568\"\n", ""), 3, "jgi_sequencing_projects.p1"),
    "number for text": (GOOD.replace('"503568"', "503568"), 5, "jgi_sequencing_projects.p1.jgi_proposal_id"),
    "literal secret": (GOOD + "services:\n  nmdc:\n    client_secret: hunter2\n", 11, "services.nmdc.client_secret"),
    "unknown service setting": (GOOD + "services:\n  nemo:\n    rate: 3\n", 11, "services.nemo.rate"),
    "bad rate limit": (GOOD + "services:\n  nemo:\n    rate_limit: fast\n", 11, "services.nemo.rate_limit"),
    "rate limit not a number": (GOOD + "services:\n  nemo:\n    rate_limit: .nan\n", 11, "services.nemo.rate_limit"),
    "infinite rate limit": (GOOD + "services:\n  nmdc:\n    rate_limit: .inf\n", 11, "services.nmdc.rate_limit"),
    "wrong version": (GOOD.replace("omicform: 1", "omicform: 2"), 1, "omicform"),
    "unknown reference": (GOOD.replace("task_status: ACTIVE", 'task_status: "${identifiers.nope[0]}"'), 8, "globus_tasks.t1.task_status"),
    "bad identifier count": (GOOD + "identifiers:\n  ids: {type: \"nmdc:DataObject\", count: 0}\n", 10, "identifiers.ids.count"),
    "missing manifest file": (GOOD + "nemo_manifests:\n  m: {file: nowhere_manifest.tsv}\n", 10, "nemo_manifests.m.file"),
    "missing table": (GOOD + "jgi_samples: {from: nowhere.tsv}\n", 9, "from"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_config_mistake_names_file_line_and_field_and_sends_nothing(
    name: str, tmp_path: Path, listener: type[Counter]
) -> None:
    text, line, field = MISTAKES[name]
    config = tmp_path / "omicform.yaml"
    config.write_text(text)
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        result = CliRunner().invoke(main, [*command, "-f", str(config)])
        assert result.exit_code == 1, (command, result.output)
        assert f"{config}:{line}" in result.stderr, (command, result.stderr)
        assert field in result.stderr
        assert "hunter2" not in result.output + result.stderr
    assert listener.hits == 0


MANIFEST_MISTAKES = {
    "bad checksum": ([manifest_row("a_S1_L001_R1_001.fastq.gz", checksum="xyz")], 2, "Checksum"),
    "wrong field count": ([manifest_row("a_S1_L001_R1_001.fastq.gz") + "\textra"], 2, None),
    "directory in a file name": ([manifest_row("dir/a_S1_L001_R1_001.fastq.gz")], 2, "File_name"),
    "two access levels": ([manifest_row("a_S1_L001_R1_001.fastq.gz"), manifest_row("a_S1_L001_R2_001.fastq.gz", access="controlled")], 3, "Access"),
}  # fmt: skip


DOCUMENT_MISTAKES = {
    "not JSON": ('{"data_object_set": [\n  {"id": "nmdc:dobj-11-abc",}\n]}\n', 2),
    "schema error": ('{"data_object_set": [\n  {"id": "nmdc:dobj-11-a1", "type": "nmdc:DataObject", "name": "x", "description": "y", "data_category": "instrument_data", "data_object_type": "Metagenome Raw Reads"},\n  {"id": "nmdc:dobj-11-b2", "type": "nmdc:DataObject", "name": "x"}\n]}\n', 3),
    "unknown collection": ('{\n  "nope_set": [{"id": "x"}]\n}\n', 2),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(DOCUMENT_MISTAKES))
def test_a_metadata_mistake_names_file_line_and_collection_and_sends_nothing(
    name: str, tmp_path: Path, listener: type[Counter]
) -> None:
    text, line = DOCUMENT_MISTAKES[name]
    (tmp_path / "doc.json").write_text(text)
    config = tmp_path / "omicform.yaml"
    config.write_text(GOOD + "metadata_submissions:\n  doc: doc.json\n")
    for command in (["validate"], ["plan"]):
        result = CliRunner().invoke(main, [*command, "-f", str(config)])
        assert result.exit_code == 1, result.output
        output = result.stdout + result.stderr
        assert f"{tmp_path / 'doc.json'}:{line}" in output, output
    assert listener.hits == 0


@pytest.mark.parametrize("name", sorted(MANIFEST_MISTAKES))
def test_a_manifest_mistake_names_file_line_and_column_and_sends_nothing(
    name: str, tmp_path: Path, listener: type[Counter]
) -> None:
    rows, line, column = MANIFEST_MISTAKES[name]
    manifest = tmp_path / "x_manifest.tsv"
    manifest.write_text("\n".join([HEADER, *rows]) + "\n")
    config = tmp_path / "omicform.yaml"
    config.write_text(GOOD + "nemo_manifests:\n  m: x_manifest.tsv\n")
    for command in (["validate"], ["plan"]):
        result = CliRunner().invoke(main, [*command, "-f", str(config)])
        assert result.exit_code == 1, result.output
        output = result.stdout + result.stderr
        assert f"{manifest}:{line}" in output
        if column:
            assert column in output
    assert listener.hits == 0


def test_a_missing_config_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "-f", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "omicform init" in result.stderr


def test_missing_credentials_name_the_variable_and_send_nothing(
    tmp_path: Path, listener: type[Counter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NMDC_CLIENT_ID")
    config = tmp_path / "omicform.yaml"
    config.write_text(GOOD)
    result = CliRunner().invoke(main, ["plan", "-f", str(config)])
    assert result.exit_code == 1
    assert "NMDC_CLIENT_ID" in result.stderr
    assert listener.hits == 0


@pytest.mark.parametrize(
    "args",
    [
        ["apply", "--lock-timeout", "nan"],  # no deadline is ever reached: a hang on a held lock
        ["apply", "--wait-timeout", "nan"],
        ["apply", "--wait-timeout", "-1"],
        ["state", "push", "--lock-timeout", "nan"],
    ],
)
def test_a_wait_that_is_no_number_of_seconds_is_refused_and_sends_nothing(
    tmp_path: Path, listener: type[Counter], args: list[str]
) -> None:
    config = tmp_path / "omicform.yaml"
    config.write_text(GOOD)
    result = CliRunner().invoke(main, [*args, "-f", str(config)])
    assert result.exit_code == 1, result.output
    assert args[-2] in result.stderr and "Traceback" not in result.output
    assert listener.hits == 0


def test_init_writes_a_config_that_validates(tmp_path: Path) -> None:
    path = tmp_path / "omicform.yaml"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", "-f", str(path)])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(main, ["init", str(path)])
    assert again.exit_code == 1  # never overwrites


COMMANDS = [
    "init",
    "validate",
    "plan",
    "apply",
    "show",
    "status",
    "import",
    "dump",
    "state",
    "force-unlock",
    "sandbox",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "omicform, version" in result.output


_ = textwrap
