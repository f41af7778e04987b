"""The one place that lists the kinds, in dependency order: a kind may depend only on kinds
listed before it. Adding a kind is one line here (a staging kind: one row in
`kinds/staging.py` instead)."""

from __future__ import annotations

from typing import Any

from omicform.engine.kind import Kind
from omicform.kinds.identifiers import KIND as IDENTIFIERS
from omicform.kinds.metadata import KIND as METADATA_SUBMISSIONS
from omicform.kinds.nemo_manifests.kind import KIND as NEMO_MANIFESTS
from omicform.kinds.staging import KINDS as STAGING
from omicform.model.plan import Detail, Payload

KINDS: tuple[Kind[Any], ...] = (
    IDENTIFIERS,
    *STAGING,  # jgi_sequencing_projects, jgi_samples, globus_tasks: one row each
    METADATA_SUBMISSIONS,
    NEMO_MANIFESTS,
)


def kind_named(name: str) -> Kind[Any] | None:
    return next((k for k in KINDS if k.name == name), None)


def decode_detail(kind: str, detail: dict[str, Any]) -> Payload:
    """A saved change's payload, typed by its kind; an empty one (forget) stays empty."""
    found = kind_named(kind)
    if found is None or not detail:
        return Detail(detail)
    return found.decode(detail)
