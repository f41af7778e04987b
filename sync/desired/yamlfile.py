"""YAML that refuses duplicate keys and remembers the line of every key.

Plain PyYAML keeps the last of two equal keys without a word; in a desired-state file that
would silently drop an object, so here it is an error naming both lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from omicform.errors import ConfigError


class LineMap(dict[str, Any]):
    """A mapping that also knows the line (1-based) of each key and of itself."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}
        self.line = 0

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _StrictLoader(yaml.SafeLoader):
    path = "<string>"


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
            raise ConfigError(
                "keys must be plain strings",
                file=loader.path,
                line=key_node.start_mark.line + 1,
                field=str(key),
            )
        name = str(key)
        line = key_node.start_mark.line + 1
        if name in result:
            raise ConfigError(
                f"duplicate key (first on line {result.lines[name]})",
                file=loader.path,
                line=line,
                field=name,
                hint="Each key may appear once; merge the two entries or rename one.",
            )
        result[name] = loader.construct_object(value_node, deep=True)
        result.lines[name] = line
    return result


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml(path: Path) -> Any:
    """Parses one YAML file strictly; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", file=str(path)) from None
    loader = _StrictLoader(text)
    loader.path = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(
            f"not valid YAML: {exc.problem}",
            file=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()
