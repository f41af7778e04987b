"""Showing user data inside messages: escaped, so a terminal never obeys it, and bounded.

A key or value comes from a file someone else may have written. Printed raw, an ANSI escape
could recolour or hide the rest of the output, a bidi override could reverse it, and a 1 MB
value would bury the message; so every value a message quotes goes through `shown`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text
# (bidi embeddings, overrides and isolates, zero-width characters, line/paragraph separators).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
SHOWN_CHARS = 80  # a quoted value
MESSAGE_CHARS = 300  # a whole message from a rule engine (NeMO rules, JSON Schema)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


# `has_unsafe(text)` is `find_unsafe(text) is not None`: a C call, for a loop over every
# row of a large table.
find_unsafe = _UNSAFE.search


def escaped(text: str) -> str:
    """`text` with every unsafe character written as a Python escape (\\x1b, \\n, \\u202e)."""
    return _UNSAFE.sub(lambda m: repr(m.group())[1:-1], text)


def cut(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """A short, safe rendering of a value for a message: quoted text, or a summary."""
    if isinstance(value, str):
        return cut(repr(value[: limit + 1]), limit)  # repr escapes every non-printable
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key(s)"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return cut(escaped(repr(value)), limit)


def safe_message(text: str, limit: int = MESSAGE_CHARS) -> str:
    """A message built elsewhere from user data, escaped and bounded before it is printed."""
    return cut(escaped(text), limit)


def safe_name(name: str) -> str:
    """A key as part of an address: itself when harmless, else escaped and bounded."""
    if len(name) <= SHOWN_CHARS and not has_unsafe(name):
        return name
    return shown(name)
