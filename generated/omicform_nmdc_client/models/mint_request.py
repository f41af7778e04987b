from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.schema_class_ref import SchemaClassRef


T = TypeVar("T", bound="MintRequest")


@_attrs_define
class MintRequest:
    """
    Attributes:
        schema_class (SchemaClassRef):
        how_many (int):
    """

    schema_class: SchemaClassRef
    how_many: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        schema_class = self.schema_class.to_dict()

        how_many = self.how_many

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "schema_class": schema_class,
                "how_many": how_many,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schema_class_ref import SchemaClassRef

        d = dict(src_dict)
        schema_class = SchemaClassRef.from_dict(d.pop("schema_class"))

        how_many = d.pop("how_many")

        mint_request = cls(
            schema_class=schema_class,
            how_many=how_many,
        )

        mint_request.additional_properties = d
        return mint_request

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
