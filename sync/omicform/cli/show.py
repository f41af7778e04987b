"""`omicform show`: a saved plan, or the state, for people or as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from omicform.cli.common import (
    config_option,
    console,
    detail_option,
    handles_errors,
    state_option,
    workspace,
)
from omicform.cli.formats import format_options, print_plan
from omicform.engine.workspace import load_plan
from omicform.errors import OmicformError
from omicform.model.render import printable


class NoState(OmicformError):
    """There is no state file (nor journal) where the command looked."""


@click.command("show")
@click.argument("plan_file", required=False, type=click.Path(path_type=Path))
@config_option
@state_option
@format_options
@detail_option
@handles_errors
def show_command(
    plan_file: Path | None,
    config: Path,
    state_path: Path | str | None,
    output_format: str,
    full: bool | None,
) -> None:
    """Show a saved plan, or (without PLAN) the current state.

    \b
    Examples:
      omicform show plan.json
      omicform show --format markdown plan.json > plan.md
      omicform show --json | jq '.resources[].address'
    """
    if plan_file is not None:
        print_plan(load_plan(plan_file), output_format, full=full)
        return
    as_json = output_format == "json"  # the state has a text and a JSON form
    store = workspace(config, state_path).store()
    if not store.exists():
        # Loading would make up a fresh lineage for a state that does not exist. "Nothing"
        # is an answer for people (exit 0); a script asking for JSON gets an error instead.
        where = f"{store.describe()} does not exist yet (`omicform apply` creates it)"
        if as_json:
            raise NoState(f"no state: {where}", hint="-f or --state point at another.")
        console().print(f"No state: {printable(store.describe())} does not exist yet.")
        console().print("`omicform apply` creates it; -f or --state point at another.")
        return
    state = store.load()
    if as_json:
        sys.stdout.write(json.dumps(state.to_json(), indent=2) + "\n")
        return
    out = console()
    out.print(f"lineage {state.lineage}, serial {state.serial}, {len(state.resources)} object(s)")
    for address in sorted(state.resources):
        out.print(f"  {printable(address)}", markup=False)
