"""What a kind's `load` is handed for its section of one file: where the file is, where
problems go, and where its items go (each address declared once across every file)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omicform.desired.model import Origin
from omicform.desired.problems import Problems
from omicform.desired.sections import entries
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError


@dataclass
class LoadContext:
    """What a kind's loader is handed for one section of one file, and collects into."""

    section: str  # the kind's name: its section, and the first part of its addresses
    file: str
    base: Path  # the folder the file's relative file names are read from
    problems: Problems  # every problem is collected, so `validate` can list them all
    items: list[Any]  # this kind's items so far, in file order
    origins: dict[str, Origin]  # every address declared so far (all kinds, all files)
    broken: set[str]  # addresses declared wrongly: references to them are not judged

    def add(self, item: Any, where: Origin | None = None) -> None:
        """Adds an item (anything with an `address`); an address declared twice is an error,
        reported at `where` (None: the item's own `origin`, so a loader making 100,000 of
        them passes this method itself, not a function calling it)."""
        if where is None:
            where = item.origin
        address = item.address
        first = self.origins.get(address)
        if first is not None:
            raise ConfigError(
                f"declared twice (first at {first})",
                file=where.file,
                line=where.line,
                field=address,
            )
        self.origins[address] = where
        self.items.append(item)

    def each(self, section: LineMap, load: Callable[[str, Any, Origin], Any]) -> None:
        """Loads every entry `NAME: spec` of a section with `load`, adding each item it
        returns; a problem is collected and the next entry loaded."""
        for name, spec, line in entries(section):
            where = Origin(self.file, line)
            try:
                item = load(name, spec, where)
            except ConfigError as error:
                self.broken.add(f"{self.section}.{name}")
                self.problems.add(error)
                continue
            try:
                self.add(item, where)
            except ConfigError as error:
                self.problems.add(error)
