"""The `nemo_manifests:` section: `NAME: FILE`, or `NAME: {file: FILE, strict: true,
notification: {...}}` (the webhook document, `notification.py`).

A manifest's settings are read here and nowhere else: a new per-manifest key is one more
name in `KEYS` and one more field of `NemoManifest`.
"""

from __future__ import annotations

from typing import Any

from omicform.desired.context import LoadContext
from omicform.desired.model import Origin
from omicform.desired.sections import error_at, file_entry
from omicform.desired.yamlfile import LineMap
from omicform.kinds.nemo_manifests.declared import NemoManifest
from omicform.kinds.nemo_manifests.notification import load_notification
from omicform.kinds.nemo_manifests.record import NAME

KEYS = {"file", "strict", "notification"}  # the settings a manifest entry may have


def load_manifests(section: LineMap, ctx: LoadContext) -> None:
    def manifest(name: str, spec: Any, where: Origin) -> NemoManifest:
        address = f"{NAME}.{name}"
        path = file_entry(spec, where, address, ctx.base, KEYS)
        strict = spec.get("strict", False) if isinstance(spec, LineMap) else False
        if not isinstance(strict, bool):
            raise error_at(where, spec, "strict", f"{address}.strict", "expected true or false")
        note = spec.get("notification") if isinstance(spec, LineMap) else None
        notification = None
        if note is not None:
            origin = Origin(where.file, spec.line_of("notification"))
            notification = load_notification(note, origin, address)
        return NemoManifest(name, path, where, strict, notification)

    ctx.each(section, manifest)
