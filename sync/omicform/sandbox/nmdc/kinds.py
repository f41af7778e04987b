"""The three workflow-file-staging collections: their fields, keys and duplicate answers.

Field lists mirror nmdc-runtime's pydantic models (`api/models/wfe_file_stages.py`) in
their order, which is the order of validation errors and of echoed records.
"""

from __future__ import annotations

from dataclasses import dataclass

from omicform.sandbox.nmdc.fields import Field


@dataclass(frozen=True)
class Kind:
    name: str  # the URL segment, e.g. "jgi_samples"
    key: str  # the natural key field
    fields: tuple[Field, ...]
    duplicate_status: int
    duplicate_text: str  # formatted with the key's value

    @property
    def collection(self) -> str:
        """The server's MongoDB collection name (page tokens remember it)."""
        return f"wf_file_staging.{self.name}"

    def duplicate_detail(self, key: str) -> str:
        return self.duplicate_text.format(key)


def _strings(*names: str) -> tuple[Field, ...]:
    return tuple(Field(name, "str") for name in names)


SEQUENCING_PROJECTS = Kind(
    name="jgi_sequencing_projects",
    key="sequencing_project_name",
    fields=_strings(
        "sequencing_project_name",
        "sequencing_project_description",
        "jgi_proposal_id",
        "nmdc_study_id",
    ),
    duplicate_status=400,
    duplicate_text="JGISequencingProject with project name {} already exists.",
)

SAMPLES = Kind(
    name="jgi_samples",
    key="jdp_file_id",
    fields=(
        *_strings(
            "jdp_file_id",
            "ap_gold_id",
            "gold_study_id",
            "its_ap_id",
            "sequencing_project_name",
            "gold_biosample_id",
            "gold_seq_id",
            "file_name",
            "jdp_file_status",
            "globus_file_status",
        ),
        Field("jdp_file_size", "int"),
        Field("md5sum", "str", required=False),
        Field("jgi_ap_id", "str"),
        Field("create_date", "datetime"),
        Field("update_date", "datetime", required=False),
        Field("request_id", "int", required=False),
    ),
    duplicate_status=409,
    duplicate_text="JGI sample with jdp_file_id {} already exists.",
)

GLOBUS_TASKS = Kind(
    name="globus_tasks",
    key="task_id",
    fields=_strings("task_id", "task_status"),
    duplicate_status=400,
    duplicate_text="Globus task with task_id {} already exists.",
)

KINDS = {kind.name: kind for kind in (SEQUENCING_PROJECTS, SAMPLES, GLOBUS_TASKS)}

MISMATCH_TEXT = {
    "jgi_samples": "Cannot modify jdp_file_id (jdp_file_id in path and body must match).",
    "globus_tasks": "task_id in path and body must match.",
}
