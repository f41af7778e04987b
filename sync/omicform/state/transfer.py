"""Moving state between backends: `state pull` (database to file) and `state push` (file
to database), each under both backends' locks.

A copy keeps the lineage and serial it has, so a saved plan made against one backend still
applies against the other. Like Terraform's `state push`, it refuses to go backwards: a
destination of another lineage (another workspace's state), of a higher serial (newer than
what would replace it), or of the same serial with other content (a diverged history) is
left alone unless `force`. The source is read with the lineage pin checked, so a copy is
always of this config's state.
"""

from __future__ import annotations

from omicform.errors import ConfigError
from omicform.state.backends import StateBackend
from omicform.state.model import State
from omicform.state.store import LineageMismatch

FORCE_HINT = "If the destination is meant to be replaced, run the command again with --force."


class StateBehind(ConfigError):
    """The destination holds a newer (or diverged) state than the one offered to replace it."""


def pull(src: StateBackend, dst: StateBackend, *, force: bool = False, wait: float = 0.0) -> State:
    """Copies the shared state (`src`, a database) into a local file (`dst`)."""
    return transfer(src, dst, operation="state pull", force=force, wait=wait)


def push(src: StateBackend, dst: StateBackend, *, force: bool = False, wait: float = 0.0) -> State:
    """Copies a local state file (`src`) into the shared state (`dst`, a database)."""
    return transfer(src, dst, operation="state push", force=force, wait=wait)


def transfer(
    src: StateBackend, dst: StateBackend, *, operation: str, force: bool = False, wait: float = 0.0
) -> State:
    """Writes `src`'s state to `dst` with its lineage and serial; returns it."""
    if src.describe() == dst.describe():
        raise ConfigError(f"{src.describe()} is both the source and the destination")
    with src.lock(operation, wait), dst.lock(operation, wait):
        if not src.exists():
            raise ConfigError(
                f"nothing to copy: {src.describe()} does not exist",
                hint="Check the source (--from), and -f for the config it belongs to.",
            )
        state = src.load()
        if dst.exists() and not _refuse_or_same(state, dst.load(check_pin=False), src, dst, force):
            return state
        return dst.write(state)


def _refuse_or_same(
    state: State, current: State, src: StateBackend, dst: StateBackend, force: bool
) -> bool:
    """False when `dst` already holds `state`; raises when writing would lose history."""
    if current == state:
        return False
    if force:
        return True
    if current.lineage != state.lineage:
        raise LineageMismatch(
            f"{dst.describe()} is lineage {current.lineage}, and {src.describe()} is lineage "
            f"{state.lineage}: they are different workspaces' states",
            hint=FORCE_HINT,
        )
    if current.serial > state.serial:
        raise StateBehind(
            f"{dst.describe()} is at serial {current.serial}, newer than {src.describe()} at "
            f"serial {state.serial}: copying would lose what was written since",
            hint="Copy the other way, or " + FORCE_HINT[0].lower() + FORCE_HINT[1:],
        )
    if current.serial == state.serial:
        raise StateBehind(
            f"{dst.describe()} and {src.describe()} are both at serial {state.serial} but hold "
            "different objects: their histories have diverged",
            hint="Compare them with `omicform state list`. " + FORCE_HINT,
        )
    return True
