"""Local checks of an nmdc:Database document against the NMDC JSON Schema.

The schema comes from the `nmdc-schema` package, the same artefact the NMDC server
validates with, so a document that passes here fails on the server only for what needs the
server's data (references to documents already stored there).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jsonschema

# The variant with each class's own id pattern (nmdc:dobj-..., nmdc:sty-...): the one the
# NMDC server validates with.
SCHEMA_FILE = "nmdc_materialized_patterns.schema.json"


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((resources.files("nmdc_schema") / SCHEMA_FILE).read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


_TYPECODE = re.compile(r"^\^\(nmdc\):([a-z]+)-")


def placeholder_id(schema_class: str, index: int) -> str | None:
    """An id that satisfies `schema_class`'s id pattern, for checking before ids are minted."""
    name = schema_class.split(":", 1)[-1]
    definition = _validator().schema.get("$defs", {}).get(name, {})  # type: ignore[union-attr]
    pattern = definition.get("properties", {}).get("id", {}).get("pattern", "")
    match = _TYPECODE.match(pattern)
    return f"nmdc:{match.group(1)}-00-placeholder{index}" if match else None


def check_database(document: Any) -> dict[str, list[str]]:
    """Errors per collection (`study_set`, ...), like the server's json:validate; {} if valid."""
    if not isinstance(document, Mapping):
        return {"document": ["an nmdc:Database must be a JSON object of collections"]}
    errors: dict[str, list[str]] = {}
    schema = _validator().schema
    known = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
    for name in document:
        if name not in known and name != "@type":
            errors.setdefault(str(name), []).append(
                f"{name!r} is not a collection of nmdc:Database"
            )
    for error in _validator().iter_errors(dict(document)):
        path = list(error.absolute_path)
        collection = str(path[0]) if path else "document"
        where = "/".join(str(p) for p in path[1:])
        errors.setdefault(collection, []).append(
            f"{where}: {error.message}" if where else error.message
        )
    return errors
