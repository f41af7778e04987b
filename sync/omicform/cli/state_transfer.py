"""`omicform state pull|push`: move the state between a local file and PostgreSQL.

The database URL comes from OMICFORM_STATE_URL unless given, since it may hold a password
that a command line would show to anyone listing processes; it is never printed.
"""

from __future__ import annotations

from pathlib import Path

import click

from omicform.cli.common import SECONDS, F, config_option, console, handles_errors
from omicform.state.backends import DEFAULT_NAME, StateBackend, open_state
from omicform.state.model import State
from omicform.state.store import default_pin_path, default_state_path
from omicform.state.transfer import pull, push

URL_ENV = "OMICFORM_STATE_URL"


def _root(config: Path) -> Path:
    return config if config.is_dir() else config.parent


def _shared_options(func: F) -> F:
    func = click.option(
        "--lock-timeout",
        type=SECONDS,
        default=0.0,
        show_default=True,
        help="Seconds to wait for each lock.",
    )(func)
    func = click.option(
        "--force",
        is_flag=True,
        help="Replace a destination of another lineage, a newer serial, or diverged content.",
    )(func)
    func = click.option(
        "--name",
        default=DEFAULT_NAME,
        show_default=True,
        help="Which state in the database (the config's state.name).",
    )(func)
    return config_option(func)


def _url_option(flag: str, dest: str, what: str) -> click.Option:
    return click.Option(
        [flag, dest],
        envvar=URL_ENV,
        show_envvar=True,
        required=True,
        metavar="URL",
        help=f"The shared state's postgresql:// URL to {what} (better: set {URL_ENV}, "
        "so no password shows on a command line).",
    )


def _file_option(flag: str, dest: str, what: str) -> click.Option:
    return click.Option(
        [flag, dest],
        type=click.Path(path_type=Path),
        default=None,
        help=f"The state file to {what} (default: omicform.state.json beside the config).",
    )


def _copy(config: Path, source: str | Path, target: str | Path, name: str) -> list[StateBackend]:
    pin = default_pin_path(_root(config))
    return [open_state(where, name=name, pin=pin) for where in (source, target)]


def _report(state: State, src: StateBackend, dst: StateBackend) -> None:
    console().print(
        f"Copied lineage {state.lineage}, serial {state.serial} ({len(state.resources)} "
        f"object(s)) from {src.describe()} to {dst.describe()}.",
        markup=False,
    )


@click.command("pull")
@_shared_options
@handles_errors
def pull_command(
    config: Path, source: str, target: Path | None, name: str, force: bool, lock_timeout: float
) -> None:
    """Copy the shared state from PostgreSQL into a local state file.

    Refuses to replace a file of another lineage, of a higher serial, or with the same
    serial but other content, unless --force. Lineage and serial are kept.

    \b
    Examples:
      OMICFORM_STATE_URL=postgresql://ci@db.example.org/omicform omicform state pull
      omicform state pull --name team-a --to backup.state.json
    """
    src, dst = _copy(config, source, target or default_state_path(_root(config)), name)
    try:
        _report(pull(src, dst, force=force, wait=lock_timeout), src, dst)
    finally:
        src.close()
        dst.close()


@click.command("push")
@_shared_options
@handles_errors
def push_command(
    config: Path, source: Path | None, target: str, name: str, force: bool, lock_timeout: float
) -> None:
    """Copy a local state file into the shared state in PostgreSQL.

    Refuses to replace a database state of another lineage, of a higher serial, or with the
    same serial but other content, unless --force. Lineage and serial are kept.

    \b
    Examples:
      omicform state push          # omicform.state.json beside the config, to $OMICFORM_STATE_URL
      omicform state push --from restored.state.json --name team-a
    """
    src, dst = _copy(config, source or default_state_path(_root(config)), target, name)
    try:
        _report(push(src, dst, force=force, wait=lock_timeout), src, dst)
    finally:
        src.close()
        dst.close()


pull_command.params[:0] = [
    _url_option("--from", "source", "copy from"),
    _file_option("--to", "target", "write"),
]
push_command.params[:0] = [
    _file_option("--from", "source", "copy"),
    _url_option("--to", "target", "copy to"),
]
