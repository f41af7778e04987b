"""A manifest's `notification:` as loaded (None when the loader does not know the key yet)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omicform.desired.model import NemoManifest


def notification_of(item: NemoManifest) -> dict[str, Any] | None:
    """A copy of the checked document (naming its credential's variable), or None."""
    found = getattr(item, "notification", None)
    return dict(found) if isinstance(found, Mapping) else None
