"""`omicform status`: the progress of every submission omicform made."""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import (
    cassette_options,
    config_option,
    console,
    handles_errors,
    setup_logging,
    state_option,
    verbose_option,
    workspace,
)
from omicform.connections import Connections
from omicform.engine.registry import kind_named
from omicform.services.recording import recording


@click.command("status")
@config_option
@state_option
@cassette_options
@verbose_option
@handles_errors
def status_command(
    config: Path, state_path: Path | None, record: Path | None, replay: Path | None, verbose: int
) -> None:
    """Show NeMO submissions step by step, and NMDC metadata runs.

    \b
    Example:
      omicform status
    """
    setup_logging(verbose)
    ws = workspace(config, state_path)
    desired = ws.desired()
    state = ws.store(desired).load()
    out = console()
    if not out.is_terminal:
        out.width = UNBOUNDED  # a CI log keeps whole dates and messages; no terminal to fit
    shown = 0
    with (
        recording(record, replay),
        Connections(desired.services, replaying=replay is not None) as connections,
    ):
        for resource in sorted(state.resources.values(), key=lambda r: r.address):
            kind = kind_named(resource.kind)
            shown_now = kind.status(resource, connections) if kind is not None else None
            if shown_now is not None:
                out.print(shown_now, markup=False)
                shown += 1
    if not shown:
        out.print("No submissions in state yet.")
    _ = desired


UNBOUNDED = 10_000  # columns: wide enough that no table is cut or wrapped
