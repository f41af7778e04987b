"""Text with a style on each part (bold, dim, a colour): what the plan's renderer builds, and
what a command writes to a terminal with ANSI styles and anywhere else as plain text.

rich's Text did this before. A plan needs eight styles and no layout (its console never
wrapped a line), and importing rich was about a tenth of `omicform plan`'s start-up (issue
#14). Commands that lay out tables, spinners or progress bars still use rich: `__rich__`
lets them print a Styled as they printed a Text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from rich.text import Text

# Select Graphic Rendition codes of the styles the renderers use (ECMA-48).
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33"}
_SGR |= {"blue": "34", "magenta": "35", "cyan": "36"}
COLOURS = frozenset(_SGR) - {"bold", "dim"}

# What could move the cursor, recolour the terminal or reorder a line, but for the line
# break and the tab: shown escaped wherever text reaches a terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_matches(pattern: re.Pattern[str], text: str) -> str:
    """`text` with each match of `pattern` written as its Python escape (`\\x1b`,
    `\\u202e`): what the plan's text, its Markdown and every written line use."""
    return pattern.sub(_as_escape, text)


def _as_escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def _codes(style: str, colour: bool) -> str:
    """The SGR parameters of `style` ("bold green"); colours left out when `colour` is
    False (NO_COLOR keeps bold and dim, as rich did). An unknown word is a KeyError: the
    styles are the renderers' own, and a test prints each of them."""
    words = style.split()
    return ";".join(_SGR[word] for word in words if colour or word not in COLOURS)


@final
class Styled:
    """Parts of text, each with a style ("" for none), in order."""

    __slots__ = ("_parts",)

    def __init__(self, text: str = "", style: str = "") -> None:
        self._parts: list[tuple[str, str]] = []
        self.append(text, style)

    def append(self, text: str, style: str = "") -> Styled:
        if text:
            self._parts.append((text, style))
        return self

    def extend(self, other: Styled) -> Styled:
        self._parts.extend(other._parts)
        return self

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self._parts)

    def escaped(self) -> Styled:
        """The same parts with control characters other than line breaks and tabs shown as
        escapes (`\\x1b`): a server's message cannot restyle the terminal."""
        out = Styled()
        out._parts = [(escape_matches(_CONTROL, text), style) for text, style in self._parts]
        return out

    def ansi(self, *, colour: bool = True) -> str:
        """The text with each styled part between its SGR code and a reset. Each line of a
        part is wrapped on its own, so a line break never carries a style onto the next."""
        out: list[str] = []
        for text, style in self._parts:
            codes = _codes(style, colour)
            if not codes:
                out.append(text)
                continue
            pieces = text.split("\n")
            out.append("\n".join(f"\x1b[{codes}m{p}\x1b[0m" if p else "" for p in pieces))
        return "".join(out)

    def __str__(self) -> str:
        return self.plain

    def __rich__(self) -> Text:
        from rich.text import Text

        return Text.assemble(*self._parts)
