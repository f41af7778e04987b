"""What every command shares: options, output, logging, and turning errors into exit codes.

Only click is imported with it: a command's options are built from here when the command
is listed or its help shown, so rich, the engine and the state are imported where used.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from omicform.errors import OmicformError
from omicform.model.styled import Styled

if TYPE_CHECKING:
    from rich.console import Console

    from omicform.engine.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


def console(stderr: bool = False) -> Console:
    """For tables, spinners and progress bars. Colour only on a terminal, and never under
    NO_COLOR (rich honours it)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def is_terminal(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether `stream` takes ANSI styles, decided as rich decides it: TTY_COMPATIBLE (0 or
    1), then FORCE_COLOR (set and not empty), then whether it is a terminal."""
    env = os.environ if env is None else env
    forced = env.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    if env.get("FORCE_COLOR") is not None:
        return env["FORCE_COLOR"] != ""
    try:
        return stream.isatty()
    except ValueError:  # closed (as at the end of some test runs): not a terminal
        return False


def write(
    text: Styled, *, stderr: bool = False, end: str = "\n", env: Mapping[str, str] | None = None
) -> None:
    """Writes `text` with ANSI styles on a terminal (no colours under NO_COLOR, no styles
    on a dumb one), and as plain text anywhere else; rich is not imported for it. Control
    characters in it are shown escaped."""
    env = os.environ if env is None else env
    text = text.escaped()
    stream = sys.stderr if stderr else sys.stdout
    styled = is_terminal(stream, env) and env.get("TERM", "").lower() not in ("dumb", "unknown")
    shown = text.ansi(colour=env.get("NO_COLOR", "") == "") if styled else text.plain
    stream.write(shown + end)
    stream.flush()


def fail(error: OmicformError) -> None:
    write(Styled("Error: ", "bold red").append(error.message), stderr=True)
    if error.hint:
        write(Styled("  hint: ", "dim").append(error.hint), stderr=True)


def handles_errors(func: F) -> F:
    """Every OmicformError ends the command with its message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OmicformError as exc:
            fail(exc)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("omicform")
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The transport logs each request (method, path, short query, status, time) at INFO and
    # sizes and retries at DEBUG: -v shows the first, -vv both. Set every time: an earlier
    # command in the same process must not leave it switched on.
    http = logging.NOTSET if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.getLogger("omicform.http").setLevel(http)
    logging.getLogger("httpx").setLevel(logging.WARNING)


class Seconds(click.FloatRange):
    """A wait in seconds: 0 or more (`inf`: no end), never `nan`, with which no deadline is
    ever reached (click's FloatRange lets it through: nan is not less than 0)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if isinstance(seconds, float) and math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


SECONDS = Seconds(min=0)


def config_option(func: F) -> F:
    return click.option(
        "-f",
        "--file",
        "config",
        type=click.Path(path_type=Path),
        default=Path("omicform.yaml"),
        show_default=True,
        help="Desired-state file, or a folder of .yaml files.",
    )(func)


def _state_location(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> Path | str | None:
    from omicform.state.backends import is_postgres_url

    return value if value is None or is_postgres_url(value) else Path(value)


def state_option(func: F) -> F:
    return click.option(
        "--state",
        "state_path",
        default=None,
        metavar="PATH|URL",
        callback=_state_location,
        help="State file, or a postgresql:// URL (default: omicform.state.json beside the "
        "config). A URL with a password is better kept in OMICFORM_STATE_URL.",
    )(func)


def detail_option(func: F) -> F:
    """`--full` lists every change of a large plan; `--compact` counts them by kind."""
    return click.option(
        "--full/--compact",
        "full",
        default=None,
        help="List every change / count changes by kind (default: counted past 200).",
    )(func)


def verbose_option(func: F) -> F:
    return click.option(
        "-v", "--verbose", count=True, help="Log requests (-v) and details (-vv); never secrets."
    )(func)


def cassette_options(func: F) -> F:
    """`--record FILE` / `--replay FILE`; both at once is a usage error (exit 1)."""

    command = func

    @functools.wraps(command)
    def exclusive(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("record") is not None and kwargs.get("replay") is not None:
            raise click.UsageError(
                "--record and --replay exclude each other: record a new cassette with "
                "--record, or replay a recorded one with --replay."
            )
        return command(*args, **kwargs)

    func = click.option(
        "--replay",
        type=click.Path(path_type=Path),
        default=None,
        help="Replay HTTP from this cassette instead of the network.",
    )(exclusive)  # type: ignore[assignment]
    return click.option(
        "--record",
        type=click.Path(path_type=Path),
        default=None,
        help="Record HTTP to this cassette (secrets scrubbed).",
    )(func)


def cassette(record: Path | None, replay: Path | None) -> AbstractContextManager[None]:
    """`--record` / `--replay` around a command's requests; without either, the cassette
    module (and vcr) is not imported at all."""
    if record is None and replay is None:
        return nullcontext()
    from omicform.services.recording import recording

    return recording(record, replay)


def workspace(config: Path, state_path: Path | str | None) -> Workspace:
    from omicform.engine.workspace import Workspace

    return Workspace(config=config, state_path=state_path)


def is_interactive() -> bool:
    return sys.stdin.isatty() and os.environ.get("CI", "") == ""


@contextmanager
def refreshing() -> Iterator[None]:
    """A spinner on stderr while the services are read, on a terminal only (rich is
    imported for it there only)."""
    if not is_terminal(sys.stderr):
        yield
        return
    with console(stderr=True).status("Reading the services..."):
        yield
