"""The desired state: what the user's YAML files say should exist (the file format; each
kind loads its own section: `omicform.engine.desired.load_desired` reads a configuration)."""

from omicform.desired.model import (
    DesiredObject,
    DesiredState,
    ServiceConfig,
)

__all__ = [
    "DesiredObject",
    "DesiredState",
    "ServiceConfig",
]
