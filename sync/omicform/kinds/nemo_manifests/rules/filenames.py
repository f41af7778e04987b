"""What kind of file a File_name names: a bundle member (FASTQ reads, MEX counts), another file
NeMO recognises, or a name NeMO refuses (with NeMO's message)."""

from __future__ import annotations

import re
from typing import Final

from .vocabularies import (
    FASTQ_ENDINGS,
    FASTQ_SUBTYPES,
    LONG_READ_TECHNIQUES,
    MEX_ENDINGS,
    OTHER_ENDINGS,
    TAB_ANALYSIS_MARKERS,
)

__all__ = ["NOT_BUNDLED", "classify"]

#: What :func:`classify` says of a recognised file outside any bundle.
NOT_BUNDLED: Final = ("", "", "")

# Longest ending first, so "x.barcodes.tsv.gz" is a MEX barcodes file, not a plain ".tsv.gz".
_MEX_BY_LENGTH: Final = tuple(sorted(MEX_ENDINGS, key=lambda pair: -len(pair[0])))
_MEX_NAMES: Final = tuple(ending for ending, _ in MEX_ENDINGS)
_OTHER_SET: Final = frozenset(OTHER_ENDINGS)
_PREFIX_TRIM: Final = "._-"

# The read token of a FASTQ file name: "_R1", "-R2", ".R3", ".read1", "_I1", ".I2", optionally
# followed by "_001", ".raw" or ".trimmed" (ingest code, file_entity.py).
_FASTQ_READ_RE: Final = re.compile(
    r"(?:[-_.](R[123]|I[12])|\.read([123]))"
    r"(?:_[0-9]{3}|\.raw|\.trimmed|\.trimed)?\.f(?:ast)?q(?:\.gz)?$"
)


def _trim_prefix(prefix: str) -> str:
    # NeMO trims one trailing separator from a file prefix.
    return prefix[:-1] if prefix and prefix[-1] in _PREFIX_TRIM else prefix


def _too_short(name: str) -> str:
    return f"Cannot determine file prefix. File name is too short for file {name}"


def _no_prefix(name: str) -> str:
    return f"Row for '{name}' has invalid value for field 'File_name'. No file prefix detected."


def _fastq(name: str, technique: str) -> tuple[str, str, str] | str:
    match = _FASTQ_READ_RE.search(name)
    if match is None:
        if technique in LONG_READ_TECHNIQUES:
            return NOT_BUNDLED
        return f"Cannot determine an appropriate sub-filetype for FASTQ file {name}"
    token = match.group(1) or f"R{match.group(2)}"
    prefix = name[: match.start()]
    if not prefix:
        return _too_short(name)
    return ("FASTQ", FASTQ_SUBTYPES[token], prefix)


def _mex(name: str) -> tuple[str, str, str] | str:
    for ending, subtype in _MEX_BY_LENGTH:
        if name.endswith(ending):
            raw = name[: -len(ending)]
            if not raw:
                return _too_short(name)
            prefix = _trim_prefix(raw)
            if not prefix:
                return _no_prefix(name)
            return ("MEX", subtype, prefix)
    raise AssertionError(name)  # pragma: no cover - called only for a MEX name


def classify(name: str, technique: str) -> tuple[str, str, str] | str:
    """Return (bundle kind, subtype, prefix) for a bundled file, ``NOT_BUNDLED`` for another
    recognised file, or NeMO's error message when the name is not recognised.

    ``technique`` is the row's Technique in lower case.
    """
    if name.endswith(FASTQ_ENDINGS):
        return _fastq(name, technique)
    if name.endswith(_MEX_NAMES):
        return _mex(name)
    if name.endswith(OTHER_ENDINGS) or any(m in name for m in TAB_ANALYSIS_MARKERS):
        if name in _OTHER_SET:
            return _too_short(name)
        if name[0] in _PREFIX_TRIM and name[1:] in _OTHER_SET:
            return _no_prefix(name)
        return NOT_BUNDLED
    return f"Cannot determine an appropriate filetype for file {name}"
