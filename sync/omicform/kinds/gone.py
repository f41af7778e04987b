"""The error for an object state records that the service no longer has (any kind)."""

from __future__ import annotations

from omicform.errors import PlanError


def gone(address: str, what: str) -> PlanError:
    return PlanError(
        f"{what}, recorded in state, no longer exists on the service",
        field=address,
        hint=(
            f"If it was removed on purpose (or the service was reset), "
            f"`omicform state forget {address}` drops it from state and the next plan "
            "submits again. Check the service URL first if you did not expect this."
        ),
    )
