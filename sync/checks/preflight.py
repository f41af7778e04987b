"""Every local check, run before the first request: bad input never reaches a service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omicform.desired.documents import ManifestFile, MetadataDocument, read_manifest, read_metadata
from omicform.desired.model import DesiredState
from omicform.desired.references import resolver
from omicform.errors import PlanError

if TYPE_CHECKING:
    from omicform.checks.nmdc_metadata import SchemaIssue


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
        issues = metadata_problems(document, desired, minted)
        if issues:
            first = issues[0]
            more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
            raise PlanError(
                first.message + more,
                file=str(item.path),
                line=issue_line(item.path, document, first),
                field=f"{item.address}: {first.collection}",
                hint="Fix the document; `omicform validate` lists every problem.",
            )
        files.metadata[item.address] = document
    for manifest in desired.manifests:
        files.manifests[manifest.address] = read_manifest(manifest)
    return files


def issue_line(path: Path, document: MetadataDocument, issue: SchemaIssue) -> int:
    from omicform.checks.nmdc_metadata import line_of

    return line_of(path.read_text(encoding="utf-8"), document.template_json, issue)


def metadata_problems(
    document: MetadataDocument, desired: DesiredState, minted: Mapping[str, Sequence[str]]
) -> list[SchemaIssue]:
    """Schema problems; a document not resolvable yet is checked with stand-in ids."""
    # Imported here: loading the NMDC schema takes a second, and most runs need no document.
    from omicform.checks.nmdc_metadata import SchemaIssue, placeholder_id, schema_issues

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
        return [
            SchemaIssue(
                "document", None, "it holds no records; json:submit would start a run for nothing"
            )
        ]
    return schema_issues(resolved)
