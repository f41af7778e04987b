"""omicform: declarative plan/apply for the NMDC Runtime API and the NeMO Archive.

The public Python API is what `__all__` names; everything else may change between
releases. A plan, apply and plan again, as the command line does it::

    from omicform import ApplyOptions, Connections, Workspace, apply_plan

    ws = Workspace(config=Path("omicform.yaml"))
    desired = ws.desired()
    with Connections(desired.services) as connections:
        _, state, plan = ws.plan(connections, desired=desired)
        result = apply_plan(plan, state, ws.store(desired), connections, ApplyOptions())

Records computed in Python (a list of dicts per table) become a desired state with
`workspace_from_records(root, document=..., tables=...)`.

Every error a user can meet is an `OmicformError`. `run_sandbox()` serves a local stand-in
for both services, for trying omicform and for tests.

Every name is imported on first use, so `omicform --version` does not pay for the planner
or the service clients. `__version__` is written here, the one place the version is kept
(pyproject.toml reads it), so that knowing it imports nothing: importlib.metadata costs a
plan about 10 ms of start-up (issue #14).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from omicform.connections import Connections
    from omicform.engine.executor import ApplyOptions, ApplyResult, apply_plan
    from omicform.engine.freshness import StalePlan
    from omicform.engine.records import workspace_from_records
    from omicform.engine.workspace import Workspace, load_plan, save_plan
    from omicform.errors import (
        AlreadyExists,
        AuthenticationFailed,
        ConfigError,
        MissingCredentials,
        NotFound,
        OmicformError,
        OutcomeUnknown,
        PermissionDenied,
        PlanError,
        RateLimited,
        RequestRejected,
        ServerFailed,
        ServiceError,
        ServiceUnreachable,
        WrongAddress,
    )
    from omicform.model.plan import Change, Plan
    from omicform.sandbox import Sandbox, SandboxOptions, run_sandbox
    from omicform.state.lock import StateLocked
    from omicform.state.model import State
    from omicform.state.store import LineageMismatch, StateWriteFailed

# Each lazily imported public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "Connections": "omicform.connections",
    "ApplyOptions": "omicform.engine.executor",
    "ApplyResult": "omicform.engine.executor",
    "apply_plan": "omicform.engine.executor",
    "StalePlan": "omicform.engine.freshness",
    "workspace_from_records": "omicform.engine.records",
    "Workspace": "omicform.engine.workspace",
    "load_plan": "omicform.engine.workspace",
    "save_plan": "omicform.engine.workspace",
    "Change": "omicform.model.plan",
    "Plan": "omicform.model.plan",
    "State": "omicform.state.model",
    "StateLocked": "omicform.state.lock",
    "LineageMismatch": "omicform.state.store",
    "StateWriteFailed": "omicform.state.store",
    "Sandbox": "omicform.sandbox",
    "SandboxOptions": "omicform.sandbox",
    "run_sandbox": "omicform.sandbox",
    **dict.fromkeys(
        [
            "OmicformError",
            "ConfigError",
            "PlanError",
            "MissingCredentials",
            "ServiceError",
            "AuthenticationFailed",
            "PermissionDenied",
            "NotFound",
            "WrongAddress",
            "AlreadyExists",
            "RequestRejected",
            "RateLimited",
            "ServerFailed",
            "ServiceUnreachable",
            "OutcomeUnknown",
        ],
        "omicform.errors",
    ),
}

__all__ = [
    "AlreadyExists",
    "ApplyOptions",
    "ApplyResult",
    "AuthenticationFailed",
    "Change",
    "ConfigError",
    "Connections",
    "LineageMismatch",
    "MissingCredentials",
    "NotFound",
    "OmicformError",
    "OutcomeUnknown",
    "PermissionDenied",
    "Plan",
    "PlanError",
    "RateLimited",
    "RequestRejected",
    "Sandbox",
    "SandboxOptions",
    "ServerFailed",
    "ServiceError",
    "ServiceUnreachable",
    "StalePlan",
    "State",
    "StateLocked",
    "StateWriteFailed",
    "Workspace",
    "WrongAddress",
    "__version__",
    "apply_plan",
    "load_plan",
    "run_sandbox",
    "save_plan",
    "workspace_from_records",
]


def __getattr__(name: str) -> Any:
    """Imports a public name on first use (PEP 562) and keeps it, so this runs once.

    `__import__` rather than importlib.import_module: `python -X importtime` reports it.
    """
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: Any = getattr(__import__(_LAZY[name], fromlist=[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
