"""One run's files: the desired-state file(s), the state file, and the glue between stages.

This is the whole orchestrator, kept small on purpose: desired -> refresh -> plan, and
plan -> apply. Knowledge of kinds lives in the stages, not here.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from omicform.connections import Connections
from omicform.desired.load import DEFAULT_FILE
from omicform.desired.model import DesiredState
from omicform.engine.desired import load_desired
from omicform.engine.planner import make_plan
from omicform.engine.preflight import preflight
from omicform.engine.refresh import refresh
from omicform.engine.registry import decode_detail
from omicform.errors import ConfigError
from omicform.model.plan import Plan
from omicform.state.model import State
from omicform.state.store import StateStore, default_pin_path, default_state_path


@dataclass(frozen=True)
class Workspace:
    config: Path = Path(DEFAULT_FILE)
    state_path: Path | None = None

    def desired(self) -> DesiredState:
        return load_desired(self.config)

    def store(self, desired: DesiredState | None = None) -> StateStore:
        """The state, with this config's lineage pin beside the config wherever state lives."""
        root = desired.root if desired is not None else _root_of(self.config)
        path = self.state_path if self.state_path is not None else default_state_path(root)
        return StateStore(path, pin=default_pin_path(root))

    def plan(
        self,
        connections: Connections,
        *,
        desired: DesiredState | None = None,
        targets: Collection[str] | None = None,
        refresh_only: bool = False,
    ) -> tuple[DesiredState, State, Plan]:
        """Plans `desired` (read from the files unless the caller already has it)."""
        desired = desired if desired is not None else self.desired()
        state = self.store(desired).load()
        files = preflight(desired, state.minted())  # every local check before any request
        snapshot = refresh(desired, state, connections, files=files)
        plan = make_plan(
            desired, state, snapshot, files=files, targets=targets, refresh_only=refresh_only
        )
        return desired, state, plan


def _root_of(config: Path) -> Path:
    return config if config.is_dir() else config.parent


def save_plan(plan: Plan, path: Path) -> None:
    path.write_text(json.dumps(plan.to_json(), indent=2) + "\n", encoding="utf-8")


def load_plan(path: Path) -> Plan:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Plan.from_json(data, decode_detail)
    except FileNotFoundError:
        raise ConfigError("no such plan file", file=str(path)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"not an omicform plan file ({exc})",
            file=str(path),
            hint="Save plans with `omicform plan -out FILE`.",
        ) from None
