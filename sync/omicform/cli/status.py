"""`omicform status`: the progress of every submission omicform made, or (`--history`,
`--all`, a filter) every NeMO submission of the user or the group, as NeMO lists them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from omicform.cli.common import (
    cassette,
    cassette_options,
    config_option,
    console,
    handles_errors,
    setup_logging,
    state_option,
    verbose_option,
)
from omicform.connections import Connections
from omicform.desired.model import DesiredState
from omicform.engine.registry import kind_named
from omicform.engine.workspace import Workspace
from omicform.errors import OmicformError
from omicform.kinds.nemo_manifests.history import (
    POLICIES,
    STATES,
    HistoryQuery,
    history_rows,
    history_table,
    submissions,
)
from omicform.state.model import State


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise click.BadParameter("expected a day as YYYY-MM-DD (NeMO's search takes days)")
    return value


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--history", is_flag=True, help="Every NeMO submission of yours."),
        click.option("--all", "include_group", is_flag=True, help="Your group's too (all=y)."),
        click.option("--id", "id_part", metavar="TEXT", help="Search: ids containing TEXT."),
        click.option("--submitter", metavar="TEXT", help="Search: submitters containing TEXT."),
        click.option("--since", callback=_day, metavar="YYYY-MM-DD", help="Search: from day."),
        click.option("--until", callback=_day, metavar="YYYY-MM-DD", help="Search: to day."),
        click.option("--policy", type=click.Choice(POLICIES), help="Search: this policy."),
        # NeMO's search calls it `status`; `--state` names the state file.
        click.option(
            "--status",
            "states",
            multiple=True,
            type=click.Choice(STATES),
            help="Search: this state (repeat for several).",
        ),
        click.option("--json", "as_json", is_flag=True, help="The listing as JSON."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command("status")
@config_option
@state_option
@cassette_options
@verbose_option
@history_options
@handles_errors
def status_command(
    config: Path,
    state_path: Path | str | None,
    record: Path | None,
    replay: Path | None,
    verbose: int,
    history: bool,
    include_group: bool,
    id_part: str | None,
    submitter: str | None,
    since: str | None,
    until: str | None,
    policy: str | None,
    states: tuple[str, ...],
    as_json: bool,
) -> None:
    """Show NeMO submissions step by step, and NMDC metadata runs.

    With --history, --all or a search filter: NeMO's own list of submissions (every page),
    not only those in state; a filter is NeMO's search.

    \b
    Examples:
      omicform status
      omicform status --history
      omicform status --all --since 2025-01-01 --status error --json
    """
    setup_logging(verbose)
    query = HistoryQuery(include_group, id_part, submitter, since, until, policy, states)
    listing = history or include_group or query.filtered
    if as_json and not listing:
        raise click.UsageError("--json goes with --history, --all or a search filter.")
    ws = Workspace(config=config, state_path=state_path)
    desired = ws.desired()
    with (
        cassette(record, replay),
        Connections(desired.services, replaying=replay is not None) as connections,
    ):
        if listing:
            _history(query, connections, _recorded(ws, desired), as_json)
        else:
            _state_status(ws.store(desired).load(), connections)


def _state_status(state: State, connections: Connections) -> None:
    out = console()
    if not out.is_terminal:
        out.width = UNBOUNDED  # a CI log keeps whole dates and messages; no terminal to fit
    shown = 0
    for resource in sorted(state.resources.values(), key=lambda r: r.address):
        kind = kind_named(resource.kind)
        shown_now = kind.status(resource, connections) if kind is not None else None
        if shown_now is not None:
            out.print(shown_now, markup=False)
            shown += 1
    if not shown:
        out.print("No submissions in state yet.")


def _recorded(ws: Workspace, desired: DesiredState) -> dict[str, str]:
    """Submission id -> the manifest state records it for; nothing when state is unreadable
    (a listing of NeMO's history does not need state)."""
    try:
        state: State = ws.store(desired).load()
    except OmicformError:
        return {}
    return {str(r.submission["id"]): r.address for r in state.resources.values() if r.submission}


def _history(
    query: HistoryQuery, connections: Connections, recorded: dict[str, str], as_json: bool
) -> None:
    rows = history_rows(list(submissions(connections.nemo, query)), recorded)
    out = console()
    if as_json:
        document = {"total": len(rows), "submissions": rows}
        if query.filtered:
            document["search"] = query.search_body()
        click.echo(json.dumps(document, indent=2))
        return
    if not out.is_terminal:
        out.width = UNBOUNDED
    whose = "your group's" if query.include_group else "your"
    how = " matching the search" if query.filtered else ""
    title = f"NeMO: {len(rows)} of {whose} submissions{how}"
    if not rows:
        out.print(f"{title}.")
        return
    out.print(history_table(rows, title), markup=False)


UNBOUNDED = 10_000  # columns: wide enough that no table is cut or wrapped
