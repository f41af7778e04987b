"""The shape of omicform.kinds.nemo_manifests.rules (one function per rule, vocabularies as
data, rows checked a chunk at a time) and what that shape must not change."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import manifest_row

import omicform.kinds.nemo_manifests.rules as rules
from omicform.kinds.nemo_manifests.rules import HEADER, VOCABULARIES, check_manifest
from omicform.kinds.nemo_manifests.rules.bundles import BUNDLE_RULES
from omicform.kinds.nemo_manifests.rules.rows import MANIFEST_RULES, ROW_RULES
from omicform.kinds.nemo_manifests.rules.vocabularies import EXTENSIONS, VOCABULARY_TERMS
from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import bearer, manifest_tsv, nemo_jwt

PACKAGE = Path(rules.__file__).parent
NEMO_HEADER_MESSAGE = "Manifest header row fields differ from the header fields from the template."


def line(name: str, **values: str) -> str:
    return "\t".join(manifest_row(name, **values))


def tsv(*lines: str) -> bytes:
    return ("\n".join(["\t".join(HEADER), *lines]) + "\n").encode()


# --- shape ------------------------------------------------------------------------------------


def _functions() -> Iterator[tuple[str, ast.FunctionDef]]:
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                yield path.name, node


def test_every_function_is_small_and_every_module_under_400_lines() -> None:
    long = [
        (module, f.name, (f.end_lineno or 0) - f.lineno + 1)
        for module, f in _functions()
        if (f.end_lineno or 0) - f.lineno + 1 >= 80
    ]
    assert long == []
    sizes = {path.name: len(path.read_text().splitlines()) for path in PACKAGE.glob("*.py")}
    assert max(sizes.values()) < 400, sizes


def test_the_rules_are_tables_of_documented_functions() -> None:
    for rule in (*ROW_RULES, *MANIFEST_RULES, *BUNDLE_RULES):
        assert rule.__doc__, rule.__name__
    assert [rule.__name__ for rule in ROW_RULES[:3]] == ["blank_lines", "row_limit", "field_count"]
    assert ROW_RULES[-1].__name__ == "file_type"


def test_vocabularies_are_data_matching_the_header() -> None:
    assert set(VOCABULARY_TERMS) == set(VOCABULARIES)
    assert set(VOCABULARIES) <= set(HEADER)
    for column, terms in VOCABULARY_TERMS.items():
        assert {term.lower() for term in terms} == VOCABULARIES[column]
    assert len(EXTENSIONS) == len(set(EXTENSIONS))


# --- rows checked a chunk at a time: nothing changes at a chunk's edge --------------------------


@pytest.fixture(params=[1, 2, 3, rules.CHUNK])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(rules, "CHUNK", request.param)
    return int(request.param)


def test_blank_lines_between_chunks_are_reported_and_trailing_ones_are_not(chunk: int) -> None:
    report = check_manifest(tsv(line("A.bam"), "", "", line("B.bam"), "", "  ", ""))
    assert [(i.rule, i.line) for i in report.issues] == [("blank-line", 3), ("blank-line", 4)]
    assert report.rows == 2


def test_row_limit_names_the_first_row_past_it_whatever_the_chunk(chunk: int) -> None:
    data = tsv(*(line(f"S{i}.bam") for i in range(5)))
    report = check_manifest(data, max_rows=3)
    assert [(i.rule, i.line) for i in report.issues] == [("row-limit", 5)]
    assert report.rows == 5


def test_duplicates_access_levels_and_bundles_span_chunks(chunk: int) -> None:
    data = tsv(
        line("S1_R2_001.fastq.gz"),
        line("A.bam"),
        line("B.bam", Access="Open"),
        line("A.bam"),
        line("C.bam", Access="controlled"),
        line("D.bam", Access="Open"),
        line("A.bam"),
    )
    report = check_manifest(data)
    assert [(i.rule, i.line) for i in report.issues] == [
        ("bundle-incomplete", 2),
        ("access-levels", 4),
        ("access-case", 4),
        ("duplicate", 5),
    ]
    assert report.access is None


def test_a_clean_manifest_is_clean_in_any_chunk(chunk: int) -> None:
    report = check_manifest(manifest_tsv(7))
    assert report.ok and report.issues == () and report.rows == 7 and report.access == "open"


# --- issue #13 item 8: a UTF-8 byte order mark, as the sandbox's NeMO says it -------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0, validation_seconds=0) as running:
        yield running


def test_the_sandbox_fails_a_bom_manifest_with_nemos_own_words(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.nemo_url, headers=bearer(nemo_jwt(sandbox))) as api:
        files = {"manifest": ("bom_manifest.tsv", b"\xef\xbb\xbf" + manifest_tsv(1))}
        answer = api.post("/submission", files=files)
        assert answer.status_code == 200, answer.text
        submission = api.get(f"/submission/{answer.json()['id']}").json()
    [step] = submission["steps"]
    assert step["success"] is False
    assert step["msg"] == NEMO_HEADER_MESSAGE


def test_offline_check_of_a_bom_manifest_gives_nemos_words_the_cause_and_the_fix() -> None:
    [issue] = check_manifest(b"\xef\xbb\xbf" + manifest_tsv(1)).issues
    assert issue.message == (
        f"{NEMO_HEADER_MESSAGE} The file starts with a UTF-8 byte order mark (BOM), which NeMO"
        " reads as part of the first column name: save the manifest as UTF-8 without BOM."
    )
