"""JSON that refuses duplicate keys, like the YAML loader.

`json.loads` keeps the last of two equal keys; in a metadata document that silently drops
a value. Duplicates are detected while parsing (a length check per object, nearly free);
only then is the text scanned again to name the line of the second one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from omicform.desired.display import shown
from omicform.errors import ConfigError


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


def parse_json(raw: bytes, file: str, field: str | None = None) -> Any:
    """The parsed document; ConfigError naming the line for bad JSON and duplicate keys."""
    try:
        return json.loads(raw, object_pairs_hook=_pairs)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            "not UTF-8 text",
            file=file,
            line=raw.count(b"\n", 0, exc.start) + 1,
            field=field,
            hint="Save the file as UTF-8.",
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON: {exc.msg} (column {exc.colno})",
            file=file,
            line=exc.lineno,
            field=field,
        ) from None
    except _Duplicate as exc:
        text = raw.decode("utf-8", errors="replace")
        first, second = duplicate_lines(text, exc.key)
        raise ConfigError(
            f"duplicate key {shown(exc.key)} (first on line {first})",
            file=file,
            line=second,
            field=field,
            hint="Each key may appear once in an object; JSON would keep only the last.",
        ) from None


# A key (a string then a colon), a plain string, or a brace; strings are matched whole, so
# braces inside them are never mistaken for structure.
_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|[{}]')


def duplicate_lines(text: str, key: str) -> tuple[int, int]:
    """The lines of the first two occurrences of `key` in one object (best effort: 1, 1)."""
    stack: list[dict[str, int]] = []
    line, last = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token == "{":
            stack.append({})
        elif token == "}":
            if stack:
                stack.pop()
        elif match.group(2) and stack:
            name = json.loads(match.group(1))
            line += text.count("\n", last, match.start())
            last = match.start()
            if name == key and name in stack[-1]:
                return stack[-1][name], line
            stack[-1].setdefault(name, line)
    return 1, 1
