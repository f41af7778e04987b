"""NMDC's workflow-file-staging collections, one `Row` each: the whole of what omicform
knows about a staging collection (its endpoint, its fields and their types, names for
messages, and the other rows it refers to). The staging kind (`kinds/staging.py`) is one
generic kind per row; the registry lists them all, so a new collection is one more row.
"""

from __future__ import annotations

from dataclasses import dataclass

from omicform.desired.fields import FieldSpec, Section, field_specs
from omicform.services.nmdc import Collection


@dataclass(frozen=True)
class RefersTo:
    """A field naming a record of another staging kind, which must be declared or exist."""

    field: str
    kind: str
    noun: str  # for messages: "sequencing project"


@dataclass(frozen=True)
class Row:
    """One staging record type: its collection and the fields its server model defines."""

    collection: Collection  # its path, natural key, update and duplicate answers
    fields: dict[str, FieldSpec]  # as the server's model defines them; the key among them
    plural: str  # for messages: "sequencing projects"
    noun: str  # for messages: "project"
    refers_to: tuple[RefersTo, ...] = ()

    @property
    def name(self) -> str:
        """The YAML section, the address prefix and the collection's name."""
        return self.collection.name

    @property
    def section(self) -> Section:
        return Section(self.name, self.collection.key, self.fields)


# In dependency order: a row may refer only to rows above it. Field lists follow
# nmdc-runtime's models (api/models/wfe_file_stages.py); tests/test_staging_sections.py
# keeps them equal to the generated client's.
ROWS = (
    Row(
        Collection(
            "/wf_file_staging/jgi_sequencing_projects", "sequencing_project_name", updatable=False
        ),
        field_specs(
            [
                "sequencing_project_name",
                "sequencing_project_description",
                "jgi_proposal_id",
                "nmdc_study_id",
            ],
            {},
            {},
        ),
        "sequencing projects",
        "project",
    ),
    Row(
        # A duplicate sample answers 409 (400 before nmdc-runtime 2.15).
        Collection("/wf_file_staging/jgi_samples", "jdp_file_id", duplicate_statuses=(400, 409)),
        field_specs(
            [
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
                "jdp_file_size",
                "jgi_ap_id",
                "create_date",
            ],
            {"md5sum": "str", "update_date": "datetime", "request_id": "int"},
            {"jdp_file_size": "int", "create_date": "datetime"},
        ),
        "samples",
        "sample",
        refers_to=(
            RefersTo("sequencing_project_name", "jgi_sequencing_projects", "sequencing project"),
        ),
    ),
    Row(
        Collection("/wf_file_staging/globus_tasks", "task_id"),
        field_specs(["task_id", "task_status"], {}, {}),
        "Globus tasks",
        "task",
    ),
)
