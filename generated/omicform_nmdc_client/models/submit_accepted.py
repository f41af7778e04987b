from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.submit_accepted_detail import SubmitAcceptedDetail


T = TypeVar("T", bound="SubmitAccepted")


@_attrs_define
class SubmitAccepted:
    """
    Attributes:
        type_ (str):
        detail (SubmitAcceptedDetail):
    """

    type_: str
    detail: SubmitAcceptedDetail
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        detail = self.detail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.submit_accepted_detail import SubmitAcceptedDetail

        d = dict(src_dict)
        type_ = d.pop("type")

        detail = SubmitAcceptedDetail.from_dict(d.pop("detail"))

        submit_accepted = cls(
            type_=type_,
            detail=detail,
        )

        submit_accepted.additional_properties = d
        return submit_accepted

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
