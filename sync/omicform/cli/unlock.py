"""`omicform force-unlock`: remove a state lock left by a run that is gone."""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import (
    config_option,
    console,
    handles_errors,
    is_interactive,
    state_option,
    workspace,
)
from omicform.errors import ConfigError
from omicform.state.lock import live_local_holder
from omicform.state.store import StateStore


@click.command("force-unlock")
@config_option
@state_option
@click.option(
    "--force", is_flag=True, help="Remove the lock even though its holder is still running here."
)
@click.option("--yes", is_flag=True, help="With --force: do not ask for confirmation.")
@handles_errors
def force_unlock_command(
    config: Path, state_path: Path | str | None, force: bool, yes: bool
) -> None:
    """Remove the state lock left by a run that is gone.

    A lock whose holder is still running on this host is refused: two applies at once can
    post the same NeMO manifest twice. A lock taken on another host cannot be checked from
    here; remove it only when you know that run has ended.

    \b
    Examples:
      omicform force-unlock -f omicform.yaml
      omicform force-unlock --force   # the holder is alive, and you are sure (asks first)
    """
    store = workspace(config, state_path).store()
    holder = store.holder()
    # A PostgreSQL lock exists only while its holder's session is open: any holder is alive.
    alive = holder is not None and (not isinstance(store, StateStore) or live_local_holder(holder))
    if force and alive:
        _confirm(yes)
    holder = store.force_unlock(force=force)
    if holder is None:
        console().print("The state was not locked.")
    else:
        console().print(
            f"Removed the lock held by `omicform {holder.get('operation')}` "
            f"(pid {holder.get('pid')} on {holder.get('host')})."
        )


def _confirm(yes: bool) -> None:
    if yes:
        return
    if not is_interactive():
        raise ConfigError(
            "the lock's holder is still running, and there is no terminal to confirm on",
            field="--force",
            hint="Pass --yes as well, only if you are sure that run must not finish.",
        )
    if not click.confirm(
        "The holder is still running. Removing its lock lets two runs write at once. Remove it?",
        default=False,
    ):
        raise ConfigError("the lock was kept", field="--force", hint="Nothing was changed.")
