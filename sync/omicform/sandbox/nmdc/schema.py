"""The NMDC JSON Schema, loaded on first use, and what the server derives from it.

The real server validates against `nmdc_materialized_patterns.schema.json` from the
`nmdc-schema` package (the variant whose `id` patterns name each class's typecode, e.g.
`^(nmdc):sty-...`), not `nmdc.schema.json`; the minter reads its typecodes from the same
file. It is read lazily (it is 700 kB) and without importing `nmdc_schema`, whose package
imports LinkML. Which file and how a typecode is derived are server facts shared with the
client on purpose (`omicform.nmdc_facts`); how the server validates is emulated here.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omicform.nmdc_facts import SCHEMA_FILE, schema_path, typecodes

if TYPE_CHECKING:
    from jsonschema import Draft201909Validator

__all__ = ["SCHEMA_FILE", "NmdcSchema", "nmdc_schema", "schema_path"]


class NmdcSchema:
    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def document(self) -> dict[str, Any]:
        with self.path.open(encoding="utf-8") as f:
            loaded: dict[str, Any] = json.load(f)
        return loaded

    @cached_property
    def validator(self) -> Draft201909Validator:
        # Imported here: jsonschema is slow to import and most sandboxes never validate.
        from jsonschema import Draft201909Validator

        return Draft201909Validator(
            self.document, format_checker=Draft201909Validator.FORMAT_CHECKER
        )

    @cached_property
    def collection_names(self) -> frozenset[str]:
        return frozenset(self.document["properties"])

    @cached_property
    def typecodes(self) -> dict[str, str]:
        """`nmdc:<Class>` -> the typecode new ids get (the first one its id pattern names)."""
        return typecodes(self.document)

    def schema_errors(self, collection: str, docs: Any) -> list[str]:
        """JSON Schema messages as LinkML's JsonschemaValidationPlugin words them."""
        from jsonschema.exceptions import best_match

        messages = []
        for error in self.validator.iter_errors({collection: docs}):
            best = best_match([error])
            path = "/".join(str(p) for p in best.absolute_path)
            messages.append(f"{best.message} in /{path}")
        return messages


_lock = threading.Lock()
_schema: NmdcSchema | None = None


def nmdc_schema() -> NmdcSchema:
    """The process-wide schema (loading it is the slow part of the first json:validate)."""
    global _schema
    with _lock:
        if _schema is None:
            _schema = NmdcSchema(schema_path())
        return _schema
