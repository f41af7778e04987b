"""Local checks of an nmdc:Database document against the NMDC JSON Schema.

The schema comes from the `nmdc-schema` package, the same artefact the NMDC server
validates with, so a document that passes here fails on the server only for what needs the
server's data (references to documents already stored there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jsonschema


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((resources.files("nmdc_schema") / "nmdc.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


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
