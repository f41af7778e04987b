"""Samples whose sequencing project the file does not declare.

`plan` refuses a sample whose project is neither declared nor on the server. The server
half needs a request; the file half is offline, so `validate` reports it too: as a warning,
since the project may exist on the server already (made before omicform).
"""

from __future__ import annotations

from omicform.desired.display import shown
from omicform.desired.model import DesiredObject, DesiredState
from omicform.errors import ConfigError

FIELD = "sequencing_project_name"


def undeclared_projects(desired: DesiredState) -> list[ConfigError]:
    """One warning per project that samples name but the file does not declare."""
    declared = {o.key for o in desired.of("jgi_sequencing_projects")}
    first: dict[str, DesiredObject] = {}
    counts: dict[str, int] = {}
    for sample in desired.of("jgi_samples"):
        project = sample.fields.get(FIELD)
        if isinstance(project, str) and project not in declared:
            first.setdefault(project, sample)
            counts[project] = counts.get(project, 0) + 1
    return [_warning(project, sample, counts[project]) for project, sample in first.items()]


def _warning(project: str, sample: DesiredObject, count: int) -> ConfigError:
    where = sample.origin_of(FIELD)
    others = f" (and {count - 1} more sample(s))" if count > 1 else ""
    return ConfigError(
        f"sequencing project {shown(project)} is not declared in the configuration{others}; "
        "plan refuses it unless it exists on the server already",
        file=where.file,
        line=where.line,
        field=f"{sample.address}.{FIELD}",
        hint=f"Declare it under jgi_sequencing_projects: {shown(project)}: {{...}}, "
        "or fix the name.",
    )
