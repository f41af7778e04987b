"""Refusing a saved plan that no longer describes the world."""

from __future__ import annotations

from dataclasses import replace

from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.engine.refresh import refresh
from omicform.errors import OmicformError
from omicform.model.plan import Plan
from omicform.state.model import State


class StalePlan(OmicformError):
    default_hint = "Run `omicform plan` again and review the new plan."


def check_fresh(plan: Plan, desired: DesiredState, state: State, connections: Connections) -> State:
    """The state to apply `plan` to; StalePlan if the state or any object it read changed.

    A state never written has no lineage of its own yet: it takes the plan's.
    """
    if state.serial == 0 and plan.serial == 0 and not state.resources:
        state = replace(state, lineage=plan.lineage)
    if plan.lineage != state.lineage:
        raise StalePlan(
            f"the plan was made for state lineage {plan.lineage}, but the state is {state.lineage}"
        )
    if plan.serial != state.serial:
        raise StalePlan(
            f"the state changed since the plan was made (serial {plan.serial} -> {state.serial})"
        )
    snapshot = refresh(desired, state, connections, only=set(plan.fingerprints))
    now = snapshot.fingerprints()
    changed = sorted(a for a, fp in plan.fingerprints.items() if now.get(a, fp) != fp)
    if changed:
        listed = ", ".join(changed[:10]) + (
            f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        )
        raise StalePlan(f"the plan is stale: changed on the server since it was made: {listed}")
    return state
