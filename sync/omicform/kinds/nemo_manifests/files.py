"""A NeMO manifest file, read and checked against NeMO's rules (`rules/`) before any request:
plan and apply stop at its first error; validate lists every error and warning."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from omicform.desired.display import safe_message
from omicform.desired.documents import sha256
from omicform.desired.files import read_user_file
from omicform.desired.problems import Problems
from omicform.errors import ConfigError
from omicform.kinds.base import CheckContext
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.notification import resolve
from omicform.kinds.nemo_manifests.rules import ManifestReport, check_manifest


@dataclass(frozen=True)
class ManifestFile:
    """A declared manifest's file, read and checked."""

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
            warnings = ctx.warnings if ctx.warnings is not None else ctx.problems
            _every_issue(item, ctx.problems, warnings)
        except ConfigError as error:
            ctx.problems.add(error)


def _every_issue(manifest: NemoManifest, problems: Problems, warnings: Problems) -> None:
    _notification_credential(manifest, problems, warnings)
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


def _notification_credential(
    manifest: NemoManifest, problems: Problems, warnings: Problems
) -> None:
    """validate only: the variable holding the notification's credential, when it is set,
    holds what its auth_type needs (its value is never shown); unset is a warning, since
    only a submission (or validate --remote) reads it."""
    variable = (manifest.notification or {}).get("auth_details_env")
    if not variable or manifest.notification is None:
        return
    file, line = manifest.origin.file, manifest.origin.line
    field = f"{manifest.address}.notification.auth_details_env"
    if not os.environ.get(variable):
        message = (
            f"{variable} is not set: submitting this manifest (and validate --remote) "
            "reads the notification's auth_details from it"
        )
        warnings.add(ConfigError(message, file=file, line=line, field=field))
        return
    try:
        resolve(dict(manifest.notification), os.environ, manifest.address)
    except ConfigError as error:
        message = error.message.removeprefix(f"{error.field}: ")
        problems.add(ConfigError(message, file=file, line=line, field=field, hint=error.hint))
