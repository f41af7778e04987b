"""`omicform force-unlock`: remove a state lock left by a run that is gone."""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import config_option, console, handles_errors, state_option, workspace
from omicform.state.lock import force_unlock


@click.command("force-unlock")
@config_option
@state_option
@handles_errors
def force_unlock_command(config: Path, state_path: Path | None) -> None:
    """Remove the state lock, whoever holds it. Only when you know that run is gone.

    \b
    Example:
      omicform force-unlock -f omicform.yaml
    """
    holder = force_unlock(workspace(config, state_path).store().path)
    if holder is None:
        console().print("The state was not locked.")
    else:
        console().print(
            f"Removed the lock held by `omicform {holder.get('operation')}` "
            f"(pid {holder.get('pid')} on {holder.get('host')})."
        )
