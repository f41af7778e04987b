"""Every local check, run before the first request: bad input never reaches a service.

`preflight` (plan, apply) stops at the first problem; `collect_local` (validate) reports
every one. Both run the same checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omicform.desired.display import safe_message
from omicform.desired.documents import ManifestFile, MetadataDocument, read_manifest, read_metadata
from omicform.desired.files import decode_utf8, read_user_file
from omicform.desired.model import DesiredState, MetadataSubmission, NemoManifest
from omicform.desired.problems import Problems
from omicform.desired.references import resolver
from omicform.errors import ConfigError, PlanError

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


def collect_local(
    desired: DesiredState,
    minted: Mapping[str, Sequence[str]],
    problems: Problems,
    warnings: Problems,
) -> None:
    """The same checks as `preflight`, adding every problem (and warning) found."""
    for item in desired.metadata:
        try:
            _metadata_into(item, desired, minted, problems)
        except ConfigError as error:
            problems.add(error)
    for manifest in desired.manifests:
        try:
            _manifest_into(manifest, problems, warnings)
        except ConfigError as error:
            problems.add(error)


def _metadata_into(
    item: MetadataSubmission,
    desired: DesiredState,
    minted: Mapping[str, Sequence[str]],
    problems: Problems,
) -> None:
    document = read_metadata(item, desired, minted)
    for issue in metadata_problems(document, desired, minted):
        problems.add(
            ConfigError(
                issue.message,
                file=str(item.path),
                line=issue_line(item.path, document, issue),
                field=f"{item.address}: {issue.collection}",
            )
        )


def _manifest_into(manifest: NemoManifest, problems: Problems, warnings: Problems) -> None:
    from omicform.kinds.nemo_manifests.rules import check_manifest

    content = read_user_file(manifest.path, field=manifest.address)
    report = check_manifest(content, file_name=manifest.path.name, strict=manifest.strict)
    for issue in report.issues:
        error = ConfigError(
            safe_message(issue.message),
            file=str(manifest.path),
            line=issue.line,
            field=issue.column or manifest.address,
        )
        (problems if issue.severity == "error" else warnings).add(error)


def issue_line(path: Path, document: MetadataDocument, issue: SchemaIssue) -> int:
    from omicform.checks.nmdc_metadata import line_of

    text = decode_utf8(read_user_file(path), str(path))
    return line_of(text, document.template_json, issue)


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
