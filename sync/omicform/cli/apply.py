"""`omicform apply`: carry out a saved plan, or a fresh one after confirmation."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from omicform.cli.common import (
    EXIT_ERROR,
    SECONDS,
    cassette,
    cassette_options,
    config_option,
    console,
    detail_option,
    handles_errors,
    is_interactive,
    refreshing,
    setup_logging,
    state_option,
    verbose_option,
    workspace,
)
from omicform.cli.interrupt import brake, exit_interrupted
from omicform.cli.missing_state import warn_if_no_state
from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, ApplyResult, apply_plan
from omicform.engine.freshness import check_fresh
from omicform.engine.workspace import load_plan
from omicform.errors import ConfigError
from omicform.kinds.base import Outcome
from omicform.model.plan import Plan
from omicform.model.render import printable, render_plan
from omicform.state.backends import StateBackend
from omicform.state.model import State

RESULT_STYLE = {"done": "green", "failed": "red", "unknown": "yellow", "skipped": "dim"}


@click.command("apply")
@click.argument("plan_file", required=False, type=click.Path(path_type=Path))
@config_option
@state_option
@click.option("--auto-approve", is_flag=True, help="Apply a fresh plan without asking.")
@click.option(
    "--parallelism", default=8, show_default=True, help="Concurrent requests per service."
)
@click.option(
    "-target",
    "--target",
    "targets",
    multiple=True,
    metavar="ADDR",
    help="Apply only ADDR and what it needs.",
)
@click.option(
    "--wait/--no-wait", default=False, help="Follow NeMO submissions through their six steps."
)
@click.option(
    "--wait-timeout",
    type=SECONDS,
    default=3600.0,
    show_default=True,
    help="Seconds to follow submissions.",
)
@click.option(
    "--lock-timeout",
    type=SECONDS,
    default=0.0,
    show_default=True,
    help="Seconds to wait for the state lock.",
)
@cassette_options
@detail_option
@verbose_option
@handles_errors
def apply_command(
    plan_file: Path | None,
    config: Path,
    state_path: Path | str | None,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    wait: bool,
    wait_timeout: float,
    lock_timeout: float,
    record: Path | None,
    replay: Path | None,
    full: bool | None,
    verbose: int,
) -> None:
    """Make the services match the desired state, recording each step in state.

    \b
    Examples:
      omicform apply                      # plan, confirm, apply
      omicform apply --auto-approve --wait
      omicform plan -out plan.json && omicform apply plan.json
    """
    setup_logging(verbose)
    if parallelism < 1:
        raise ConfigError("--parallelism must be 1 or more", field="--parallelism")
    out = console()
    if plan_file is not None:
        saved = load_plan(plan_file)
        files = saved.config_files
        ws = workspace(Path(files[0]).parent if len(files) > 1 else Path(files[0]), state_path)
    else:
        ws = workspace(config, state_path)
    desired = ws.desired()
    store = ws.store(desired)
    if replay is None:  # a replayed cassette sends nothing: nothing would be minted again
        warn_if_no_state(store)
    options = ApplyOptions(parallelism=parallelism, wait=wait, wait_timeout=wait_timeout)
    lock = store.lock("apply", wait=lock_timeout)
    with (
        lock,
        cassette(record, replay),
        Connections(desired.services, replaying=replay is not None) as connections,
    ):
        state = store.load()
        if plan_file is not None:
            plan = saved
            state = check_fresh(plan, desired, state, connections)
        else:
            with refreshing():
                _, state, plan = ws.plan(
                    connections, desired=desired, state=state, targets=targets or None
                )
            out.print(render_plan(plan, full=full), end="")
            if not plan.has_changes and not any(c.action == "wait" for c in plan.changes):
                _record_refresh(plan, state, store, connections, options)
                return
            if not auto_approve and not _confirm():
                out.print("Apply cancelled.")
                sys.exit(EXIT_ERROR)
        with brake() as stop:
            result = _run(plan, state, store, connections, options, stop)
    _summarise(result)
    if result.interrupted:
        exit_interrupted()
    if not result.complete:
        sys.exit(EXIT_ERROR)


def _confirm() -> bool:
    if not is_interactive():
        raise ConfigError(
            "apply needs confirmation, and there is no terminal to ask on",
            hint="Pass --auto-approve, or apply a saved plan: omicform apply PLAN.",
        )
    return click.confirm("\nDo you want to perform these actions?", default=False)


def _record_refresh(
    plan: Plan, state: State, store: StateBackend, connections: Connections, options: ApplyOptions
) -> None:
    """No changes: still record adoptions and refreshed statuses, quietly."""
    apply_plan(plan, state, store, connections, options)


def _run(
    plan: Plan,
    state: State,
    store: StateBackend,
    connections: Connections,
    options: ApplyOptions,
    stop: threading.Event,
) -> ApplyResult:
    work = [c for c in plan.changes if c.action != "no-op"]
    err = console(stderr=True)
    if not err.is_terminal or not work:
        return apply_plan(
            plan, state, store, connections, options, stop=stop, on_outcome=_print_outcome
        )
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("Applying", total=len(work))

        def advance(outcome: Outcome) -> None:
            if outcome.action != "no-op":
                progress.advance(task)
                _print_outcome(outcome, progress.console)

        return apply_plan(
            plan,
            state,
            store,
            connections,
            options,
            stop=stop,
            on_outcome=advance,
            on_progress=lambda address, message: progress.update(
                task, description=f"{address}: {message}"
            ),
        )


def _print_outcome(outcome: Outcome, target: Console | None = None) -> None:
    if outcome.action == "no-op":
        return
    out = target or console()
    message = f": {printable(outcome.message)}" if outcome.message else ""
    out.print(
        Text.assemble(
            (f"{outcome.result:>7}", RESULT_STYLE.get(outcome.result, "")),
            f" {printable(outcome.address)} ({outcome.action}){message}",
        )
    )


def _summarise(result: ApplyResult) -> None:
    """The last line says how it ended, and why when it did not end well."""
    out = console()
    counts = result.counts()
    if result.interrupted:
        parts = [f"{counts['done']} done", f"{len(result.not_started)} not started"]
        parts += [f"{n} {name}" for name, n in counts.items() if n and name != "done"]
        out.print(
            Text.assemble(
                ("\nInterrupted: ", "bold yellow"),
                f"{', '.join(parts)}; run `omicform apply` again to finish.",
            )
        )
        return
    line = ", ".join(f"{n} {name}" for name, n in counts.items())
    if result.complete:
        out.print(Text.assemble(("\nApply complete! ", "bold green"), f"{line}."))
        return
    out.print(Text.assemble(("\nApply incomplete: ", "bold red"), incomplete_reason(result)))


def incomplete_reason(result: ApplyResult) -> str:
    """`1 blocked (ADDR: why), 0 failed, ...`: the reasons of the first few problems."""
    blocked = result.blocked
    by_result = {
        r: [o for o in result.outcomes if o.result == r and o.action != "blocked"]
        for r in ("failed", "unknown", "skipped")
    }
    parts = [
        _with_examples(f"{len(blocked)} blocked", blocked),
        _with_examples(f"{len(by_result['failed'])} failed", by_result["failed"]),
    ]
    if by_result["unknown"]:
        parts.append(_with_examples(f"{len(by_result['unknown'])} unknown", by_result["unknown"]))
    if by_result["skipped"]:
        parts.append(f"{len(by_result['skipped'])} skipped (what they need did not complete)")
    then = "fix them, then run" if blocked or by_result["failed"] else "run"
    return f"{', '.join(parts)}. Done work is in state; {then} `omicform apply` again."


def _with_examples(head: str, outcomes: list[Outcome], limit: int = 2) -> str:
    if not outcomes:
        return head
    shown = "; ".join(f"{printable(o.address)}: {printable(o.message)}" for o in outcomes[:limit])
    more = f"; and {len(outcomes) - limit} more" if len(outcomes) > limit else ""
    return f"{head} ({shown}{more})"
