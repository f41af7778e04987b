"""Collecting every problem instead of stopping at the first, for `omicform validate`."""

from __future__ import annotations

from dataclasses import dataclass, field

from omicform.errors import ConfigError

MAX_KEPT = 100  # problems kept to show; the rest are only counted


@dataclass
class Problems:
    """The problems found so far: the first `limit` kept, every one counted."""

    limit: int = MAX_KEPT
    kept: list[ConfigError] = field(default_factory=list)
    count: int = 0

    def add(self, error: ConfigError) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(error)

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def hidden(self) -> int:
        """How many were counted but not kept."""
        return self.count - len(self.kept)

    def raise_first(self) -> None:
        """Raises the first problem (saying how many more there are), if any."""
        if not self.kept:
            return
        first = self.kept[0]
        if self.count == 1:
            raise first
        more = "`omicform validate` lists every problem."
        hint = f"{first.hint} {more}" if first.hint else more
        raise ConfigError(
            f"{_plain(first)} (and {self.count - 1} more)",
            file=first.file,
            line=first.line,
            field=first.field,
            hint=hint,
        )


def _plain(error: ConfigError) -> str:
    """The error's own words, without the file:line: field: prefix ConfigError adds."""
    prefix = ":".join(str(p) for p in (error.file, error.line) if p is not None)
    text = error.message
    if prefix and text.startswith(prefix + ": "):
        text = text[len(prefix) + 2 :]
    if error.field and text.startswith(error.field + ": "):
        text = text[len(error.field) + 2 :]
    return text
