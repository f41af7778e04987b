"""`omicform validate`: every offline check, no credentials, nothing sent."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from omicform.checks.nemo_manifest import check_manifest
from omicform.checks.preflight import issue_line, metadata_problems
from omicform.cli.common import EXIT_ERROR, config_option, console, handles_errors
from omicform.desired.documents import read_metadata
from omicform.desired.load import load_desired


@click.command("validate")
@config_option
@handles_errors
def validate_command(config: Path) -> None:
    """Check the desired state offline: syntax, fields, references, manifests, metadata.

    \b
    Example:
      omicform validate -f omicform.yaml
    """
    desired = load_desired(config)
    out = console()
    problems = 0
    for item in desired.metadata:
        document = read_metadata(item, desired, {})
        for problem in metadata_problems(document, desired, {}):
            line = issue_line(item.path, document, problem)
            out.print(Text.assemble(("error", "red"), f" {item.path}:{line}: {problem}"))
            problems += 1
    for manifest in desired.manifests:
        report = check_manifest(
            manifest.path.read_bytes(), file_name=manifest.path.name, strict=manifest.strict
        )
        for issue in report.issues:
            style = "red" if issue.severity == "error" else "yellow"
            where = issue.location(str(manifest.path))
            out.print(Text.assemble((issue.severity, style), f" {where}: {issue.message}"))
            problems += issue.severity == "error"
    if problems:
        out.print(f"\n[bold red]{problems} problem(s) found.[/]")
        raise SystemExit(EXIT_ERROR)
    counts = {
        "objects": len(desired.objects),
        "identifier batches": len(desired.identifiers),
        "metadata submissions": len(desired.metadata),
        "manifests": len(desired.manifests),
    }
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    out.print(f"[bold green]Success![/] The configuration is valid ({summary}).")
