"""Refusing a saved plan that no longer describes the world."""

from __future__ import annotations

from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.errors import OmicformError
from omicform.plan.model import Plan
from omicform.refresh.reader import refresh
from omicform.state.model import State


class StalePlan(OmicformError):
    default_hint = "Run `omicform plan` again and review the new plan."


def check_fresh(plan: Plan, desired: DesiredState, state: State, connections: Connections) -> None:
    """Raises StalePlan if the state moved on or any object the plan read has changed since."""
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
