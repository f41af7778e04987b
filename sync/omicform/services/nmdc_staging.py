"""NMDC's workflow-file-staging collections as the HTTP layer sees them: a `Collection`
value (its path, natural key, update and duplicate answers) names one, and the generated
calls of each collection are looked up by its name.

The collections themselves are declared once, by the staging kind's rows
(`kinds/staging_rows.py`); this module knows only the endpoints the generated client has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from omicform_nmdc_client.types import Response

from omicform.errors import ConfigError

_CALLS = "omicform_nmdc_client.api.wf_file_staging"


def models() -> Any:
    """The generated models' package, imported on first use."""
    import omicform_nmdc_client.models as found

    return found


class Endpoint(NamedTuple):
    """One generated call, named rather than imported: a run imports only the calls it makes
    and their models (a plan of samples never imports the create or globus calls)."""

    module: str  # under omicform_nmdc_client.api.wf_file_staging
    model: str  # what it answers with (and, to create or update, takes): a model's name
    record: str = ""  # for a list: the model of one listed record

    def call(self) -> Callable[..., Response[Any]]:
        return self._generated("sync_detailed")  # type: ignore[no-any-return]

    def request(self) -> Callable[..., dict[str, Any]]:
        """The generated call's request, unsent: `httpx.Client.request(**request(...))` puts
        on the wire what `call()` would. For lists, whose answers are read without the
        generated models (nmdc_pages.py)."""
        return self._generated("_get_kwargs")  # type: ignore[no-any-return]

    def _generated(self, name: str) -> Any:
        # `__import__`, not importlib.import_module: `python -X importtime` reports it.
        return getattr(__import__(f"{_CALLS}.{self.module}", fromlist=[name]), name)

    def answer(self) -> type[Any]:
        return getattr(models(), self.model)  # type: ignore[no-any-return]


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
LISTERS: dict[str, Endpoint] = {
    "jgi_sequencing_projects": Endpoint(
        "list_jgi_sequencing_projects", "JgiSequencingProjectPage", "JgiSequencingProjectDoc"
    ),
    "jgi_samples": Endpoint("list_jgi_samples", "JgiSamplePage", "JgiSampleDoc"),
    "globus_tasks": Endpoint("list_globus_tasks", "GlobusTaskPage", "GlobusTaskDoc"),
}
GETTERS: dict[str, Endpoint] = {
    "jgi_sequencing_projects": Endpoint("get_jgi_sequencing_project", "JgiSequencingProject"),
    "globus_tasks": Endpoint("get_globus_task", "GlobusTask"),
}
CREATORS: dict[str, Endpoint] = {
    "jgi_sequencing_projects": Endpoint("create_jgi_sequencing_project", "JgiSequencingProject"),
    "jgi_samples": Endpoint("create_jgi_sample", "JgiSample"),
    "globus_tasks": Endpoint("create_globus_task", "GlobusTask"),
}
UPDATERS: dict[str, Endpoint] = {
    "jgi_samples": Endpoint("update_jgi_sample", "JgiSample"),
    "globus_tasks": Endpoint("update_globus_task", "GlobusTask"),
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
