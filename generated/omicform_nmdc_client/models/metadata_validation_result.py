from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata_validation_result_detail import MetadataValidationResultDetail


T = TypeVar("T", bound="MetadataValidationResult")


@_attrs_define
class MetadataValidationResult:
    """
    Attributes:
        result (str): `All Okay!` or `errors`.
        detail (MetadataValidationResultDetail | Unset): Error messages per collection.
    """

    result: str
    detail: MetadataValidationResultDetail | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = self.result

        detail: dict[str, Any] | Unset = UNSET
        if not isinstance(self.detail, Unset):
            detail = self.detail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "result": result,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata_validation_result_detail import MetadataValidationResultDetail

        d = dict(src_dict)
        result = d.pop("result")

        _detail = d.pop("detail", UNSET)
        detail: MetadataValidationResultDetail | Unset
        if isinstance(_detail, Unset):
            detail = UNSET
        else:
            detail = MetadataValidationResultDetail.from_dict(_detail)

        metadata_validation_result = cls(
            result=result,
            detail=detail,
        )

        metadata_validation_result.additional_properties = d
        return metadata_validation_result

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
