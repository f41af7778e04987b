"""What a manifest check returns: its issues, and how NeMO's validator would word them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from .vocabularies import COLUMN_INDEX

__all__ = [
    "FATAL_RULES",
    "MAX_LISTED_ERRORS",
    "NEMO_MANY_ISSUES_MESSAGE",
    "NEMO_SUCCESS_MESSAGE",
    "ManifestIssue",
    "ManifestReport",
    "Severity",
    "sort_key",
]

Severity = Literal["error", "warning"]

#: Past this many errors NeMO's submission step carries a fixed message instead of the list.
MAX_LISTED_ERRORS: Final = 30

NEMO_SUCCESS_MESSAGE: Final = "Manifest validated successfully."
NEMO_MANY_ISSUES_MESSAGE: Final = (
    "Manifest failed validation with many issues. Please refer to email for attached error file."
)

#: Rules after which NeMO stops validating, in the order it meets them. A byte-order mark is,
#: for NeMO, a header that differs from the template.
FATAL_RULES: Final = ("encoding", "byte-order-mark", "header", "field-count", "row-limit")


@dataclass(frozen=True)
class ManifestIssue:
    """One finding about a manifest.

    ``line`` is the 1-based physical line (the header is line 1), ``column`` the manifest column
    and ``file_name`` the row's File_name; each is None when it does not apply. ``rule`` names
    the rule that fired (for instance ``"checksum"``), for callers that filter or count.
    ``nemo_message`` is NeMO's own text when ``message`` adds to it (a cause, a fix); empty when
    ``message`` is the text NeMO's validator shows.
    """

    severity: Severity
    message: str
    line: int | None = None
    column: str | None = None
    file_name: str | None = None
    rule: str = ""
    nemo_message: str = ""

    def location(self, path: str) -> str:
        """Where the issue is, for a user: ``path:line: column`` (parts that apply only)."""
        text = path if self.line is None else f"{path}:{self.line}"
        return text if self.column is None else f"{text}: {self.column}"


@dataclass(frozen=True)
class ManifestReport:
    """The outcome of :func:`check_manifest`."""

    rows: int
    issues: tuple[ManifestIssue, ...]
    access: str | None = None

    @property
    def errors(self) -> tuple[ManifestIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[ManifestIssue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(issue.severity == "error" for issue in self.issues)

    def nemo_messages(self) -> list[str]:
        """The errors as NeMO's validator would list them.

        NeMO stops at the first fatal problem (unreadable file, wrong header, a row with the
        wrong number of fields, too many rows) and then reports only that one; otherwise it
        reports every error.
        """
        errors = self.errors
        for rule in FATAL_RULES:
            for issue in errors:
                if issue.rule == rule:
                    return [issue.nemo_message or issue.message]
        return [issue.nemo_message or issue.message for issue in errors]

    def nemo_step_message(self) -> str:
        """The ``msg`` of NeMO's ``manifest_validated`` step for this manifest."""
        messages = self.nemo_messages()
        if not messages:
            return NEMO_SUCCESS_MESSAGE
        if len(messages) > MAX_LISTED_ERRORS:
            return NEMO_MANY_ISSUES_MESSAGE
        return ",".join(messages)


def sort_key(issue: ManifestIssue) -> tuple[int, int]:
    """Issues are listed by line, then by column (file-wide ones first)."""
    column = -1 if issue.column is None else COLUMN_INDEX.get(issue.column, -1)
    return (0 if issue.line is None else issue.line, column)
