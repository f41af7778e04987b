"""The `omicform` command line: one small module per command, no logic of its own."""

from __future__ import annotations

import click

from omicform import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omicform")
def main() -> None:
    """Declarative plan/apply for the NMDC Runtime API and the NeMO Archive.

    \b
    Example:
      omicform plan -f omicform.yaml
    """


def _register() -> None:
    # Imported here so each command module can import `main`-free helpers without cycles.
    from omicform.cli.sandbox import sandbox

    main.add_command(sandbox)


_register()
