"""The `omicform` command line: one small module per command, no logic of its own.

Commands are imported only when run (or listed), so `omicform sandbox` does not pay for
the planner's imports and `omicform plan` does not pay for the sandbox's.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

EXIT_ERROR, EXIT_INTERRUPTED = 1, 130  # as cli.common and cli.interrupt, without importing them

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


def without_httpx_cli() -> None:
    """Keeps httpx from importing its own command line, before a command imports httpx.

    httpx's package imports httpx._main (click, rich's progress bars, tables and syntax
    highlighting, pygments) whenever those are installed, as omicform's are, and omicform
    never runs it: about a quarter of httpx's import time. A None in sys.modules makes that
    import fail (the import system raises ModuleNotFoundError), and httpx goes without its
    command line (httpx/__init__.py catches the ImportError). Only omicform's command line does
    this, never the library, and never once httpx is imported.
    """
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        without_httpx_cli()
        # `__import__` rather than importlib.import_module: `python -X importtime` reports it.
        command = getattr(__import__(module, fromlist=[attr]), attr)
        assert isinstance(command, click.Command)
        return command

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Exit codes people can script on: 0 ok, 1 any error (usage errors too), 2 only
        for changes under --detailed-exitcode, 130 interrupted.

        Click's own usage errors exit 2, which a CI step reading "2 = changes" would take
        for success on a mistyped flag; they exit 1 here, with click's message.
        """
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            returned = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except click.Abort:  # Ctrl-C outside apply's brake: while reading, or at a prompt
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(returned if isinstance(returned, int) else 0)  # an int: click's Exit code


def print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`--version`, as click's version_option prints it."""
    if not value or ctx.resilient_parsing:
        return
    from omicform import __version__

    click.echo(f"omicform, version {__version__}")
    ctx.exit()


# `-help` as Terraform spells it; subcommands inherit the names (as they do `-out=FILE`).
@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help", "-help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Declarative plan/apply for the NMDC Runtime API and the NeMO Archive.

    \b
    Example:
      omicform init && omicform validate && omicform plan
    """
