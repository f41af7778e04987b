from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JgiSequencingProjectDoc")


@_attrs_define
class JgiSequencingProjectDoc:
    """A listed project; any field may be absent under a projection.

    Attributes:
        sequencing_project_name (str | Unset):
        sequencing_project_description (str | Unset):
        jgi_proposal_id (str | Unset):
        nmdc_study_id (str | Unset):
    """

    sequencing_project_name: str | Unset = UNSET
    sequencing_project_description: str | Unset = UNSET
    jgi_proposal_id: str | Unset = UNSET
    nmdc_study_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sequencing_project_name = self.sequencing_project_name

        sequencing_project_description = self.sequencing_project_description

        jgi_proposal_id = self.jgi_proposal_id

        nmdc_study_id = self.nmdc_study_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sequencing_project_name is not UNSET:
            field_dict["sequencing_project_name"] = sequencing_project_name
        if sequencing_project_description is not UNSET:
            field_dict["sequencing_project_description"] = sequencing_project_description
        if jgi_proposal_id is not UNSET:
            field_dict["jgi_proposal_id"] = jgi_proposal_id
        if nmdc_study_id is not UNSET:
            field_dict["nmdc_study_id"] = nmdc_study_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sequencing_project_name = d.pop("sequencing_project_name", UNSET)

        sequencing_project_description = d.pop("sequencing_project_description", UNSET)

        jgi_proposal_id = d.pop("jgi_proposal_id", UNSET)

        nmdc_study_id = d.pop("nmdc_study_id", UNSET)

        jgi_sequencing_project_doc = cls(
            sequencing_project_name=sequencing_project_name,
            sequencing_project_description=sequencing_project_description,
            jgi_proposal_id=jgi_proposal_id,
            nmdc_study_id=nmdc_study_id,
        )

        jgi_sequencing_project_doc.additional_properties = d
        return jgi_sequencing_project_doc

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
