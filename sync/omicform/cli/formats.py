"""`--format text|markdown|json` (and `--json`, its older spelling) for `plan` and `show`,
and writing a plan in the chosen format."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from omicform.cli.common import console, write

if TYPE_CHECKING:  # the renderers are imported by the format asked for, when printing
    from omicform.model.plan import Plan

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "markdown", "json")
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def format_options(func: F) -> F:
    """Adds `--format` and `--json`; the command receives one `output_format` argument."""

    @click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default=None,
        help="text (the default), markdown (for a pull-request comment) or json.",
    )
    @click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
    @functools.wraps(func)
    def resolved(*args: Any, output_format: str | None, as_json: bool, **kwargs: Any) -> Any:
        if as_json and output_format not in (None, "json"):
            raise click.UsageError(f"--json and --format {output_format} disagree: give one.")
        chosen = "json" if as_json else output_format or "text"
        return func(*args, output_format=chosen, **kwargs)

    return resolved  # type: ignore[return-value]


def print_plan(
    plan: Plan, output_format: str, *, full: bool | None, notes: Sequence[str] = ()
) -> None:
    """Writes `plan` to stdout; `notes` (the run's warnings) go into the Markdown only, as
    the text and JSON forms leave them on stderr."""
    if output_format == "json":
        sys.stdout.write(json.dumps(plan.to_json(), indent=2) + "\n")
    elif output_format == "markdown":
        from omicform.model.markdown import render_markdown

        sys.stdout.write(render_markdown(plan, notes=notes))
    else:
        from omicform.model.render import render_plan

        write(render_plan(plan, full=full), end="")


def append_step_summary(
    plan: Plan, env: Mapping[str, str] | None = None, *, notes: Sequence[str] = ()
) -> None:
    """In a GitHub Actions job (GITHUB_STEP_SUMMARY set), appends the plan as Markdown to the
    job's summary page. A summary that cannot be written is a warning, never a failure."""
    target = (os.environ if env is None else env).get(STEP_SUMMARY, "")
    if not target:
        return
    from omicform.model.markdown import render_markdown

    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(render_markdown(plan, notes=notes) + "\n")
    except OSError as exc:
        console(stderr=True).print(
            f"Warning: the plan could not be added to {STEP_SUMMARY} ({exc.strerror}).",
            markup=False,
        )


__all__ = ["FORMATS", "append_step_summary", "format_options", "print_plan"]
