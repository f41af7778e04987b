"""`validate_json` of `nmdc_runtime/api/db/mongo.py`, less the parts that need LinkML.

Kept: unknown collections, JSON Schema errors per collection (every submitted collection
gets a list, empty when clean), "value must be a list", and the biosample-name rule against
the payload and the submitted documents already stored. Not kept: LinkML's dataclass pass,
the QuantityValue unit plugin and refscan's referential-integrity pass (see docs/sandbox.md).
"""

from __future__ import annotations

from typing import Any

from omicform.sandbox.nmdc.schema import nmdc_schema
from omicform.sandbox.store import Store

OK = {"result": "All Okay!"}
METADATA_PREFIX = "metadata."


def validate_database(docs: dict[str, Any], store: Store) -> dict[str, Any]:
    """The server's answer for a json:validate body. Pops `@type` as the server does."""
    schema = nmdc_schema()
    errors: dict[str, list[str]] = {}
    for name, collection_docs in docs.items():
        if name not in schema.collection_names:
            if name == "@type" and collection_docs in ("Database", "nmdc:Database"):
                continue
            errors[name] = [f"'{name}' is not a known schema collection name"]
            continue
        messages = schema.schema_errors(name, collection_docs)
        if collection_docs:
            if not isinstance(collection_docs, list):
                messages.append("value must be a list")
            elif not all(isinstance(d, dict) for d in collection_docs):
                messages.append("all elements of list must be dicts")
        errors[name] = messages
    if any(errors.values()):
        return {"result": "errors", "detail": errors}
    docs.pop("@type", None)
    _check_biosample_names(docs, errors, store)
    if any(errors.values()):
        return {"result": "errors", "detail": errors}
    return OK


def _check_biosample_names(
    docs: dict[str, Any], errors: dict[str, list[str]], store: Store
) -> None:
    """NMDC policy: one name per study among biosamples (schema-valid input only)."""
    biosamples = docs.get("biosample_set")
    if not biosamples:
        return
    names_by_study: dict[str, set[str]] = {}
    found = errors.setdefault("biosample_set", [])
    for biosample in biosamples:
        name = biosample.get("name")
        for study in biosample.get("associated_studies", []):
            seen = names_by_study.setdefault(study, set())
            if name in seen:
                # The missing space is the server's own.
                found.append(
                    f"Multiple submitted biosamples having name '{name}'"
                    f"are associated with study '{study}'."
                )
            else:
                seen.add(name)
    if found:
        return
    stored = [doc for _, doc in store.scan(METADATA_PREFIX + "biosample_set")]
    for study, names in names_by_study.items():
        for doc in stored:
            if study in doc.get("associated_studies", []) and doc.get("name") in names:
                found.append(
                    f"There is already a biosample having name '{doc['name']}' "
                    f"that is associated with the study having ID '{study}'."
                )
                break
