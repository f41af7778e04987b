"""`omicform sandbox`: serve local stand-ins for both services (placeholder until built)."""

from __future__ import annotations

import click


@click.command()
def sandbox() -> None:
    """Serve both services on 127.0.0.1 for trying omicform without credentials."""
    raise click.ClickException("the sandbox is not built yet")
