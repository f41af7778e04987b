"""The loud warning when `plan` or `apply` finds no state: a plan without state treats every
object as new, so apply would mint new identifiers and submit everything again.

Without a lineage pin this is only a warning (a first run has no state, rightly). With a
pin (`omicform.lineage`) but no state, loading the state is already an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from omicform.cli.common import write
from omicform.model.styled import Styled

if TYPE_CHECKING:
    from omicform.state.backends import StateBackend


def missing_state_warning(store: StateBackend, env: Mapping[str, str] | None = None) -> str:
    """The warning to show, or "" when there is state (or a pin, which makes it an error)."""
    if store.exists() or store.pinned_lineage() is not None:
        return ""
    lines = [
        f"no state found: {store.describe()} does not exist, and there is no omicform.lineage "
        "beside the config.",
        "A plan without state treats every object as new: apply would mint new identifiers "
        "and submit everything again. This is right only for a first apply.",
    ]
    if (os.environ if env is None else env).get("CI", ""):
        lines.append(
            "In CI: commit omicform.state.json and omicform.lineage after every apply, and "
            "check out the branch that holds them (actions/checkout of the pushed branch); "
            "or keep the state in PostgreSQL (`state: {url_env: OMICFORM_STATE_URL}`, "
            "docs/state.md)."
        )
    return "\n  ".join(lines)


def warn_if_no_state(store: StateBackend) -> str:
    """Prints the warning on stderr when there is no state (see `missing_state_warning`),
    and returns it ("" when there is state)."""
    warning = missing_state_warning(store)
    if warning:
        write(Styled("Warning: ", "bold yellow").append(warning), stderr=True)
    return warning
