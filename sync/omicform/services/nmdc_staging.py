"""NMDC's workflow-file-staging collections as the HTTP layer sees them: a `Collection`
value (its path, natural key, update and duplicate answers) names one, and the generated
calls of each collection are looked up by its name.

The collections themselves are declared once, by the staging kind's rows
(`kinds/staging_rows.py`); this module knows only the endpoints the generated client has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from omicform_nmdc_client.api.wf_file_staging import (
    create_globus_task,
    create_jgi_sample,
    create_jgi_sequencing_project,
    get_globus_task,
    get_jgi_sequencing_project,
    list_globus_tasks,
    list_jgi_samples,
    list_jgi_sequencing_projects,
    update_globus_task,
    update_jgi_sample,
)
from omicform_nmdc_client.models import GlobusTask, JgiSample, JgiSequencingProject
from omicform_nmdc_client.types import Response

from omicform.errors import ConfigError


@dataclass(frozen=True)
class Collection:
    """One staging collection: where it is, and how the server answers about it."""

    path: str  # e.g. /wf_file_staging/jgi_samples
    key: str  # the natural key field
    updatable: bool = True  # whether it has an update (PATCH) call
    # What a create answers when the key exists already (samples: 409, or 400 before 2.15).
    duplicate_statuses: tuple[int, ...] = (400,)

    @property
    def name(self) -> str:
        """The last part of its path: the YAML section and the generated calls' name."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


# The generated client's calls, by collection name (a collection without a get-one call is
# read through a filtered list; one without an update call cannot be updated).
LISTERS: dict[str, Callable[..., Response[Any]]] = {
    "jgi_sequencing_projects": list_jgi_sequencing_projects.sync_detailed,
    "jgi_samples": list_jgi_samples.sync_detailed,
    "globus_tasks": list_globus_tasks.sync_detailed,
}
GETTERS: dict[str, Callable[..., Response[Any]]] = {
    "jgi_sequencing_projects": get_jgi_sequencing_project.sync_detailed,
    "globus_tasks": get_globus_task.sync_detailed,
}
CREATORS: dict[str, tuple[Any, Callable[..., Response[Any]]]] = {
    "jgi_sequencing_projects": (
        JgiSequencingProject,
        create_jgi_sequencing_project.sync_detailed,
    ),
    "jgi_samples": (JgiSample, create_jgi_sample.sync_detailed),
    "globus_tasks": (GlobusTask, create_globus_task.sync_detailed),
}
UPDATERS: dict[str, tuple[Any, Callable[..., Response[Any]]]] = {
    "jgi_samples": (JgiSample, update_jgi_sample.sync_detailed),
    "globus_tasks": (GlobusTask, update_globus_task.sync_detailed),
}


def request_body(model: Any, collection: Collection, record: Mapping[str, Any]) -> Any:
    """The typed request body; a missing required field is refused before anything is sent."""
    try:
        return model.from_dict(dict(record))
    except KeyError as exc:
        raise ConfigError(
            f"{collection.name} record lacks the required field {exc.args[0]}",
            field=f"{collection.name}.{record.get(collection.key, '?')}",
        ) from None
    except (ValueError, TypeError, AttributeError) as exc:
        # A value of the wrong type (a date that is no date): refused before sending too.
        raise ConfigError(
            f"{collection.name} record has a value the API cannot take ({exc})",
            field=f"{collection.name}.{record.get(collection.key, '?')}",
        ) from None


def drop_nulls(record: dict[str, Any]) -> dict[str, Any]:
    """The server echoes unset optionals as null but does not store them."""
    return {k: v for k, v in record.items() if v is not None}
