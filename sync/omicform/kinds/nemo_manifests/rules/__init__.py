"""NeMO Archive manifest rules, as a pure library: one function per rule, vocabularies as data.

``check_manifest(data)`` checks the bytes of a NeMO submission manifest (a TAB-separated file,
one row per submitted file) and returns a :class:`ManifestReport` whose issues say what is wrong,
where (physical line, column, the row's File_name) and, for the emulator, how NeMO's validator
words it.

Layout: ``vocabularies`` (the header, vocabularies and file name endings, as data), ``header``
(rules on the file: name, byte order mark, encoding, header row), ``rows`` (one function per
row rule, run over the rows a chunk at a time), ``filenames`` (what kind of file a name is),
``bundles`` (FASTQ and MEX bundle rules), ``scan`` (the state the rules share) and ``report``
(the results). :func:`check_manifest` below is the engine: a loop over the rules.

Sources, best first:

* NeMO's public documentation (github.com/nemoarchive/documentation): ``manifest_template.tsv``
  (the header), ``manifest_controlled_vocabularies.xlsx`` (the 2022 vocabularies),
  ``file_extensions.md`` and ``submit_data.md`` (extensions, 25,000 rows, ``manifest.tsv``).
* A public port of NeMO's ingest code (``manifest.py``, ``file_entity.py``,
  ``bundle_entity.py``): the error texts, the FASTQ read tokens and the bundle rules. Production
  may differ; where a message below is ours rather than NeMO's, the comment says so.

Deliberate differences from NeMO's code:

* Every wrong row is reported. NeMO stops at an unreadable file, a wrong header, the first row
  with a wrong field count or too many rows; :meth:`ManifestReport.nemo_messages` restores that
  for the emulator. (NeMO also stops listing unrecognised files after the first; we list all.)
* A row's field count is its real one; NeMO's csv reader pads a short row silently (its message
  then comes from the emptied required fields) and counts any longer row as 25 fields.
* Row numbers in messages are physical line numbers (header = 1); NeMO counts records, which is
  the same number unless blank lines sit between rows.
* A checksum must be exactly 32 hexadecimal digits; NeMO's ``int(value, 16)`` would also let
  through a ``0x`` prefix, underscores or surrounding blanks.
* A whitespace-only required cell counts as empty.
* A UTF-8 byte order mark: NeMO reads it into the first column name and says the header
  differs from the template; we say so too, add the cause and the fix, and check the rest.
* Quoting: NeMO reads the TSV with Python's csv module (excel dialect). We unquote a cell that is
  wholly wrapped in double quotes (what spreadsheet exports write); a quoted cell spanning several
  lines is not supported and shows up as a wrong field count.
* Rules of ours: the manifest's own file name; an empty manifest; a blank line between rows (a
  warning); Access not in lower case (an error: NeMO's validator accepts it, its ingest does not
  map it); a MEX member whose File_type is not ``mtx`` (a warning, docs); a lone
  ``<prefix>peaks.bed`` is a BED file, not an incomplete MEX bundle; any ``*.mtx(.gz)`` is a MEX
  matrix (docs), not only ``matrix.mtx``.
"""

from __future__ import annotations

from typing import Final

from .header import byte_order_mark, encoding, header
from .header import file_name as check_file_name
from .report import (
    MAX_LISTED_ERRORS,
    NEMO_MANY_ISSUES_MESSAGE,
    NEMO_SUCCESS_MESSAGE,
    ManifestIssue,
    ManifestReport,
    Severity,
)
from .rows import MANIFEST_RULES, ROW_RULES, split_rows
from .scan import Scan
from .vocabularies import (
    EXTENSIONS,
    HEADER,
    MANIFEST_SUFFIX,
    MAX_ROWS,
    OPTIONAL,
    REQUIRED,
    VOCABULARIES,
)

__all__ = [
    "EXTENSIONS",
    "HEADER",
    "MANIFEST_SUFFIX",
    "MAX_LISTED_ERRORS",
    "MAX_ROWS",
    "NEMO_MANY_ISSUES_MESSAGE",
    "NEMO_SUCCESS_MESSAGE",
    "OPTIONAL",
    "REQUIRED",
    "VOCABULARIES",
    "ManifestIssue",
    "ManifestReport",
    "Severity",
    "check_manifest",
]


#: Rows are checked this many lines at a time: each rule goes over a chunk at once (a call per
#: rule and row would cost a third of the time), and a chunk stays in the processor's cache.
CHUNK: Final = 128


def check_manifest(
    data: bytes,
    *,
    file_name: str = MANIFEST_SUFFIX,
    strict: bool = False,
    max_rows: int = MAX_ROWS,
) -> ManifestReport:
    """Check a NeMO manifest's bytes against NeMO's rules.

    ``file_name`` is the name the manifest will be submitted under. With ``strict`` a
    controlled-vocabulary miss (and a MEX file not typed ``mtx``) is an error rather than a
    warning: NeMO's live vocabularies are private and newer than the published ones.
    """
    scan = Scan("error" if strict else "warning", max_rows)
    check_file_name(file_name, scan.issues)
    text = encoding(byte_order_mark(data, scan.issues), scan.issues)
    if text is None:
        return scan.report()
    lines = text.split("\n")
    if not header(lines[0], scan.issues):
        scan.rows = sum(1 for line in lines[1:] if line.strip())
        return scan.report()
    for start in range(1, len(lines), CHUNK):
        rows = split_rows(lines, start, min(start + CHUNK, len(lines)), scan)
        count = len(rows)
        for rule in ROW_RULES:
            rows = rule(scan, rows)
        scan.rows += count
    for manifest_rule in MANIFEST_RULES:
        manifest_rule(scan)
    return scan.report(_access_level(scan.access_values))


def _access_level(values: set[str]) -> str | None:
    """The manifest's one access level, in lower case, when it has one NeMO knows."""
    levels = {value.lower() for value in values}
    if len(levels) == 1:
        (only,) = levels
        if only in VOCABULARIES["Access"]:
            return only
    return None
