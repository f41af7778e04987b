"""Behaviour of omicform.kinds.nemo_manifests.rules: NeMO's manifest rules, one test per rule."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import manifest_row

from omicform.kinds.nemo_manifests.rules import (
    EXTENSIONS,
    HEADER,
    REQUIRED,
    VOCABULARIES,
    ManifestIssue,
    ManifestReport,
    check_manifest,
)

EXAMPLE = (
    Path(__file__).resolve().parents[1] / "examples" / "manifests" / "mouse_snrnaseq_manifest.tsv"
)

row = manifest_row


def manifest(*rows: list[str], newline: str = "\n") -> bytes:
    lines = ["\t".join(HEADER), *("\t".join(cells) for cells in rows)]
    return (newline.join(lines) + newline).encode()


def only(report: ManifestReport) -> ManifestIssue:
    assert len(report.issues) == 1, report.issues
    return report.issues[0]


# --- valid manifests -------------------------------------------------------------------------


def test_example_manifest_is_valid() -> None:
    report = check_manifest(EXAMPLE.read_bytes(), file_name=EXAMPLE.name)
    assert report.issues == ()
    assert report.ok
    assert report.rows == 12
    assert report.access == "open"
    assert report.nemo_messages() == []
    assert report.nemo_step_message() == "Manifest validated successfully."


def test_crlf_and_trailing_blank_lines_are_tolerated() -> None:
    data = manifest(row("A.bam"), row("B.bam"), newline="\r\n") + b"\r\n\r\n" + b"\t" * 23 + b"\n"
    report = check_manifest(data)
    assert report.issues == ()
    assert report.rows == 2


def test_blank_line_between_rows_is_a_warning() -> None:
    data = manifest(row("A.bam")) + b"\n" + "\t".join(row("B.bam")).encode() + b"\n"
    report = check_manifest(data)
    assert report.ok
    issue = only(report)
    assert (issue.severity, issue.line, issue.rule) == ("warning", 3, "blank-line")


def test_quoted_cells_are_unquoted_like_nemo_csv_reader() -> None:
    cells = row("A.bam")
    cells[HEADER.index("Technique")] = '"mC-seq2, retrograde tracing"'
    assert check_manifest(manifest(cells)).issues == ()


# --- file-level rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "\t".join(HEADER).encode("utf-16"),
        manifest(row("A.bam")).replace(b"zeng", "Zeng\u00e9".encode("latin-1")),
        manifest(row("A.bam")).replace(b"S1", b"S\x001"),
    ],
    ids=["utf-16", "latin-1", "nul-byte"],
)
def test_non_utf8_file_is_refused(data: bytes) -> None:
    report = check_manifest(data)
    issue = report.errors[0]
    assert issue.message == "File must be a UTF-8 or ASCII encoded plaintext tsv file."
    assert issue.rule == "encoding"
    assert report.nemo_messages() == [issue.message]


NEMO_HEADER_MESSAGE = "Manifest header row fields differ from the header fields from the template."


def test_utf8_bom_says_what_nemo_says_then_the_cause_and_the_fix() -> None:
    # Issue #13 item 8: NeMO reads the mark into the first column name, so its validator
    # says the header differs; "not UTF-8" would be false.
    report = check_manifest(b"\xef\xbb\xbf" + manifest(row("A.bam")))
    issue = only(report)
    assert issue.message.startswith(NEMO_HEADER_MESSAGE + " ")
    assert "byte order mark (BOM)" in issue.message
    assert "save the manifest as UTF-8 without BOM" in issue.message
    assert "UTF-8 or ASCII" not in issue.message
    assert (issue.severity, issue.line, issue.column, issue.rule) == (
        "error",
        1,
        "File_name",
        "byte-order-mark",
    )
    assert issue.nemo_message == NEMO_HEADER_MESSAGE
    assert report.nemo_messages() == [NEMO_HEADER_MESSAGE]
    assert report.nemo_step_message() == NEMO_HEADER_MESSAGE


def test_utf8_bom_is_refused_but_the_rest_is_still_checked() -> None:
    report = check_manifest(b"\xef\xbb\xbf" + manifest(row("A.bam", Species="")))
    assert [i.rule for i in report.errors] == ["byte-order-mark", "required"]
    assert report.errors[0].line == 1
    assert report.rows == 1
    assert report.nemo_messages() == [NEMO_HEADER_MESSAGE]


def test_utf8_bom_before_a_wrong_header_is_named_with_it() -> None:
    data = b"\xef\xbb\xbf" + manifest(row()).replace(b"Sub-program", b"Sub_program", 1)
    report = check_manifest(data)
    assert [(i.rule, i.column) for i in report.errors] == [
        ("byte-order-mark", "File_name"),
        ("header", "Sub-program"),
    ]
    assert report.nemo_messages() == [NEMO_HEADER_MESSAGE]


def test_utf8_bom_then_bytes_that_are_not_utf8_is_an_encoding_error_for_nemo() -> None:
    data = b"\xef\xbb\xbf" + manifest(row()).replace(b"zeng", "Zeng\u00e9".encode("latin-1"))
    report = check_manifest(data)
    assert [i.rule for i in report.errors] == ["byte-order-mark", "encoding"]
    assert report.nemo_messages() == ["File must be a UTF-8 or ASCII encoded plaintext tsv file."]


@pytest.mark.parametrize(
    "name", ["manifest.tsv", "lab1_manifest.tsv", "out/2024-lab1.manifest.tsv"]
)
def test_manifest_file_name_ending_in_manifest_tsv_is_accepted(name: str) -> None:
    assert check_manifest(manifest(row()), file_name=name).ok


@pytest.mark.parametrize("name", ["manifest.txt", "manifest.tsv.gz", "files.tsv"])
def test_manifest_file_name_must_end_in_manifest_tsv(name: str) -> None:
    issue = only(check_manifest(manifest(row()), file_name=name))
    assert issue.message == f"Manifest file name '{name}' must end in 'manifest.tsv'."
    assert (issue.line, issue.column, issue.rule) == (None, None, "file-name")


def test_header_must_match_the_template_exactly() -> None:
    header = list(HEADER)
    header[3] = "Sub_program"
    data = ("\t".join(header) + "\n" + "\t".join(row()) + "\n").encode()
    report = check_manifest(data)
    issue = only(report)
    assert issue.message == (
        "Manifest header row fields differ from the header fields from the template."
    )
    assert (issue.line, issue.column) == (1, "Sub-program")
    assert report.rows == 1


def test_header_with_a_missing_trailing_column_is_refused() -> None:
    data = ("\t".join(HEADER[:-1]) + "\n").encode()
    assert only(check_manifest(data)).column == "CA_tissue_provider"


def test_header_only_manifest_has_no_rows() -> None:
    issue = only(check_manifest(manifest()))
    assert issue.message == "The manifest has no file rows."


def test_row_with_wrong_number_of_fields() -> None:
    short = row("A.bam")[:-1]
    long = [*row("B.bam"), "extra"]
    report = check_manifest(manifest(row("C.bam"), short, long))
    assert [(i.line, i.message) for i in report.errors] == [
        (3, "Row #3 does not have the correct number of fields. Expected 24 fields, but got 23."),
        (4, "Row #4 does not have the correct number of fields. Expected 24 fields, but got 25."),
    ]
    # NeMO stops at the first such row.
    assert report.nemo_messages() == [report.errors[0].message]


def test_row_limit() -> None:
    rows = [row(f"F{i}.bam") for i in range(4)]
    report = check_manifest(manifest(*rows, row("S1.bam", Species="")), max_rows=3)
    limit = [i for i in report.errors if i.rule == "row-limit"]
    assert [(i.line, i.message) for i in limit] == [
        (5, "Manifest row count exceeds limit of 3 rows.")
    ]
    assert report.nemo_messages() == ["Manifest row count exceeds limit of 3 rows."]


def test_default_row_limit_is_25000() -> None:
    rows = [row(f"F{i}.bam") for i in range(25_001)]
    report = check_manifest(manifest(*rows))
    assert [i.message for i in report.errors] == [
        "Manifest row count exceeds limit of 25,000 rows."
    ]
    assert report.errors[0].line == 25_002


# --- per-row rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("column", REQUIRED)
def test_required_field_must_be_filled_in(column: str) -> None:
    cells = row("A.bam")
    cells[HEADER.index(column)] = " " if column == "File_name" else ""
    report = check_manifest(manifest(row("B.bam"), cells))
    required = [i for i in report.errors if i.rule == "required"]
    name = cells[0]
    assert [(i.line, i.column, i.message) for i in required] == [
        (3, column, f"Row for '{name}' does not have required field '{column}' filled in.")
    ]


def test_optional_fields_may_be_empty() -> None:
    assert check_manifest(manifest(row("A.bam"))).issues == ()


def test_checksum_must_have_32_characters() -> None:
    issue = only(check_manifest(manifest(row("A.bam", Checksum="abc123"))))
    assert issue.message == "Row for 'A.bam' does not have a 32 character checksum."
    assert issue.location("manifest.tsv") == "manifest.tsv:2: Checksum"
    assert issue.file_name == "A.bam"


def test_checksum_must_be_hexadecimal() -> None:
    issue = only(check_manifest(manifest(row("A.bam", Checksum="g" * 32))))
    assert issue.message == "The checksum for row 'A.bam' is not a valid md5 checksum."
    assert (issue.line, issue.column) == (2, "Checksum")


def test_short_non_hex_checksum_gets_both_messages_like_nemo() -> None:
    report = check_manifest(manifest(row("A.bam", Checksum="xyz")))
    assert [i.message for i in report.errors] == [
        "Row for 'A.bam' does not have a 32 character checksum.",
        "The checksum for row 'A.bam' is not a valid md5 checksum.",
    ]


def test_upper_case_checksum_is_valid() -> None:
    assert check_manifest(manifest(row("A.bam", Checksum="D41D8CD98F00B204E9800998ECF8427E"))).ok


def test_vocabulary_miss_is_a_warning_by_default() -> None:
    report = check_manifest(manifest(row("A.bam", Species="unicorn")))
    issue = only(report)
    assert issue.severity == "warning"
    assert issue.message.startswith(
        "Row for 'A.bam' has invalid controlled vocabulary term 'unicorn' for field 'Species'."
        " Valid fields are [arctic_ground_squirrel;armadillo;"
    )
    assert issue.message.endswith(";squirrel_monkey].")
    assert (issue.line, issue.column) == (2, "Species")
    assert report.ok
    assert report.nemo_step_message() == "Manifest validated successfully."


def test_vocabulary_miss_is_an_error_when_strict() -> None:
    report = check_manifest(manifest(row("A.bam", Lab="nobody")), strict=True)
    issue = only(report)
    assert issue.severity == "error"
    assert not report.ok
    assert report.nemo_step_message() == issue.message


def test_vocabulary_is_case_insensitive() -> None:
    cells = row("A.bam", Species="Mouse", Program="BICCN", File_type="BAM", CA_usage="gru")
    assert check_manifest(manifest(cells), strict=True).issues == ()


def test_optional_vocabulary_column_is_checked_when_filled() -> None:
    issue = only(check_manifest(manifest(row("A.bam", CA_usage="anything"))))
    assert issue.column == "CA_usage"


def test_access_must_be_lower_case() -> None:
    report = check_manifest(manifest(row("A.bam", Access="Open"), row("B.bam", Access="Open")))
    issue = only(report)
    assert issue.severity == "error"
    assert (issue.line, issue.column, issue.rule) == (2, "Access", "access-case")
    assert report.access == "open"


def test_unknown_access_is_a_vocabulary_miss_and_gives_no_access_level() -> None:
    report = check_manifest(manifest(row("A.bam", Access="public")))
    assert only(report).rule == "vocabulary"
    assert report.access is None


def test_only_one_access_level_per_manifest() -> None:
    report = check_manifest(
        manifest(row("A.bam"), row("B.bam", Access="embargo"), row("C.bam", Access="controlled"))
    )
    issue = only(report)
    assert issue.message == (
        "The manifest has more than one level of access. There can only be one type of data in"
        " each manifest."
    )
    assert (issue.line, issue.column, issue.file_name) == (3, "Access", "B.bam")
    assert report.access is None


def test_controlled_access_is_reported() -> None:
    assert check_manifest(manifest(row("A.bam", Access="controlled"))).access == "controlled"


def test_duplicate_file_names() -> None:
    report = check_manifest(manifest(row("A.bam"), row("B.bam"), row("A.bam"), row("A.bam")))
    issue = only(report)
    assert issue.message == "Duplicate file name found: A.bam."
    assert (issue.line, issue.column) == (4, "File_name")


def test_file_name_must_not_contain_directories() -> None:
    issue = only(check_manifest(manifest(row("B.bam"), row("run1/A.bam"))))
    assert issue.message == "File name run1/A.bam on row#3 contains directory structure."
    assert (issue.line, issue.column) == (3, "File_name")


def test_file_name_must_not_repeat_in_another_column() -> None:
    issue = only(check_manifest(manifest(row("A.bam", CA_donor="A.bam"))))
    assert issue.message == "File name A.bam was duplicated within row #2."
    assert (issue.line, issue.column) == (2, "CA_donor")


def test_line_break_inside_a_cell() -> None:
    issue = only(check_manifest(manifest(row("A.bam", Anatomical_site="cortex\rL5"))))
    assert issue.message == "Line break found in entry for file A.bam."
    assert issue.column == "Anatomical_site"


@pytest.mark.parametrize("name", ["A.docx", "A.tar.gz", "A.BAM", "A.bai"])
def test_unrecognised_extension(name: str) -> None:
    issue = only(check_manifest(manifest(row(name))))
    assert issue.message == f"Cannot determine an appropriate filetype for file {name}"
    assert (issue.line, issue.column, issue.file_name) == (2, "File_name", name)


@pytest.mark.parametrize(
    "name",
    ["A.bam.bai", "A.bed.gz", "A.bigWig", "A.h5ad", "A.loom", "A.tsv.gz.tbi", "A.rds", "A.vcf.gz"],
)
def test_recognised_extensions(name: str) -> None:
    assert any(name.endswith(ending) for ending in EXTENSIONS)
    assert check_manifest(manifest(row(name))).issues == ()


def test_file_name_that_is_only_an_extension_has_no_prefix() -> None:
    issue = only(check_manifest(manifest(row(".bam"))))
    assert issue.message == "Cannot determine file prefix. File name is too short for file .bam"


def test_fastq_without_read_token() -> None:
    issue = only(check_manifest(manifest(row("S1.fastq.gz", File_type="fastq"))))
    assert (
        issue.message == "Cannot determine an appropriate sub-filetype for FASTQ file S1.fastq.gz"
    )


def test_long_read_fastq_needs_no_read_token() -> None:
    cells = row("S1.fastq.gz", File_type="fastq", Technique="PacBio long read sequencing")
    assert check_manifest(manifest(cells)).issues == ()


# --- bundles ---------------------------------------------------------------------------------


def fastq(sample: str, *reads: str, lane: str = "L001") -> list[list[str]]:
    return [
        row(f"{sample}_S1_{lane}_{read}_001.fastq.gz", Sample_ID=sample, File_type="fastq")
        for read in reads
    ]


def test_complete_fastq_bundles_pass() -> None:
    rows = [*fastq("M1", "R1"), *fastq("M2", "R1", "R2"), *fastq("M3", "R1", "R2", "I1")]
    rows += fastq("M4", "R1", "R2", "I1", "I2") + fastq("M4", "R1", "R2", lane="L002")
    assert check_manifest(manifest(*rows)).issues == ()


@pytest.mark.parametrize(
    ("reads", "missing"),
    [
        (("R2",), ["FASTQ_READ1"]),
        (("R1", "I1"), ["FASTQ_READ2"]),
        (("I1",), ["FASTQ_READ1", "FASTQ_READ2"]),
        (("R1", "R2", "I2"), ["FASTQ_INDEX1"]),
    ],
)
def test_incomplete_fastq_bundle(reads: tuple[str, ...], missing: list[str]) -> None:
    report = check_manifest(manifest(row("other.bam"), *fastq("M1", *reads)))
    assert [(i.line, i.column, i.message) for i in report.errors] == [
        (
            3,
            "File_name",
            f"Cannot create FASTQ bundle for prefix 'M1_S1_L001': Missing {m} subtype file.",
        )
        for m in missing
    ]


def test_fastq_bundle_must_share_sample_id() -> None:
    rows = fastq("M1", "R1", "R2")
    rows[1][HEADER.index("Sample_ID")] = "M9"
    issue = only(check_manifest(manifest(*rows)))
    assert issue.message == (
        "All of the files for bundle with prefix 'M1_S1_L001' do not have the same sample ID in"
        " the manifest."
    )
    assert (issue.line, issue.column) == (3, "Sample_ID")


def test_fastq_bundle_with_two_files_of_one_read() -> None:
    rows = [*fastq("M1", "R1", "R2"), row("M1_S1_L001.R1.fastq.gz", Sample_ID="M1")]
    issue = only(check_manifest(manifest(*rows)))
    assert issue.message == (
        "One of the FASTQ files for file prefix 'M1_S1_L001' has multiple files of the same subtype"
    )
    assert issue.line == 4


def mex(sample: str, *parts: str) -> list[list[str]]:
    return [
        row(f"{sample}_{part}", Sample_ID=sample, Data_type="counts", File_type="mtx")
        for part in parts
    ]


@pytest.mark.parametrize("genes", ["features.tsv.gz", "genes.tsv"])
def test_complete_mex_bundle_passes(genes: str) -> None:
    rows = mex("M1", "barcodes.tsv.gz", genes, "matrix.mtx.gz")
    assert check_manifest(manifest(*rows)).issues == ()


def test_incomplete_mex_bundle() -> None:
    report = check_manifest(manifest(*mex("M1", "barcodes.tsv.gz", "matrix.mtx.gz")))
    issue = only(report)
    assert (
        issue.message == "Cannot create MEX bundle for prefix 'M1': Missing MEX_GENES subtype file."
    )
    assert (issue.line, issue.file_name) == (2, "M1_barcodes.tsv.gz")


def test_peaks_bed_alone_is_a_bed_file_but_completes_a_mex_bundle_with_barcodes() -> None:
    peaks = row("M1_peaks.bed.gz", Sample_ID="M1", File_type="bed")
    assert check_manifest(manifest(peaks)).issues == ()
    rows = [*mex("M1", "barcodes.tsv.gz", "matrix.mtx.gz"), peaks]
    assert check_manifest(manifest(*rows)).issues == ()


def test_mex_bundle_must_share_sample_id() -> None:
    rows = mex("M1", "barcodes.tsv.gz", "features.tsv.gz", "matrix.mtx.gz")
    rows[2][HEADER.index("Sample_ID")] = "M2"
    issue = only(check_manifest(manifest(*rows)))
    assert issue.rule == "bundle-sample"
    assert (issue.line, issue.column) == (4, "Sample_ID")


def test_mex_member_should_be_typed_mtx() -> None:
    rows = mex("M1", "barcodes.tsv.gz", "features.tsv.gz", "matrix.mtx.gz")
    rows[1][HEADER.index("File_type")] = "tsv"
    issue = only(check_manifest(manifest(*rows)))
    assert (issue.severity, issue.line, issue.column) == ("warning", 3, "File_type")
    assert issue.message == (
        "File M1_features.tsv.gz is part of the MEX bundle 'M1': its File_type should be 'mtx',"
        " not 'tsv'."
    )
    strict = only(check_manifest(manifest(*rows), strict=True))
    assert (strict.severity, strict.message) == ("error", issue.message)


# --- NeMO step message -----------------------------------------------------------------------


def test_nemo_step_message_joins_errors_with_commas() -> None:
    report = check_manifest(manifest(row("A.bam", Checksum="x" * 32), row("A.bam")))
    assert report.nemo_step_message() == (
        "The checksum for row 'A.bam' is not a valid md5 checksum.,"
        "Duplicate file name found: A.bam."
    )


def test_thirty_errors_are_still_listed() -> None:
    rows = [row(f"F{i}.bam", Checksum="abc") for i in range(30)]
    report = check_manifest(manifest(*rows))
    assert len(report.nemo_messages()) == 30
    assert report.nemo_step_message() == ",".join(report.nemo_messages())


def test_more_than_thirty_errors_give_the_many_issues_message() -> None:
    rows = [row(f"F{i}.bam", Checksum="abc") for i in range(31)]
    report = check_manifest(manifest(*rows))
    assert report.nemo_step_message() == (
        "Manifest failed validation with many issues. Please refer to email for attached error"
        " file."
    )


def test_warnings_are_not_nemo_messages() -> None:
    report = check_manifest(manifest(row("A.bam", Lab="nobody")))
    assert report.warnings and not report.errors
    assert report.nemo_messages() == []


def test_location_formats() -> None:
    assert ManifestIssue("error", "m").location("x.tsv") == "x.tsv"
    assert ManifestIssue("error", "m", 7).location("x.tsv") == "x.tsv:7"
    assert ManifestIssue("error", "m", 7, "Checksum").location("x.tsv") == "x.tsv:7: Checksum"


def test_issues_are_sorted_by_line_then_column() -> None:
    report = check_manifest(
        manifest(row("B.bam", Species="", Checksum="1"), row("A.docx", Sample_ID="")),
        file_name="x.tsv",
    )
    assert [(i.line, i.column) for i in report.issues] == [
        (None, None),
        (2, "Species"),
        (2, "Checksum"),
        (3, "File_name"),
        (3, "Sample_ID"),
    ]


# --- constants and speed ---------------------------------------------------------------------


def test_constants() -> None:
    assert len(HEADER) == 24
    assert HEADER[:13] == REQUIRED
    assert VOCABULARIES["Access"] == frozenset({"open", "controlled", "embargo"})
    assert "h5" in VOCABULARIES["File_type"]
    assert all(term == term.lower() for terms in VOCABULARIES.values() for term in terms)
    assert set(VOCABULARIES) <= set(HEADER)


def test_25000_rows_check_ok_in_well_under_a_second() -> None:
    rows: list[list[str]] = []
    for sample in range(2_500):
        sid = f"M{sample:05d}"
        rows += fastq(sid, "R1", "R2", "I1")
        rows += [
            row(f"{sid}_{part}", Sample_ID=sid, Data_type="counts", File_type="mtx")
            for part in ("barcodes.tsv.gz", "features.tsv.gz", "matrix.mtx.gz")
        ]
        rows += [
            row(f"{sid}.bam", Sample_ID=sid),
            row(f"{sid}.bam.bai", Sample_ID=sid),
            row(f"{sid}_peaks.h5ad", Sample_ID=sid, File_type="H5", Data_type="counts"),
            row(f"{sid}_qc.csv", Sample_ID=sid, File_type="csv", Data_type="other"),
        ]
    assert len(rows) == 25_000
    data = manifest(*rows)
    started = time.perf_counter()
    report = check_manifest(data)
    elapsed = time.perf_counter() - started
    assert report.issues == ()
    assert report.rows == 25_000
    assert elapsed < 1.0, f"{elapsed:.3f} s"
