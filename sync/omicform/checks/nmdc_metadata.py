"""Local checks of an nmdc:Database document against the NMDC JSON Schema.

The schema comes from the `nmdc-schema` package, the same artefact the NMDC server
validates with, so a document that passes here fails on the server only for what needs the
server's data (references to documents already stored there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from omicform.desired.display import SHOWN_CHARS, safe_message, safe_name
from omicform.nmdc_facts import SCHEMA_FILE, id_pattern, schema_path, typecode_from_pattern

if TYPE_CHECKING:
    import jsonschema

__all__ = [
    "SCHEMA_FILE",
    "SchemaIssue",
    "check_database",
    "line_of",
    "placeholder_id",
    "schema_issues",
]


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    # Read by path: importing the nmdc_schema package would import LinkML (seconds).
    import jsonschema  # here: 0.1 s at every start-up otherwise (`omicform plan`)

    schema = json.loads(schema_path().read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def placeholder_id(schema_class: str, index: int) -> str | None:
    """An id that satisfies `schema_class`'s id pattern, for checking before ids are minted:
    one with the typecode the server's minter gives that class."""
    schema = _validator().schema
    pattern = id_pattern(schema, schema_class) if isinstance(schema, Mapping) else None
    typecode = typecode_from_pattern(pattern) if pattern is not None else None
    return f"nmdc:{typecode}-00-placeholder{index}" if typecode is not None else None


@dataclass(frozen=True)
class SchemaIssue:
    """One problem in one document of one collection (index None: the collection itself)."""

    collection: str
    index: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.collection}: {self.message}"


def schema_issues(document: Any) -> list[SchemaIssue]:
    """Every schema problem of an nmdc:Database, in document order.

    Messages quote the document's values: they are escaped and cut, so a 1 MB string or
    an ANSI escape in a document cannot flood or trick the terminal.
    """
    if not isinstance(document, Mapping):
        return [SchemaIssue("document", None, "an nmdc:Database must be a JSON object")]
    issues: list[SchemaIssue] = []
    schema = _validator().schema
    known = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    for name in document:
        if name not in known and name != "@type":
            issues.append(
                SchemaIssue(safe_name(str(name)), None, "not a collection of nmdc:Database")
            )
    try:
        for error in _validator().iter_errors(dict(document)):
            issues.append(_issue(list(error.absolute_path), error.message))
    except RecursionError:
        issues.append(SchemaIssue("document", None, "nested too deeply to check"))
    return issues


def _issue(path: list[Any], message: str) -> SchemaIssue:
    collection = safe_name(str(path[0])) if path else "document"
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
    where = safe_message("/".join(str(p) for p in path[1:]), SHOWN_CHARS)
    text = safe_message(message)
    return SchemaIssue(collection, index, f"{where}: {text}" if where else text)


def check_database(document: Any) -> dict[str, list[str]]:
    """Errors per collection (`study_set`, ...), like the server's json:validate; {} if valid."""
    errors: dict[str, list[str]] = {}
    for issue in schema_issues(document):
        errors.setdefault(issue.collection, []).append(issue.message)
    return errors


def line_of(raw: str, document: Any, issue: SchemaIssue) -> int:
    """The line in the file where `issue`'s document starts (best effort: by its id)."""
    records = document.get(issue.collection) if isinstance(document, Mapping) else None
    needles = [json.dumps(issue.collection)]
    if isinstance(records, list) and issue.index is not None and issue.index < len(records):
        record = records[issue.index]
        if isinstance(record, Mapping) and isinstance(record.get("id"), str):
            needles.insert(0, json.dumps(record["id"]))
    for needle in needles:
        position = raw.find(needle)
        if position >= 0:
            return raw.count("\n", 0, position) + 1
    return 1
