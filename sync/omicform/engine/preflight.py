"""Every local check, run before the first request: bad input never reaches a service.

`preflight` (plan, apply) stops at the first problem; `collect_local` (validate) reports
every one. Both ask each kind to check its items, so both run the same checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from omicform.desired.model import DesiredState
from omicform.desired.problems import Problems
from omicform.engine.registry import KINDS
from omicform.kinds.base import CheckContext, LocalFiles


def preflight(desired: DesiredState, minted: Mapping[str, Sequence[str]]) -> LocalFiles:
    """Reads and checks every file the desired state names; raises on the first problem."""
    ctx = CheckContext(desired, minted)
    for kind in KINDS:
        kind.check(kind.declared(desired), ctx)
    return ctx.files


def collect_local(
    desired: DesiredState,
    minted: Mapping[str, Sequence[str]],
    problems: Problems,
    warnings: Problems,
) -> None:
    """The same checks as `preflight`, adding every problem (and warning) found."""
    ctx = CheckContext(desired, minted, problems=problems, warnings=warnings)
    for kind in KINDS:
        kind.check(kind.declared(desired), ctx)
