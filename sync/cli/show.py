"""`omicform show`: a saved plan, or the state, for people or as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from omicform.cli.common import config_option, console, handles_errors, state_option, workspace
from omicform.plan.render import render_plan
from omicform.workspace import load_plan


@click.command("show")
@click.argument("plan_file", required=False, type=click.Path(path_type=Path))
@config_option
@state_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@handles_errors
def show_command(
    plan_file: Path | None, config: Path, state_path: Path | None, as_json: bool
) -> None:
    """Show a saved plan, or (without PLAN) the current state.

    \b
    Examples:
      omicform show plan.json
      omicform show --json | jq '.resources[].address'
    """
    if plan_file is not None:
        plan = load_plan(plan_file)
        if as_json:
            sys.stdout.write(json.dumps(plan.to_json(), indent=2) + "\n")
        else:
            console().print(render_plan(plan), end="")
        return
    state = workspace(config, state_path).store().load()
    if as_json:
        sys.stdout.write(json.dumps(state.to_json(), indent=2) + "\n")
        return
    out = console()
    out.print(f"lineage {state.lineage}, serial {state.serial}, {len(state.resources)} object(s)")
    for address in sorted(state.resources):
        out.print(f"  {address}", markup=False)
