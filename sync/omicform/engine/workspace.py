"""One run's files: the desired-state file(s), the state file, and the glue between stages.

This is the whole orchestrator, kept small on purpose: desired -> refresh -> plan, and
plan -> apply. Knowledge of kinds lives in the stages, not here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from omicform.connections import Connections
from omicform.desired.load import DEFAULT_FILE
from omicform.desired.model import DesiredState
from omicform.engine.desired import load_desired
from omicform.engine.moves import apply_moves
from omicform.engine.planner import make_plan
from omicform.engine.preflight import preflight
from omicform.engine.refresh import refresh
from omicform.engine.registry import decode_detail
from omicform.errors import ConfigError
from omicform.model.plan import Plan
from omicform.state.backends import StateBackend, open_state
from omicform.state.model import State
from omicform.state.store import default_pin_path, default_state_path


@dataclass(frozen=True)
class Workspace:
    """A desired-state file (or folder) and where its state is kept."""

    config: Path = Path(DEFAULT_FILE)
    state_path: Path | str | None = None  # --state: a file, or a postgresql:// URL

    def desired(self) -> DesiredState:
        return load_desired(self.config)

    def store(self, desired: DesiredState | None = None) -> StateBackend:
        """The state, with this config's lineage pin beside the config wherever state lives.

        `--state` wins; then the config's `state:` (a PostgreSQL URL from the variable it
        names); then the file beside the config. The config is read for `state:` even when
        the caller has no use for the rest of it, so that no command quietly acts on a local
        file while the team's state is in the database.
        """
        if desired is None and self.config.exists():
            desired = self.desired()
        root = desired.root if desired is not None else _root_of(self.config)
        pin = default_pin_path(root)
        settings = desired.state if desired is not None else None
        name = settings.name if settings is not None else "default"
        if self.state_path is not None:
            return open_state(self.state_path, name=name, pin=pin)
        if settings is not None:
            url = os.environ.get(settings.url_env, "")
            if not url:
                raise ConfigError(
                    f"{settings.url_env} is not set, and this config keeps its state in PostgreSQL",
                    field="state.url_env",
                    hint=f"export {settings.url_env}=postgresql://USER:PASSWORD@HOST/DATABASE",
                )
            return open_state(url, name=name, pin=pin)
        return open_state(default_state_path(root), pin=pin)

    def plan(
        self,
        connections: Connections,
        *,
        desired: DesiredState | None = None,
        state: State | None = None,
        targets: Collection[str] | None = None,
        refresh_only: bool = False,
    ) -> tuple[DesiredState, State, Plan]:
        """Plans `desired` against `state` (each read here unless the caller has it: apply
        loads the state under its lock, and plan has opened the store already)."""
        desired = desired if desired is not None else self.desired()
        if state is None:
            store = self.store(desired)
            try:
                state = store.load()
            finally:
                store.close()
        moved, _ = apply_moves(state, desired.moved)  # `moved:`: ids resolve under new names
        files = preflight(desired, moved.minted())  # every local check before any request
        snapshot = refresh(desired, moved, connections, files=files)
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
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ConfigError(
            f"not an omicform plan file ({exc})",
            file=str(path),
            hint="Save plans with `omicform plan -out FILE`.",
        ) from None
