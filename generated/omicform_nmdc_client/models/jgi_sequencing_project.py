from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JgiSequencingProject")


@_attrs_define
class JgiSequencingProject:
    """
    Attributes:
        sequencing_project_name (str):
        sequencing_project_description (str):
        jgi_proposal_id (str):
        nmdc_study_id (str):
    """

    sequencing_project_name: str
    sequencing_project_description: str
    jgi_proposal_id: str
    nmdc_study_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sequencing_project_name = self.sequencing_project_name

        sequencing_project_description = self.sequencing_project_description

        jgi_proposal_id = self.jgi_proposal_id

        nmdc_study_id = self.nmdc_study_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sequencing_project_name": sequencing_project_name,
                "sequencing_project_description": sequencing_project_description,
                "jgi_proposal_id": jgi_proposal_id,
                "nmdc_study_id": nmdc_study_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sequencing_project_name = d.pop("sequencing_project_name")

        sequencing_project_description = d.pop("sequencing_project_description")

        jgi_proposal_id = d.pop("jgi_proposal_id")

        nmdc_study_id = d.pop("nmdc_study_id")

        jgi_sequencing_project = cls(
            sequencing_project_name=sequencing_project_name,
            sequencing_project_description=sequencing_project_description,
            jgi_proposal_id=jgi_proposal_id,
            nmdc_study_id=nmdc_study_id,
        )

        jgi_sequencing_project.additional_properties = d
        return jgi_sequencing_project

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
