"""The desired state, loaded with the registry's kinds: each top-level section of the file
is handed to the kind of that name (`Kind.load`); the file format itself is `desired/`.

This is the public way to read a configuration: `load_desired(path)`.
"""

from __future__ import annotations

from pathlib import Path

from omicform.desired import load as _load
from omicform.desired.load import DEFAULT_FILE
from omicform.desired.model import DesiredState
from omicform.desired.problems import Problems
from omicform.engine.collector import collector_paused
from omicform.engine.registry import KINDS

__all__ = ["DEFAULT_FILE", "collect_desired", "load_desired"]


@collector_paused
def load_desired(target: Path | str = DEFAULT_FILE) -> DesiredState:
    """Loads and checks the desired state; raises the first problem (counting the others)."""
    return _load.load_desired(target, KINDS)


@collector_paused
def collect_desired(target: Path | str, problems: Problems) -> DesiredState:
    """Loads what can be loaded, adding every problem found to `problems` (`validate`)."""
    return _load.collect_desired(target, problems, KINDS)
