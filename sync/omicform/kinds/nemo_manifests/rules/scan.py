"""The state of one manifest check, shared by its rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from .report import ManifestIssue, ManifestReport, Severity, sort_key

__all__ = ["Member", "Row", "Scan"]

#: A row below the header: its physical line, its cells and the line without its end.
Row = tuple[int, list[str], str]


@dataclass(frozen=True)
class Member:
    """A file that belongs to a bundle (FASTQ reads or MEX counts)."""

    line: int
    name: str
    subtype: str
    sample_id: str
    #: The row's Technique, in lower case.
    technique: str
    file_type: str


@dataclass(slots=True)
class Scan:
    """What the rules have found so far, and what they remember between rows.

    ``soft`` is the severity of the findings that are errors only in strict mode (a
    controlled-vocabulary miss, a MEX file not typed ``mtx``).
    """

    soft: Severity = "warning"
    max_rows: int = 0
    issues: list[ManifestIssue] = field(default_factory=list)
    #: The rows checked so far.
    rows: int = 0
    #: The blank lines below the header not yet followed by a row.
    blank_lines: list[int] = field(default_factory=list)
    #: The line of each File_name's first row.
    first_line_of: dict[str, int] = field(default_factory=dict)
    duplicates_reported: set[str] = field(default_factory=set)
    #: Bundle members by (bundle kind, prefix), in the order of their rows.
    bundles: dict[tuple[str, str], list[Member]] = field(default_factory=dict)
    #: The Access values of the rows (blank ones left out).
    access_values: set[str] = field(default_factory=set)
    access_case_reported: set[str] = field(default_factory=set)
    #: Vocabulary cell combinations already found clean (rows repeat their metadata).
    good_combinations: set[tuple[str, ...]] = field(default_factory=set)

    def report(self, access: str | None = None) -> ManifestReport:
        """The findings, by line and column."""
        self.issues.sort(key=sort_key)
        return ManifestReport(self.rows, tuple(self.issues), access)
