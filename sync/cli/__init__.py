"""The `omicform` command line: one small module per command, no logic of its own.

Commands are imported only when run (or listed), so `omicform sandbox` does not pay for
the planner's imports and `omicform plan` does not pay for the sandbox's.
"""

from __future__ import annotations

import importlib

import click

from omicform import __version__

COMMANDS = {
    "init": "omicform.cli.init:init_command",
    "validate": "omicform.cli.validate:validate_command",
    "plan": "omicform.cli.plan:plan_command",
    "apply": "omicform.cli.apply:apply_command",
    "show": "omicform.cli.show:show_command",
    "status": "omicform.cli.status:status_command",
    "import": "omicform.cli.adopt:import_command",
    "dump": "omicform.cli.adopt:dump_command",
    "state": "omicform.cli.state:state_group",
    "force-unlock": "omicform.cli.unlock:force_unlock_command",
    "sandbox": "omicform.cli.sandbox:sandbox",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omicform")
def main() -> None:
    """Declarative plan/apply for the NMDC Runtime API and the NeMO Archive.

    \b
    Example:
      omicform init && omicform validate && omicform plan
    """
