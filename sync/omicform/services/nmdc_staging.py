"""NMDC's three workflow-file-staging collections: their keys, paths and generated calls."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
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


class StagingKind(enum.Enum):
    """The three workflow-file-staging collections, with their natural keys."""

    JGI_SEQUENCING_PROJECTS = "jgi_sequencing_projects"
    JGI_SAMPLES = "jgi_samples"
    GLOBUS_TASKS = "globus_tasks"

    @property
    def key(self) -> str:
        return _KEYS[self]

    @property
    def path(self) -> str:
        return f"/wf_file_staging/{self.value}"

    @property
    def updatable(self) -> bool:
        """Sequencing projects have no update call at all."""
        return self is not StagingKind.JGI_SEQUENCING_PROJECTS

    @property
    def duplicate_statuses(self) -> tuple[int, ...]:
        """What a create answers when the key exists: 400, or 409 for samples (400 before 2.15)."""
        return (400, 409) if self is StagingKind.JGI_SAMPLES else (400,)


_KEYS = {
    StagingKind.JGI_SEQUENCING_PROJECTS: "sequencing_project_name",
    StagingKind.JGI_SAMPLES: "jdp_file_id",
    StagingKind.GLOBUS_TASKS: "task_id",
}


LISTERS: dict[StagingKind, Callable[..., Response[Any]]] = {
    StagingKind.JGI_SEQUENCING_PROJECTS: list_jgi_sequencing_projects.sync_detailed,
    StagingKind.JGI_SAMPLES: list_jgi_samples.sync_detailed,
    StagingKind.GLOBUS_TASKS: list_globus_tasks.sync_detailed,
}
GETTERS: dict[StagingKind, Callable[..., Response[Any]]] = {
    StagingKind.JGI_SEQUENCING_PROJECTS: get_jgi_sequencing_project.sync_detailed,
    StagingKind.GLOBUS_TASKS: get_globus_task.sync_detailed,
}
CREATORS: dict[StagingKind, tuple[Any, Callable[..., Response[Any]]]] = {
    StagingKind.JGI_SEQUENCING_PROJECTS: (
        JgiSequencingProject,
        create_jgi_sequencing_project.sync_detailed,
    ),
    StagingKind.JGI_SAMPLES: (JgiSample, create_jgi_sample.sync_detailed),
    StagingKind.GLOBUS_TASKS: (GlobusTask, create_globus_task.sync_detailed),
}
UPDATERS: dict[StagingKind, tuple[Any, Callable[..., Response[Any]]]] = {
    StagingKind.JGI_SAMPLES: (JgiSample, update_jgi_sample.sync_detailed),
    StagingKind.GLOBUS_TASKS: (GlobusTask, update_globus_task.sync_detailed),
}


def request_body(model: Any, kind: StagingKind, record: Mapping[str, Any]) -> Any:
    """The typed request body; a missing required field is refused before anything is sent."""
    try:
        return model.from_dict(dict(record))
    except KeyError as exc:
        raise ConfigError(
            f"{kind.value} record lacks the required field {exc.args[0]}",
            field=f"{kind.value}.{record.get(kind.key, '?')}",
        ) from None
    except (ValueError, TypeError, AttributeError) as exc:
        # A value of the wrong type (a date that is no date): refused before sending too.
        raise ConfigError(
            f"{kind.value} record has a value the API cannot take ({exc})",
            field=f"{kind.value}.{record.get(kind.key, '?')}",
        ) from None


def drop_nulls(record: dict[str, Any]) -> dict[str, Any]:
    """The server echoes unset optionals as null but does not store them."""
    return {k: v for k, v in record.items() if v is not None}
