"""The desired state: what the user's YAML files say should exist."""

from omicform.desired.load import load_desired
from omicform.desired.model import (
    DesiredObject,
    DesiredState,
    IdentifierBatch,
    MetadataSubmission,
    NemoManifest,
    ServiceConfig,
)

__all__ = [
    "DesiredObject",
    "DesiredState",
    "IdentifierBatch",
    "MetadataSubmission",
    "NemoManifest",
    "ServiceConfig",
    "load_desired",
]
