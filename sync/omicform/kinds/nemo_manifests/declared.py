"""A manifest as declared in a desired-state file (`nemo_manifests:`); its state record is
`record.ManifestRecord`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omicform.desired.model import Origin
from omicform.kinds.nemo_manifests.record import NAME


@dataclass(frozen=True)
class NemoManifest:
    """A NeMO manifest TSV to submit, checked locally first."""

    name: str
    path: Path
    origin: Origin
    strict: bool = False
    # The webhook document sent with the submission, checked; it names the variable that
    # holds its credential (auth_details_env), never the credential itself.
    notification: Mapping[str, Any] | None = None

    @property
    def address(self) -> str:
        return f"{NAME}.{self.name}"
