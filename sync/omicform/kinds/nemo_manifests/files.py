"""A NeMO manifest file, read and checked against NeMO's rules (`rules/`) before any request:
plan and apply stop at its first error; validate lists every error and warning."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from omicform.desired.display import safe_message
from omicform.desired.documents import sha256
from omicform.desired.files import read_user_file
from omicform.desired.model import NemoManifest
from omicform.desired.problems import Problems
from omicform.errors import ConfigError
from omicform.kinds.base import CheckContext
from omicform.kinds.nemo_manifests.rules import ManifestReport, check_manifest


@dataclass(frozen=True)
class ManifestFile:
    item: NemoManifest
    content: bytes
    report: ManifestReport

    @property
    def content_hash(self) -> str:
        return sha256(self.content)


def read_manifest(item: NemoManifest) -> ManifestFile:
    content = read_user_file(item.path, field=item.address)
    report = check_manifest(content, file_name=item.path.name, strict=item.strict)
    if report.errors:
        first = report.errors[0]
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        raise ConfigError(
            safe_message(first.message) + more,
            file=str(item.path),
            line=first.line,
            field=first.column or item.address,
            hint="Fix the manifest; `omicform validate` lists every problem.",
        )
    return ManifestFile(item, content, report)


def check_manifests(items: Sequence[NemoManifest], ctx: CheckContext) -> None:
    for item in items:
        if ctx.problems is None:
            ctx.files.by_address[item.address] = read_manifest(item)
            continue
        try:
            _every_issue(item, ctx.problems, ctx.warnings or ctx.problems)
        except ConfigError as error:
            ctx.problems.add(error)


def _every_issue(manifest: NemoManifest, problems: Problems, warnings: Problems) -> None:
    variable = (manifest.notification or {}).get("auth_details_env")
    if variable and not os.environ.get(variable):
        warnings.add(
            ConfigError(
                f"{variable} is not set: submitting this manifest (and validate --remote) "
                "reads the notification's auth_details from it",
                file=str(manifest.origin.file),
                line=manifest.origin.line,
                field=f"{manifest.address}.notification.auth_details_env",
            )
        )
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
