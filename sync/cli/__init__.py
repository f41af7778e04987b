"""The `omicform` command line: one small module per command, no logic of its own."""

from __future__ import annotations

import click

from omicform import __version__
from omicform.cli.adopt import dump_command, import_command
from omicform.cli.apply import apply_command
from omicform.cli.init import init_command
from omicform.cli.plan import plan_command
from omicform.cli.sandbox import sandbox
from omicform.cli.show import show_command
from omicform.cli.state import state_group
from omicform.cli.status import status_command
from omicform.cli.unlock import force_unlock_command
from omicform.cli.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omicform")
def main() -> None:
    """Declarative plan/apply for the NMDC Runtime API and the NeMO Archive.

    \b
    Example:
      omicform init && omicform validate && omicform plan
    """


for command in (
    init_command,
    validate_command,
    plan_command,
    apply_command,
    show_command,
    status_command,
    import_command,
    dump_command,
    state_group,
    force_unlock_command,
    sandbox,
):
    main.add_command(command)
