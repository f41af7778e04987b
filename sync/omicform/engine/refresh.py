"""Refresh: one pass over the services for everything the plan needs to know.

Each kind reads its own items in batches (never one request per object where a list will
do); then each kind has the service verify what would be sent. It never names a kind.
"""

from __future__ import annotations

from collections.abc import Collection

from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.engine.collector import collector_paused
from omicform.engine.registry import KINDS
from omicform.kinds.base import PAGE_SIZE, LocalFiles, ReadContext
from omicform.model.snapshot import Snapshot
from omicform.state.model import State


@collector_paused
def refresh(
    desired: DesiredState,
    state: State,
    connections: Connections,
    *,
    only: Collection[str] | None = None,
    page_size: int = PAGE_SIZE,
    files: LocalFiles | None = None,
) -> Snapshot:
    """Reads the remote objects behind `desired` (and `state`), limited to `only` if given.

    Without `files` (a saved plan's freshness check) nothing is verified.
    """
    wanted = set(only) if only is not None else None
    ctx = ReadContext(desired, state, connections, Snapshot(), files, wanted, page_size)
    for kind in KINDS:
        kind.read(kind.declared(desired), ctx)
    for kind in KINDS:
        kind.verify(kind.declared(desired), ctx)
    return ctx.snapshot
