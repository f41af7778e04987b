"""The metadata documents a desired state points at, read and hashed (NeMO manifests are
read by their kind: `kinds/nemo_manifests/files.py`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omicform.desired.files import read_user_file
from omicform.desired.jsonfile import parse_json
from omicform.desired.load import check_references
from omicform.desired.model import DesiredState, Origin
from omicform.desired.references import (
    ReferenceSyntaxError,
    Unresolved,
    parse_tree,
    references_in,
    resolver,
)
from omicform.errors import ConfigError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class MetadataSubmission:
    """An nmdc:Database JSON file to submit with json:submit."""

    name: str
    path: Path
    origin: Origin

    @property
    def address(self) -> str:
        return f"metadata_submissions.{self.name}"


@dataclass(frozen=True)
class MetadataDocument:
    """A metadata submission's JSON file, as written and (once its ids are minted) resolved."""

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
    raw = read_user_file(item.path, field=item.address)
    try:
        document = parse_json(raw, str(item.path), item.address)
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
    except ReferenceSyntaxError as exc:
        raise ConfigError(str(exc), file=str(item.path), field=item.address) from None
    except RecursionError:
        raise ConfigError(
            "nested too deeply to read", file=str(item.path), field=item.address
        ) from None
    return MetadataDocument(item, sha256(raw), template, resolved, document)
