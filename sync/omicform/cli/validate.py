"""`omicform validate`: every offline check, no credentials, nothing sent.

It runs the same checks as plan does before its first request, but reports every problem
(up to a bound) rather than the first, one per line as `file:line: field: message`.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from omicform.checks.projects import undeclared_projects
from omicform.cli.common import EXIT_ERROR, config_option, console, handles_errors
from omicform.desired.model import DesiredObject
from omicform.desired.problems import Problems
from omicform.engine.desired import collect_desired
from omicform.engine.preflight import collect_local


@click.command("validate")
@config_option
@handles_errors
def validate_command(config: Path) -> None:
    """Check the desired state offline: syntax, fields, references, manifests, metadata.

    \b
    Example:
      omicform validate -f omicform.yaml
    """
    problems, warnings = Problems(), Problems()
    desired = collect_desired(config, problems)
    collect_local(desired, {}, problems, warnings)
    for warning in undeclared_projects(desired):
        warnings.add(warning)
    err = console(stderr=True)
    _report(err, warnings, "warning", "yellow")
    _report(err, problems, "error", "red")
    if problems:
        err.print(f"\n[bold red]{problems.count} problem(s) found.[/]")
        raise SystemExit(EXIT_ERROR)
    counts = {
        "objects": sum(
            isinstance(i, DesiredObject) for items in desired.sections.values() for i in items
        ),
        "identifier batches": len(desired.of("identifiers")),
        "metadata submissions": len(desired.of("metadata_submissions")),
        "manifests": len(desired.of("nemo_manifests")),
    }
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    if warnings:
        console().print(f"[bold yellow]Valid, with {warnings.count} warning(s).[/] ({summary}).")
        return
    console().print(f"[bold green]Success![/] The configuration is valid ({summary}).")


def _report(out: Console, problems: Problems, label: str, style: str) -> None:
    """Each as `file:line: field: message`; a hint only when it differs from the last one."""
    last_hint = ""
    for problem in problems.kept:
        if label == "error":
            out.print(Text(problem.message, style=style))
        else:
            out.print(Text.assemble((f"{label}: ", style), problem.message))
        if problem.hint and problem.hint != last_hint:
            out.print(Text.assemble(("  hint: ", "dim"), problem.hint))
        last_hint = problem.hint
    if problems.hidden:
        out.print(f"... and {problems.hidden} more {label}(s) not shown.")
