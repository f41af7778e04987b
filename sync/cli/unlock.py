"""`omicform force-unlock`: remove a state lock left by a run that is gone."""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import console, handles_errors
from omicform.state.lock import force_unlock
from omicform.state.store import default_state_path


@click.command("force-unlock")
@click.option(
    "--state", "state_path", type=click.Path(path_type=Path), default=None, help="State file."
)
@handles_errors
def force_unlock_command(state_path: Path | None) -> None:
    """Remove the state lock, whoever holds it. Only when you know that run is gone.

    \b
    Example:
      omicform force-unlock --state omicform.state.json
    """
    holder = force_unlock(state_path or default_state_path(Path(".")))
    if holder is None:
        console().print("The state was not locked.")
    else:
        console().print(
            f"Removed the lock held by `omicform {holder.get('operation')}` "
            f"(pid {holder.get('pid')} on {holder.get('host')})."
        )
