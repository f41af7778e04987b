"""Renames in state, without touching anything remote: `moved:` in the file (planned as a
`move` change, carried out by apply) and `omicform state mv OLD NEW` (at once).

A move applies while state holds OLD and not NEW; planning sees state as it will be after
the move, so NEW's minted ids, content hashes and fields are OLD's: nothing is minted or
submitted again, and `${identifiers.NEW[i]}` resolves to the moved ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from omicform.desired.model import Move
from omicform.kinds.base import Outcome, Recorder
from omicform.model.plan import Action, Change
from omicform.state.model import ResourceState, State


def renamed(resource: ResourceState, target: str) -> ResourceState:
    kind, key = target.split(".", 1)
    return replace(resource, address=target, kind=kind, key=key)


def apply_moves(state: State, moves: Sequence[Move]) -> tuple[State, list[Change]]:
    """State as it is after the moves that still apply, and one `move` change each."""
    changes: list[Change] = []
    for move in moves:
        old = state.get(move.source)
        if old is None or state.get(move.target) is not None:
            continue  # moved already (or never recorded): nothing to do
        state = state.without(move.source).with_resource(renamed(old, move.target))
        changes.append(
            Change(
                address=move.source,
                kind=old.kind,
                key=old.key,
                action=Action.MOVE,
                reason=f"moved to {move.target} ({move.origin}): state only",
                after={"moved_to": move.target},
            )
        )
    return state, changes


def carry_out_move(change: Change, recorder: Recorder) -> Outcome:
    """Apply's half of a `move`: state's record of OLD becomes NEW's."""
    target = str((change.after or {}).get("moved_to", ""))
    old = recorder.get(change.address)
    if old is not None and recorder.get(target) is None:
        recorder.put(renamed(old, target))
    recorder.remove(change.address)
    return Outcome(change.address, "move", "done", f"now {target} in state")
