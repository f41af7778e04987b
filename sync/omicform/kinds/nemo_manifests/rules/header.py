"""Rules on the manifest as a whole, before its rows: its file name, its encoding and its header."""

from __future__ import annotations

from typing import Final

from .report import ManifestIssue
from .vocabularies import HEADER, MANIFEST_SUFFIX

__all__ = ["byte_order_mark", "encoding", "file_name", "header"]

ENCODING_ERROR: Final = "File must be a UTF-8 or ASCII encoded plaintext tsv file."
HEADER_ERROR: Final = "Manifest header row fields differ from the header fields from the template."
UTF8_BOM: Final = b"\xef\xbb\xbf"
# A UTF-16 or UTF-32 byte order mark (big or little endian).
WIDE_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


def file_name(name: str, out: list[ManifestIssue]) -> None:
    """The manifest's own file name ends in ``manifest.tsv``."""
    base_name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if not base_name.endswith(MANIFEST_SUFFIX):
        # Our wording: NeMO's message for this is not documented.
        out.append(
            ManifestIssue(
                "error",
                f"Manifest file name '{base_name}' must end in '{MANIFEST_SUFFIX}'.",
                rule="file-name",
            )
        )


def byte_order_mark(data: bytes, out: list[ManifestIssue]) -> bytes:
    """No UTF-8 byte order mark; returns the bytes without it, so the rest is still checked.

    NeMO reads the mark as part of the first column name, so its validator says the header
    differs from the template; our message adds the cause and the fix.
    """
    if not data.startswith(UTF8_BOM):
        return data
    out.append(
        ManifestIssue(
            "error",
            f"{HEADER_ERROR} The file starts with a UTF-8 byte order mark (BOM), which NeMO reads"
            " as part of the first column name: save the manifest as UTF-8 without BOM.",
            1,
            HEADER[0],
            None,
            "byte-order-mark",
            HEADER_ERROR,
        )
    )
    return data[len(UTF8_BOM) :]


def encoding(data: bytes, out: list[ManifestIssue]) -> str | None:
    """The text of the manifest, or None when it cannot be read as UTF-8 plain text."""
    if data.startswith(WIDE_BOMS):
        out.append(ManifestIssue("error", ENCODING_ERROR, None, None, None, "encoding"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        out.append(ManifestIssue("error", ENCODING_ERROR, line, None, None, "encoding"))
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        out.append(ManifestIssue("error", ENCODING_ERROR, line, None, None, "encoding"))
        return None
    return text


def header(line: str, out: list[ManifestIssue]) -> bool:
    """The header row is the template's, exactly; False (NeMO stops here) when it is not."""
    if line.endswith("\r"):
        line = line[:-1]
    fields = tuple(line.split("\t"))
    if fields == HEADER:
        return True
    differs = next(
        (i for i, (a, b) in enumerate(zip(fields, HEADER, strict=False)) if a != b),
        min(len(fields), len(HEADER)),
    )
    out.append(
        ManifestIssue(
            "error",
            HEADER_ERROR,
            1,
            HEADER[differs] if differs < len(HEADER) else None,
            None,
            "header",
        )
    )
    return False
