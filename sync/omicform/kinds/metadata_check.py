"""A metadata document, read and checked against the NMDC schema before any request: plan
and apply stop at its first problem; validate lists every one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omicform.desired.documents import MetadataDocument, MetadataSubmission, read_metadata
from omicform.desired.files import decode_utf8, read_user_file
from omicform.desired.model import DesiredState
from omicform.desired.problems import Problems
from omicform.desired.references import resolver
from omicform.errors import ConfigError, PlanError
from omicform.kinds.base import CheckContext

if TYPE_CHECKING:
    from omicform.checks.nmdc_metadata import SchemaIssue


def check_documents(items: Sequence[MetadataSubmission], ctx: CheckContext) -> None:
    for item in items:
        if ctx.problems is None:
            ctx.files.by_address[item.address] = _first_problem(item, ctx)
            continue
        try:
            _every_problem(item, ctx, ctx.problems)
        except ConfigError as error:
            ctx.problems.add(error)


def _first_problem(item: MetadataSubmission, ctx: CheckContext) -> MetadataDocument:
    document = read_metadata(item, ctx.desired, ctx.minted)
    issues = metadata_problems(document, ctx.desired, ctx.minted)
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
    return document


def _every_problem(item: MetadataSubmission, ctx: CheckContext, problems: Problems) -> None:
    document = read_metadata(item, ctx.desired, ctx.minted)
    for issue in metadata_problems(document, ctx.desired, ctx.minted):
        problems.add(
            ConfigError(
                issue.message,
                file=str(item.path),
                line=issue_line(item.path, document, issue),
                field=f"{item.address}: {issue.collection}",
            )
        )


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
        for batch in desired.of("identifiers"):
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
