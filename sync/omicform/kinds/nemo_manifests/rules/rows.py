"""Row rules: one function per rule, run in order over the rows after the header.

A row rule is called as ``rule(scan, rows)``, where each row is ``(line, fields, raw)``: its
physical line, its cells (unquoted) and the line without its end. It records its findings in
``scan`` and returns the rows the rules after it check: all of them, or fewer when a row has
nothing more to check (a wrong field count, no File_name, ...). Each rule goes over all the
rows at once: a manifest has up to 25,000 rows, and a call per rule and row would cost a third
of the check's time.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Final

from .bundles import check_bundles
from .filenames import classify
from .report import ManifestIssue
from .scan import Member, Row, Scan
from .vocabularies import COLUMN_INDEX, HEADER, REQUIRED, VOCABULARIES, VOCABULARY_TERMS

__all__ = ["MANIFEST_RULES", "ROW_RULES", "RowRule", "split_rows"]

RowRule = Callable[[Scan, list[Row]], list[Row]]

_WIDTH: Final = len(HEADER)
_SAMPLE_ID: Final = COLUMN_INDEX["Sample_ID"]
_TECHNIQUE: Final = COLUMN_INDEX["Technique"]
_FILE_TYPE: Final = COLUMN_INDEX["File_type"]
_ACCESS: Final = COLUMN_INDEX["Access"]
_CHECKSUM: Final = COLUMN_INDEX["Checksum"]
_ACCESS_TERMS: Final = VOCABULARIES["Access"]
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
_REQUIRED_COLUMNS: Final = tuple(enumerate(REQUIRED))
_REQUIRED_CELLS: Final = itemgetter(*range(len(REQUIRED)))
_VOCABULARY_COLUMNS: Final = tuple(
    (COLUMN_INDEX[column], column, VOCABULARIES[column], ";".join(terms))
    for column, terms in VOCABULARY_TERMS.items()
)
# Rows repeat their metadata, so a row's vocabulary cells are checked once per combination.
_VOCABULARY_CELLS: Final = itemgetter(*(position for position, *_ in _VOCABULARY_COLUMNS))


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def split_rows(lines: list[str], start: int, stop: int, scan: Scan) -> list[Row]:
    """The rows of ``lines[start:stop]``, split into cells (a cell wholly wrapped in double
    quotes is unquoted); blank lines are left out and noted in ``scan.blank_lines``."""
    rows: list[Row] = []
    for index in range(start, stop):
        raw = lines[index]
        if raw.endswith("\r"):
            raw = raw[:-1]
        if not raw.strip():
            scan.blank_lines.append(index + 1)
            continue
        fields = raw.split("\t")
        if '"' in raw:
            fields = [_unquote(field) for field in fields]
        rows.append((index + 1, fields, raw))
    return rows


def blank_lines(scan: Scan, rows: list[Row]) -> list[Row]:
    """A blank line amid the rows is a warning (blank lines at the end are fine)."""
    if not rows or not scan.blank_lines:
        return rows
    last = rows[-1][0]
    for blank in scan.blank_lines:
        if blank < last:
            # Our wording: NeMO skips empty lines silently; one amid the rows is worth a look.
            scan.issues.append(
                ManifestIssue("warning", "Blank line ignored.", blank, None, None, "blank-line")
            )
    scan.blank_lines = [blank for blank in scan.blank_lines if blank > last]
    return rows


def row_limit(scan: Scan, rows: list[Row]) -> list[Row]:
    """At most ``max_rows`` rows (the first row past the limit is named)."""
    past = scan.max_rows - scan.rows  # the position of the first row past the limit, if here
    if 0 <= past < len(rows):
        # NeMO's code words it so, with its own limit of 50,000; the docs say 25,000.
        message = f"Manifest row count exceeds limit of {scan.max_rows:,} rows."
        line = rows[past][0]
        scan.issues.append(ManifestIssue("error", message, line, None, None, "row-limit"))
    return rows


def field_count(scan: Scan, rows: list[Row]) -> list[Row]:
    """Every row has the header's 24 fields; a row that has not is not checked further."""
    kept = [row for row in rows if len(row[1]) == _WIDTH]
    if len(kept) == len(rows):
        return rows
    for line, fields, _ in rows:
        if len(fields) != _WIDTH:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    f"Row #{line} does not have the correct number of fields."
                    f" Expected {_WIDTH} fields, but got {len(fields)}.",
                    line,
                    None,
                    fields[0] or None,
                    "field-count",
                )
            )
    return kept


def line_break(scan: Scan, rows: list[Row]) -> list[Row]:
    """No line break (a stray carriage return) in a cell."""
    for line, fields, raw in rows:
        if "\r" not in raw:
            continue
        for position, value in enumerate(fields):
            if "\r" in value:
                scan.issues.append(
                    ManifestIssue(
                        "error",
                        f"Line break found in entry for file {fields[0]}.",
                        line,
                        HEADER[position],
                        fields[0] or None,
                        "line-break",
                    )
                )
    return rows


def required(scan: Scan, rows: list[Row]) -> list[Row]:
    """The first 13 columns are filled in (manifest.py: are_required_fields_filled)."""
    add = scan.issues.append
    for line, fields, _ in rows:
        cells = _REQUIRED_CELLS(fields)
        if "" not in cells and not any(map(str.isspace, cells)):
            continue
        name = fields[0]
        for position, column in _REQUIRED_COLUMNS:
            value = fields[position]
            if not value or value.isspace():
                add(
                    ManifestIssue(
                        "error",
                        f"Row for '{name}' does not have required field '{column}' filled in.",
                        line,
                        column,
                        name or None,
                        "required",
                    )
                )
    return rows


def checksum(scan: Scan, rows: list[Row]) -> list[Row]:
    """A filled-in Checksum is an MD5: 32 hexadecimal digits (two rules, two messages)."""
    add = scan.issues.append
    hex_digits = _HEX_DIGITS
    for line, fields, _ in rows:
        value = fields[_CHECKSUM]
        if len(value) == 32 and hex_digits.issuperset(value):
            continue
        if not value or value.isspace():
            continue
        name = fields[0]
        if len(value) != 32:
            message = f"Row for '{name}' does not have a 32 character checksum."
            add(ManifestIssue("error", message, line, "Checksum", name or None, "checksum"))
        if not hex_digits.issuperset(value):
            message = f"The checksum for row '{name}' is not a valid md5 checksum."
            add(ManifestIssue("error", message, line, "Checksum", name or None, "checksum"))
    return rows


def vocabulary(scan: Scan, rows: list[Row]) -> list[Row]:
    """Controlled-vocabulary cells hold a published term, case-insensitively (soft)."""
    good = scan.good_combinations
    for line, fields, _ in rows:
        combination: tuple[str, ...] = _VOCABULARY_CELLS(fields)
        if combination in good:
            continue
        clean = True
        for position, column, terms, listing in _VOCABULARY_COLUMNS:
            value = fields[position]
            if not value or value.isspace() or value.lower() in terms:
                continue
            clean = False
            scan.issues.append(
                ManifestIssue(
                    scan.soft,
                    f"Row for '{fields[0]}' has invalid controlled vocabulary term '{value}'"
                    f" for field '{column}'. Valid fields are [{listing}].",
                    line,
                    column,
                    fields[0] or None,
                    "vocabulary",
                )
            )
        if clean:
            good.add(combination)
    return rows


def access_levels(scan: Scan, rows: list[Row]) -> list[Row]:
    """One Access value per manifest (the first row that differs is named)."""
    values = scan.access_values
    for line, fields, _ in rows:
        access = fields[_ACCESS]
        if access in values or not access or access.isspace():
            continue
        values.add(access)
        if len(values) == 2:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    "The manifest has more than one level of access. There can only be one"
                    " type of data in each manifest.",
                    line,
                    "Access",
                    fields[0] or None,
                    "access-levels",
                )
            )
    return rows


def access_case(scan: Scan, rows: list[Row]) -> list[Row]:
    """Access is written in lower case (each other spelling is named once)."""
    reported = scan.access_case_reported
    for line, fields, _ in rows:
        access = fields[_ACCESS]
        lower = access.lower()
        if access == lower or lower not in _ACCESS_TERMS or access in reported:
            continue
        reported.add(access)
        # Our wording: NeMO's validator accepts it, but its ingest maps Access to the
        # release policy case-sensitively, so the submission would go wrong later.
        scan.issues.append(
            ManifestIssue(
                "error",
                f"Access '{access}' must be written in lower case ('{lower}'):"
                " NeMO maps it to the release policy case-sensitively.",
                line,
                "Access",
                fields[0] or None,
                "access-case",
            )
        )
    return rows


def named(scan: Scan, rows: list[Row]) -> list[Row]:
    """The file-name rules below apply to the rows with a File_name only."""
    return [row for row in rows if row[1][0] and not row[1][0].isspace()]


def duplicate(scan: Scan, rows: list[Row]) -> list[Row]:
    """A File_name is unique in the manifest (each repeated name is named once)."""
    first_line_of = scan.first_line_of
    for line, fields, _ in rows:
        name = fields[0]
        first = first_line_of.setdefault(name, line)
        if first != line and name not in scan.duplicates_reported:
            scan.duplicates_reported.add(name)
            message = f"Duplicate file name found: {name}."
            scan.issues.append(
                ManifestIssue("error", message, line, "File_name", name, "duplicate")
            )
    return rows


def name_in_row(scan: Scan, rows: list[Row]) -> list[Row]:
    """A File_name is not repeated in another column of its row."""
    for line, fields, _ in rows:
        name = fields[0]
        if fields.count(name) > 1:
            scan.issues.append(
                ManifestIssue(
                    "error",
                    f"File name {name} was duplicated within row #{line}.",
                    line,
                    HEADER[fields.index(name, 1)],
                    name,
                    "name-in-row",
                )
            )
    return rows


def directory(scan: Scan, rows: list[Row]) -> list[Row]:
    """A File_name holds no directory; such a name is not checked further."""
    kept: list[Row] = []
    for row in rows:
        line, fields, _ = row
        name = fields[0]
        if "/" not in name:
            kept.append(row)
            continue
        message = f"File name {name} on row#{line} contains directory structure."
        scan.issues.append(ManifestIssue("error", message, line, "File_name", name, "directory"))
    return kept


def file_type(scan: Scan, rows: list[Row]) -> list[Row]:
    """NeMO recognises each file's name; a bundle member (first of its name) joins its bundle,
    for the bundle rules. Returns the bundle members."""
    members: list[Row] = []
    first_line_of = scan.first_line_of
    for row in rows:
        line, fields, _ = row
        name = fields[0]
        technique = fields[_TECHNIQUE].lower()
        kind = classify(name, technique)
        if isinstance(kind, str):
            scan.issues.append(ManifestIssue("error", kind, line, "File_name", name, "file-type"))
            continue
        bundle, subtype, prefix = kind
        if not bundle or first_line_of[name] != line:
            continue
        member = Member(line, name, subtype, fields[_SAMPLE_ID], technique, fields[_FILE_TYPE])
        scan.bundles.setdefault((bundle, prefix), []).append(member)
        members.append(row)
    return members


#: The row rules, in the order NeMO's validator (then ours) meets them.
ROW_RULES: Final[tuple[RowRule, ...]] = (
    blank_lines,
    row_limit,
    field_count,
    line_break,
    required,
    checksum,
    vocabulary,
    access_levels,
    access_case,
    named,
    duplicate,
    name_in_row,
    directory,
    file_type,
)


def empty(scan: Scan) -> None:
    """The manifest has at least one file row."""
    if scan.rows == 0:
        # Our wording: NeMO's code fails on an empty manifest without a message of its own.
        scan.issues.append(
            ManifestIssue("error", "The manifest has no file rows.", None, None, None, "empty")
        )


#: The rules on the manifest as a whole, after the row rules.
MANIFEST_RULES: Final[tuple[Callable[[Scan], None], ...]] = (empty, check_bundles)
