"""A plan reaches the user without rich (issue #14, start-up): styled on a terminal, plain
anywhere else, and byte for byte what rich printed for the same text before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from omicform.cli.common import is_terminal, write
from omicform.model.plan import Change, FieldChange, Plan
from omicform.model.render import SYMBOLS, render_plan
from omicform.model.styled import Styled


def change(action: str, key: str = "k") -> Change:
    return Change(
        f"jgi_samples.{key}",
        "jgi_samples",
        key,
        action,  # type: ignore[arg-type]
        reason="a reason\nwith\x1b[2J a control",
        service="nmdc",
        after={"file_name": "f.fastq.gz", "jdp_file_size": 1000},
        field_changes=(FieldChange("task_status", "FAILED", "ACTIVE"),),
    )


# A plan of every action: each style the renderer uses shows at least once.
EVERY_ACTION = Plan(
    lineage="l",
    serial=1,
    changes=tuple(change(action, f"f{i}") for i, action in enumerate(SYMBOLS)),
    warnings=("a warning",),
)


def rich_printed(text: Styled, *, no_color: bool = False) -> str:
    """What rich's console printed for the same text on a standard-colour terminal."""
    out = io.StringIO()
    Console(
        file=out,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        soft_wrap=True,
        no_color=no_color,
    ).print(text, end="")
    return out.getvalue()


@pytest.mark.parametrize("full", [True, False])
def test_a_terminal_sees_what_rich_printed(full: bool) -> None:
    shown = render_plan(EVERY_ACTION, full=full)
    assert "\x1b[1;32m" in shown.ansi() and "\x1b[1;31m" in shown.ansi()  # styled
    assert shown.ansi() == rich_printed(shown)
    assert shown.ansi(colour=False) == rich_printed(shown, no_color=True)


def test_plain_text_has_no_escape_and_reads_as_the_styled_text() -> None:
    shown = render_plan(EVERY_ACTION, full=True)
    assert "\x1b" not in shown.plain
    assert "+ jgi_samples.f1" in shown.plain and "Plan: 1 to mint, 1 to create" in shown.plain


def test_a_style_never_spans_a_line_break() -> None:
    assert Styled("a\nb", "bold").ansi() == "\x1b[1ma\x1b[0m\n\x1b[1mb\x1b[0m"
    assert Styled("\n", "bold").ansi() == "\n"


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"FORCE_COLOR": ""}, False),
        (True, {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, False),
        (False, {"TTY_COMPATIBLE": "1"}, True),
    ],
)
def test_a_terminal_is_told_as_rich_tells_it(
    tty: bool, env: dict[str, str], expected: bool
) -> None:
    assert is_terminal(Stream(tty), env) is expected
    assert Console(file=Stream(tty), _environ=env).is_terminal is expected


def written(monkeypatch: pytest.MonkeyPatch, text: Styled, tty: bool, env: dict[str, str]) -> str:
    stream = Stream(tty)
    monkeypatch.setattr("sys.stdout", stream)
    write(text, env=env, end="")
    return stream.getvalue()


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {"TERM": "xterm"}, "\x1b[1;32mok\x1b[0m"),
        (True, {"TERM": "xterm", "NO_COLOR": "1"}, "\x1b[1mok\x1b[0m"),
        (True, {"TERM": "dumb"}, "ok"),
        (False, {}, "ok"),
    ],
)
def test_styles_are_written_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], expected: str
) -> None:
    assert written(monkeypatch, Styled("ok", "bold green"), tty, env) == expected


@pytest.mark.parametrize("tty", [True, False])
def test_control_characters_are_shown_escaped_wherever_written(
    monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    hostile = Styled("Error: ", "bold red").append("bad\x1b[2J\rNo changes.\u202e\nnext\tcol")
    shown = written(monkeypatch, hostile, tty, {"TERM": "xterm"})
    assert "\x1b[2J" not in shown and "\r" not in shown and "\u202e" not in shown
    assert "bad\\x1b[2J\\rNo changes.\\u202e\nnext\tcol" in shown


def test_an_unknown_style_is_an_error_not_a_silent_plain_text() -> None:
    with pytest.raises(KeyError):
        Styled("x", "bold purple").ansi()


def test_a_plan_to_a_pipe_imports_no_rich(tmp_path: Path) -> None:
    # The spinner needs rich on a terminal; a plan written to a pipe or a file does not.
    from test_startup_imports import imported_by, under

    (tmp_path / "omicform.yaml").write_text("omicform: 1\nglobus_tasks: {}\n")
    modules = imported_by("plan", "-out", "plan.json", cwd=tmp_path)
    assert "omicform.model.render" in modules  # the plan was printed
    assert not under(modules, "rich")
