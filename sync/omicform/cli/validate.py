"""`omicform validate`: every offline check, no credentials, nothing sent.

It runs the same checks as plan does before its first request, but reports every problem
(up to a bound) rather than the first, one per line as `file:line: field: message`.
`--remote` then asks the services too, creating nothing (`validate_remote.py`).
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from omicform.checks.projects import undeclared_projects
from omicform.cli.common import (
    EXIT_ERROR,
    config_option,
    console,
    handles_errors,
    state_option,
)
from omicform.cli.validate_remote import remote_checks
from omicform.desired.model import DesiredObject
from omicform.desired.problems import Problems
from omicform.engine.desired import collect_desired
from omicform.engine.preflight import collect_local
from omicform.engine.workspace import Workspace


@click.command("validate")
@config_option
@state_option
@click.option(
    "--remote",
    is_flag=True,
    help="Also NMDC's json:validate and a NeMO dry run per manifest to submit (creates "
    "nothing; needs NeMO credentials).",
)
@handles_errors
def validate_command(config: Path, state_path: Path | str | None, remote: bool) -> None:
    """Check the desired state offline: syntax, fields, references, manifests, metadata.

    With --remote, also the services' own checks, creating nothing: NMDC's json:validate
    of every metadata document, and a NeMO dry run of every manifest a plan would submit
    (NeMO mails its result; dry runs never appear in history).

    \b
    Examples:
      omicform validate -f omicform.yaml
      omicform validate --remote
    """
    problems, warnings = Problems(), Problems()
    desired = collect_desired(config, problems)
    collect_local(desired, {}, problems, warnings)
    for warning in undeclared_projects(desired):
        warnings.add(warning)
    err = console(stderr=True)
    if remote and not problems:
        ws = Workspace(config=config, state_path=state_path)
        remote_checks(ws, desired, problems, console())
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
