"""Bundle rules: the files of a FASTQ or MEX bundle share a Sample_ID, hold each subtype once
and are complete. Texts are those of NeMO's ingest code (bundle_entity.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .report import ManifestIssue
from .scan import Member, Scan
from .vocabularies import LONG_READ_TECHNIQUES

__all__ = ["BUNDLE_RULES", "check_bundles", "required_subtypes"]


def required_subtypes(kind: str, present: set[str], technique: str) -> tuple[str, ...]:
    """The subtypes a bundle must hold, given the ones it holds (bundle_entity.py)."""
    if kind == "MEX":
        if "MEX_PEAK" in present:
            return ("MEX_BARCODES", "MEX_PEAK", "MEX_MTX")
        return ("MEX_BARCODES", "MEX_GENES", "MEX_MTX")
    if technique in LONG_READ_TECHNIQUES:
        return ()
    if technique == "sci-rna-seq3":
        if "FASTQ_INDEX1" in present:
            return ("FASTQ_READ2", "FASTQ_READ1")
        if "FASTQ_READ1" in present:
            return ("FASTQ_READ2",)
        return ()
    if "FASTQ_INDEX2" in present:
        return ("FASTQ_INDEX1", "FASTQ_READ1", "FASTQ_READ2")
    if "FASTQ_INDEX1" in present or "FASTQ_READ3" in present:
        return ("FASTQ_READ1", "FASTQ_READ2")
    if "FASTQ_READ2" in present:
        return ("FASTQ_READ1",)
    return ()


def same_sample(scan: Scan, kind: str, prefix: str, members: list[Member]) -> None:
    """Every file of a bundle has the Sample_ID of its first file (the first stray is named)."""
    first = members[0]
    for member in members[1:]:
        if member.sample_id != first.sample_id:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    f"All of the files for bundle with prefix '{prefix}' do not have the same"
                    " sample ID in the manifest.",
                    member.line,
                    "Sample_ID",
                    member.name,
                    "bundle-sample",
                )
            )
            return


def one_per_subtype(scan: Scan, kind: str, prefix: str, members: list[Member]) -> None:
    """A bundle holds each subtype once (the first repeat is named)."""
    seen: set[str] = set()
    for member in members:
        if member.subtype in seen:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    f"One of the {kind} files for file prefix '{prefix}' has multiple files of"
                    " the same subtype",
                    member.line,
                    "File_name",
                    member.name,
                    "bundle-duplicate",
                )
            )
            return
        seen.add(member.subtype)


def _subtypes_before_a_repeat(members: list[Member]) -> set[str]:
    # The subtypes seen up to the first repeated one: what the check has always judged
    # completeness by (a bundle with a repeat is already in error).
    seen: set[str] = set()
    for member in members:
        if member.subtype in seen:
            break
        seen.add(member.subtype)
    return seen


def complete(scan: Scan, kind: str, prefix: str, members: list[Member]) -> None:
    """A bundle holds every subtype its others call for."""
    first = members[0]
    present = _subtypes_before_a_repeat(members)
    for subtype in required_subtypes(kind, present, first.technique):
        if subtype not in present:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    f"Cannot create {kind} bundle for prefix '{prefix}': Missing {subtype}"
                    " subtype file.",
                    first.line,
                    "File_name",
                    first.name,
                    "bundle-incomplete",
                )
            )


def mex_file_type(scan: Scan, kind: str, prefix: str, members: list[Member]) -> None:
    """A MEX barcodes, genes or matrix file has File_type ``mtx`` (soft)."""
    if kind != "MEX":
        return
    for member in members:
        if member.subtype != "MEX_PEAK" and member.file_type.lower() != "mtx":
            # Our wording for file_extensions.md: "For barcodes, feature, or genes files that
            # are a part of MEX format, those files should be labeled as mtx format".
            scan.issues.append(
                ManifestIssue(
                    scan.soft,
                    f"File {member.name} is part of the MEX bundle '{prefix}': its File_type"
                    f" should be 'mtx', not '{member.file_type}'.",
                    member.line,
                    "File_type",
                    member.name,
                    "mex-file-type",
                )
            )


BundleRule = Callable[[Scan, str, str, list[Member]], None]

#: The bundle rules, in the order their findings are listed.
BUNDLE_RULES: Final[tuple[BundleRule, ...]] = (
    same_sample,
    one_per_subtype,
    complete,
    mex_file_type,
)


def _is_lone_peaks_file(kind: str, members: list[Member]) -> bool:
    # Our choice: NeMO's code would ask a lone "<prefix>peaks.bed" for barcodes and a matrix;
    # the docs know it only as a BED file, so it is checked only beside other MEX files.
    return kind == "MEX" and all(member.subtype == "MEX_PEAK" for member in members)


def check_bundles(scan: Scan) -> None:
    """Run the bundle rules on every bundle the rows have gathered."""
    for (kind, prefix), members in scan.bundles.items():
        if _is_lone_peaks_file(kind, members):
            continue
        for rule in BUNDLE_RULES:
            rule(scan, kind, prefix, members)
