"""Every local check, run before the first request: bad input never reaches a service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from omicform.desired.documents import ManifestFile, MetadataDocument, read_manifest, read_metadata
from omicform.desired.model import DesiredState
from omicform.desired.references import resolver
from omicform.errors import PlanError


@dataclass(frozen=True)
class LocalFiles:
    """The desired state's documents and manifests, read and checked."""

    metadata: dict[str, MetadataDocument] = field(default_factory=dict)
    manifests: dict[str, ManifestFile] = field(default_factory=dict)


def preflight(desired: DesiredState, minted: Mapping[str, Sequence[str]]) -> LocalFiles:
    """Reads and checks every file the desired state names; raises on the first problem."""
    files = LocalFiles()
    for item in desired.metadata:
        document = read_metadata(item, desired, minted)
        problems = metadata_problems(document, desired, minted)
        if problems:
            collection, messages = next(iter(problems.items()))
            count = sum(len(m) for m in problems.values())
            raise PlanError(
                f"{collection}: {messages[0]}" + (f" (and {count - 1} more)" if count > 1 else ""),
                file=str(item.path),
                field=item.address,
                hint="Fix the document; `omicform validate` lists every problem.",
            )
        files.metadata[item.address] = document
    for manifest in desired.manifests:
        files.manifests[manifest.address] = read_manifest(manifest)
    return files


def metadata_problems(
    document: MetadataDocument, desired: DesiredState, minted: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Schema problems per collection; a document not resolvable yet is checked with stand-ins."""
    # Imported here: loading the NMDC schema takes a second, and most runs need no document.
    from omicform.checks.nmdc_metadata import check_database, placeholder_id

    resolved: Any = document.resolved
    if resolved is None:
        stand_ins: dict[str, list[str]] = {}
        for batch in desired.identifiers:
            have = list(minted.get(batch.name, ()))
            for i in range(len(have), batch.count):
                have.append(placeholder_id(batch.schema_class, i) or f"nmdc:x-00-placeholder{i}")
            stand_ins[batch.name] = have
        resolved = resolver(stand_ins)(document.template)
    if not any(isinstance(v, list) and v for v in resolved.values()):
        return {"document": ["it holds no records; json:submit would start a run for nothing"]}
    return check_database(resolved)
