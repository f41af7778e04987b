"""Facts about the NMDC Runtime API that omicform and its sandbox share on purpose.

These are the server's own facts, not client behaviour: which schema file it validates
with and how it derives the typecode a minted id gets from a class's `id` pattern. Each is
stated once here. The sandbox imports from omicform only modules of facts like this one, so
everything else it emulates stays an independent implementation that the differential
tests can compare with the client.

The typecode derivation follows nmdc-runtime's minter configuration
(`extract_typecode_from_pattern`): after `^(nmdc):`, the part before the first hyphen is
the typecode, or, when it is an alternation such as `(dgns|omprc)`, its first choice.
Importing this module is cheap: it reads nothing and never imports `nmdc_schema`, whose
package imports LinkML (seconds).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

SCHEMA_PACKAGE: Final = "nmdc_schema"
# The variant whose `id` patterns name each class's typecode (`^(nmdc):sty-...`): the one
# the server validates with and derives typecodes from; `nmdc.schema.json` is not.
SCHEMA_FILE: Final = "nmdc_materialized_patterns.schema.json"
ID_PATTERN_PREFIX: Final = "^(nmdc):"


def schema_path() -> Path:
    """Where the installed `nmdc-schema` package keeps `SCHEMA_FILE` (without importing it)."""
    spec = importlib.util.find_spec(SCHEMA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the nmdc-schema package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / SCHEMA_FILE


def typecode_from_pattern(pattern: str) -> str | None:
    """The typecode new ids of a class get, from its `id` pattern; None if it names none.

    `^(nmdc):sty-...` gives `sty`; `^(nmdc):(dgns|omprc)-...` gives `dgns`, as the server's
    minter does (ids with the other choices still validate: the pattern allows them).
    """
    if not pattern.startswith(ID_PATTERN_PREFIX):
        return None
    portion = pattern[len(ID_PATTERN_PREFIX) :].split("-", 1)[0]
    if portion.startswith("(") and portion.endswith(")"):
        portion = portion[1:-1].split("|", 1)[0]
    return portion or None


def id_pattern(schema: Mapping[str, Any], schema_class: str) -> str | None:
    """The `id` pattern of `nmdc:<Class>` (or `<Class>`) in the JSON Schema, if it has one."""
    name = schema_class.split(":", 1)[-1]
    definition = (schema.get("$defs") or {}).get(name)
    properties = definition.get("properties") if isinstance(definition, Mapping) else None
    id_slot = properties.get("id") if isinstance(properties, Mapping) else None
    pattern = id_slot.get("pattern") if isinstance(id_slot, Mapping) else None
    return pattern if isinstance(pattern, str) else None


def typecodes(schema: Mapping[str, Any]) -> dict[str, str]:
    """`nmdc:<Class>` -> its typecode, for every class of the JSON Schema that has one."""
    found: dict[str, str] = {}
    for name in schema.get("$defs") or {}:
        pattern = id_pattern(schema, name)
        typecode = typecode_from_pattern(pattern) if pattern is not None else None
        if typecode is not None:
            found[f"nmdc:{name}"] = typecode
    return found
