"""Reading a YAML desired-state file: the parse cache first, the strict parser on a miss.

The parser (`yaml_parser.py`) and PyYAML are imported only when a file is parsed: a plan
run again on the same files reads them from the cache without importing either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omicform.desired.files import read_user_file
from omicform.desired.parse_cache import cached


class LineMap(dict[str, Any]):
    """A mapping that also knows the line (1-based) of each key and of itself."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}
        self.line = 0

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


def load_yaml(path: Path) -> Any:
    """Parses one YAML file strictly; errors name the file and line.

    The result comes from the parse cache when the same bytes were parsed before
    by this omicform (parse_cache.py); only results without errors are cached."""
    raw = read_user_file(path)
    return cached(raw, lambda: _parse(raw, path), _new_map)


def _parse(raw: bytes, path: Path) -> Any:
    from omicform.desired.yaml_parser import parse

    return parse(raw, path)


def _new_map(line: int) -> LineMap:
    result = LineMap()
    result.line = line
    return result
