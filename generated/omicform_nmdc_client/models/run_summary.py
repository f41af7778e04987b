from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_status import RunStatus, check_run_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_summary import JobSummary


T = TypeVar("T", bound="RunSummary")


@_attrs_define
class RunSummary:
    """
    Attributes:
        id (str):
        status (RunStatus):
        producer (str | Unset):
        schema_url (str | Unset):
        started_at_time (str | Unset):
        was_started_by (str | Unset):
        inputs (list[str] | Unset):
        outputs (list[str] | Unset):
        job (JobSummary | Unset):
    """

    id: str
    status: RunStatus
    producer: str | Unset = UNSET
    schema_url: str | Unset = UNSET
    started_at_time: str | Unset = UNSET
    was_started_by: str | Unset = UNSET
    inputs: list[str] | Unset = UNSET
    outputs: list[str] | Unset = UNSET
    job: JobSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status: str = self.status

        producer = self.producer

        schema_url = self.schema_url

        started_at_time = self.started_at_time

        was_started_by = self.was_started_by

        inputs: list[str] | Unset = UNSET
        if not isinstance(self.inputs, Unset):
            inputs = self.inputs

        outputs: list[str] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = self.outputs

        job: dict[str, Any] | Unset = UNSET
        if not isinstance(self.job, Unset):
            job = self.job.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if producer is not UNSET:
            field_dict["producer"] = producer
        if schema_url is not UNSET:
            field_dict["schemaURL"] = schema_url
        if started_at_time is not UNSET:
            field_dict["started_at_time"] = started_at_time
        if was_started_by is not UNSET:
            field_dict["was_started_by"] = was_started_by
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if job is not UNSET:
            field_dict["job"] = job

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_summary import JobSummary

        d = dict(src_dict)
        id = d.pop("id")

        status = check_run_status(d.pop("status"))

        producer = d.pop("producer", UNSET)

        schema_url = d.pop("schemaURL", UNSET)

        started_at_time = d.pop("started_at_time", UNSET)

        was_started_by = d.pop("was_started_by", UNSET)

        inputs = cast(list[str], d.pop("inputs", UNSET))

        outputs = cast(list[str], d.pop("outputs", UNSET))

        _job = d.pop("job", UNSET)
        job: JobSummary | Unset
        if isinstance(_job, Unset):
            job = UNSET
        else:
            job = JobSummary.from_dict(_job)

        run_summary = cls(
            id=id,
            status=status,
            producer=producer,
            schema_url=schema_url,
            started_at_time=started_at_time,
            was_started_by=was_started_by,
            inputs=inputs,
            outputs=outputs,
            job=job,
        )

        run_summary.additional_properties = d
        return run_summary

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
