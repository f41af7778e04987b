"""`ignore_changes:` in a staging section (beside `defaults:` and `from:`) or in one entry:
the fields omicform sends on create and then leaves to whoever else writes them (NMDC's
staging pipeline sets a sample's `globus_file_status`, `jdp_file_status`, `request_id`...).

A list of field names, or `all` (every field but the key). An unknown name is a problem
at its file and line, like any unknown field.
"""

from __future__ import annotations

from omicform.desired.display import safe_name
from omicform.desired.fields import Section
from omicform.desired.model import Origin
from omicform.desired.problems import Problems
from omicform.desired.sections import unknown_field
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError

IGNORE = "ignore_changes"
ALL = "all"


def ignore_changes(
    kind: Section, mapping: LineMap, field: str, file: str, problems: Problems
) -> frozenset[str]:
    """The field names `mapping[ignore_changes]` lists (none when absent or wrong)."""
    if IGNORE not in mapping:
        return frozenset()
    raw = mapping[IGNORE]
    where = Origin(file, mapping.line_of(IGNORE))
    owned = [n for n in kind.fields if n != kind.key]
    if raw == ALL:
        return frozenset(owned)
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        problems.add(
            ConfigError(
                f"`{IGNORE}` takes a list of field names, or `{ALL}`",
                file=file,
                line=where.line,
                field=field,
            )
        )
        return frozenset()
    good: set[str] = set()
    for name in raw:
        if name == kind.key:
            problems.add(
                ConfigError(
                    f"{kind.key} is the entry's key: it cannot be ignored",
                    file=file,
                    line=where.line,
                    field=f"{field}.{safe_name(name)}",
                )
            )
        elif name not in kind.fields:
            problems.add(unknown_field(kind.name, kind.fields, where, f"{field}.{safe_name(name)}"))
        else:
            good.add(name)
    return frozenset(good)
