"""`omicform plan`: show what apply would change."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from omicform.cli.common import (
    EXIT_CHANGES,
    EXIT_OK,
    cassette,
    cassette_options,
    config_option,
    detail_option,
    handles_errors,
    refreshing,
    setup_logging,
    state_option,
    verbose_option,
    workspace,
    write,
)
from omicform.cli.formats import append_step_summary, format_options, print_plan
from omicform.model.styled import Styled

if TYPE_CHECKING:
    from omicform.connections import Connections
    from omicform.desired.model import DesiredState
    from omicform.model.plan import Plan


@click.command("plan")
@config_option
@state_option
@click.option(
    "-out", "--out", "out", type=click.Path(path_type=Path), help="Save the plan to apply it later."
)
@format_options
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none."
)
@click.option(
    "-target",
    "--target",
    "targets",
    multiple=True,
    metavar="ADDR",
    help="Plan only ADDR and what it needs.",
)
@click.option("--refresh-only", is_flag=True, help="Only read the services; plan no remote change.")
@cassette_options
@detail_option
@verbose_option
@handles_errors
def plan_command(
    config: Path,
    state_path: Path | str | None,
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    refresh_only: bool,
    record: Path | None,
    replay: Path | None,
    full: bool | None,
    verbose: int,
) -> None:
    """Read the desired state and the services, and show what would change.

    \b
    Examples:
      omicform plan
      omicform plan -f config/ -out plan.json
      omicform plan --detailed-exitcode   # in CI: 2 means changes, 1 an error
      omicform plan -target=jgi_samples.f1 --full
      omicform plan --format markdown > plan.md   # for a pull-request comment

    In a GitHub Actions job (GITHUB_STEP_SUMMARY set) the plan is also added, as
    Markdown, to the job's summary page.
    """
    # Imported here, not with the module: `plan --help` needs only the options above.
    from omicform.cli.missing_state import warn_if_no_state
    from omicform.connections import Connections
    from omicform.engine.workspace import save_plan

    setup_logging(verbose)
    ws = workspace(config, state_path)
    desired = ws.desired()
    store = ws.store(desired)
    try:
        # A replayed cassette sends nothing to the services: nothing would be minted again.
        no_state = warn_if_no_state(store) if replay is None else ""
        state = store.load()
    finally:
        store.close()
    with (
        cassette(record, replay),
        Connections(desired.services, replaying=replay is not None) as connections,
        refreshing(),
    ):
        _, _, plan = ws.plan(
            connections,
            desired=desired,
            state=state,
            targets=targets or None,
            refresh_only=refresh_only,
        )
        if record is None and replay is None:  # a cassette holds no /version answer
            plan = with_schema_check(plan, desired, connections)
    if out is not None:
        save_plan(plan, out)
    notes = [" ".join(no_state.split())] if no_state else []
    print_plan(plan, output_format, full=full, notes=notes)
    if out is not None and output_format == "text":
        write(Styled(f"\nSaved the plan to {out}. Apply it with: omicform apply {out}"))
    append_step_summary(plan, notes=notes)
    if detailed_exitcode and plan.has_changes:
        sys.exit(EXIT_CHANGES)
    sys.exit(EXIT_OK)


def with_schema_check(plan: Plan, desired: DesiredState, connections: Connections) -> Plan:
    """The plan, warning when NMDC validates with another nmdc-schema than omicform's
    (never failing: an unreadable /version says nothing)."""
    from omicform.engine.registry import KINDS
    from omicform.errors import OmicformError

    # Declared first: asking an undeclared kind its service would import it for nothing.
    uses_nmdc = any(k.declared(desired) and k.service == "nmdc" for k in KINDS)
    if not uses_nmdc:
        return plan
    try:
        ours = version("nmdc-schema")
        theirs = connections.nmdc.schema_version()
    except (OmicformError, ModuleNotFoundError):  # importlib.metadata's PackageNotFoundError
        return plan
    if theirs is None or theirs == ours:
        return plan
    warning = (
        f"NMDC validates metadata with nmdc-schema {theirs}; omicform checks it with "
        f"nmdc-schema {ours}: a document valid here may be refused there (or the reverse). "
        "Upgrade omicform, or check with `omicform validate --remote`."
    )
    return replace(plan, warnings=(*plan.warnings, warning))


def version(distribution: str) -> str:
    """The installed version of `distribution`, whose import package is its name with "_"
    for "-" (nmdc-schema: nmdc_schema); read beside the package (omicform/installed.py)."""
    from omicform.installed import installed_version

    return installed_version(distribution, distribution.replace("-", "_"))
