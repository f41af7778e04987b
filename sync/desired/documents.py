"""The files a desired state points at: metadata documents and NeMO manifests, read and hashed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omicform.checks.nemo_manifest import ManifestReport, check_manifest
from omicform.desired.load import check_references
from omicform.desired.model import DesiredState, MetadataSubmission, NemoManifest, Origin
from omicform.desired.references import Unresolved, parse_tree, references_in, resolver
from omicform.errors import ConfigError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class MetadataDocument:
    item: MetadataSubmission
    file_hash: str  # of the file as written, references unresolved
    template: Any  # parsed JSON with references
    resolved: Any | None  # None while it refers to ids not minted yet
    template_json: Any = None  # the JSON as written (references as text), for locating lines

    @property
    def content_hash(self) -> str | None:
        """What is submitted; None until every reference is minted."""
        return sha256(canonical_json(self.resolved)) if self.resolved is not None else None


def read_metadata(
    item: MetadataSubmission, desired: DesiredState, minted: Mapping[str, Sequence[str]]
) -> MetadataDocument:
    raw = item.path.read_bytes()
    try:
        document = json.loads(raw)
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", file=str(item.path), field=item.address) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            file=str(item.path),
            line=exc.lineno,
            field=item.address,
        ) from None
    if not isinstance(document, dict):
        raise ConfigError(
            'an nmdc:Database must be a JSON object such as {"study_set": [...]}',
            file=str(item.path),
            line=1,
            field=item.address,
        )
    template = parse_tree(document)
    where = Origin(str(item.path), 1)
    check_references(desired, [(ref, where, item.address) for ref in references_in(template)])
    try:
        resolved = resolver(minted)(template)
    except Unresolved:
        resolved = None
    return MetadataDocument(item, sha256(raw), template, resolved, document)


@dataclass(frozen=True)
class ManifestFile:
    item: NemoManifest
    content: bytes
    report: ManifestReport

    @property
    def content_hash(self) -> str:
        return sha256(self.content)


def read_manifest(item: NemoManifest) -> ManifestFile:
    content = item.path.read_bytes()
    report = check_manifest(content, file_name=item.path.name, strict=item.strict)
    if report.errors:
        first = report.errors[0]
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        raise ConfigError(
            first.message + more,
            file=str(item.path),
            line=first.line,
            field=first.column or item.address,
            hint="Fix the manifest; `omicform validate` lists every problem.",
        )
    return ManifestFile(item, content, report)
