"""`omicform status`: the progress of every submission omicform made."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from omicform.cassettes import recording
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
from omicform.services.nemo import STEP_NAMES


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
    shown = 0
    with (
        recording(record, replay),
        Connections(desired.services, replaying=replay is not None) as connections,
    ):
        for resource in sorted(state.resources.values(), key=lambda r: r.address):
            if resource.kind == "nemo_manifests" and resource.submission:
                found = connections.nemo.get_submission(str(resource.submission["id"]))
                table = Table(
                    title=f"{resource.address}: NeMO submission {found.id} ({found.state})"
                )
                for column in ("step", "result", "date", "message"):
                    table.add_column(column)
                done = {s.name: s for s in found.steps}
                for name in STEP_NAMES:
                    step = done.get(name)
                    if step is None:
                        current = name == found.next_step
                        table.add_row(
                            name, "[blue]in progress[/]" if current else "[dim]waiting[/]", "", ""
                        )
                    else:
                        result = "[green]ok[/]" if step.success else "[red]failed[/]"
                        table.add_row(name, result, step.date or "", step.msg or "")
                out.print(table)
                shown += 1
            elif resource.kind == "metadata_submissions" and resource.run:
                run_id = resource.run.get("id")
                status = resource.run.get("status")
                if run_id and status not in ("COMPLETE", "FAIL"):
                    status = connections.nmdc.get_run(str(run_id)).status
                out.print(
                    f"{resource.address}: NMDC run {run_id or '(identical content)'} {status}"
                )
                shown += 1
    if not shown:
        out.print("No submissions in state yet.")
    _ = desired
