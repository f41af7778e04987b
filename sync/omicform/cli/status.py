"""`omicform status`: the progress of every submission omicform made."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

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
from omicform.model.render import printable
from omicform.services.nemo import STEP_NAMES, Submission
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
            if resource.kind == "nemo_manifests" and resource.submission:
                found = connections.nemo.get_submission(str(resource.submission["id"]))
                table = _steps_table(resource.address, found)
                out.print(table)
                shown += 1
            elif resource.kind == "metadata_submissions" and resource.run:
                run_id = resource.run.get("id")
                status = resource.run.get("status")
                if run_id and status not in ("COMPLETE", "FAIL"):
                    status = connections.nmdc.get_run(str(run_id)).status
                run = printable(str(run_id)) if run_id else "(identical content)"
                out.print(
                    f"{printable(resource.address)}: NMDC run {run} {printable(str(status))}",
                    markup=False,
                )
                shown += 1
    if not shown:
        out.print("No submissions in state yet.")
    _ = desired


UNBOUNDED = 10_000  # columns: wide enough that no table is cut or wrapped


def _steps_table(address: str, found: Submission) -> Table:
    """Six rows; on a terminal the message column wraps so the table fits, dates never."""
    table = Table(
        title=Text(
            f"{printable(address)}: NeMO submission {printable(found.id)} "
            f"({printable(found.state)})"
        )
    )
    table.add_column("step", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("message", overflow="fold")
    done = {s.name: s for s in found.steps}
    for name in STEP_NAMES:
        step = done.get(name)
        if step is None:
            waiting = ("in progress", "blue") if name == found.next_step else ("waiting", "dim")
            table.add_row(name, Text(*waiting), "", "")
        else:
            result = Text("ok", "green") if step.success else Text("failed", "red")
            table.add_row(
                name, result, Text(printable(step.date or "")), Text(printable(step.msg or ""))
            )
    return table
