from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Versions")


@_attrs_define
class Versions:
    """Package versions by name (nmdc-runtime, fastapi, nmdc-schema).

    Attributes:
        nmdc_runtime (str | Unset):
        fastapi (str | Unset):
        nmdc_schema (str | Unset):
    """

    nmdc_runtime: str | Unset = UNSET
    fastapi: str | Unset = UNSET
    nmdc_schema: str | Unset = UNSET
    additional_properties: dict[str, str] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nmdc_runtime = self.nmdc_runtime

        fastapi = self.fastapi

        nmdc_schema = self.nmdc_schema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if nmdc_runtime is not UNSET:
            field_dict["nmdc-runtime"] = nmdc_runtime
        if fastapi is not UNSET:
            field_dict["fastapi"] = fastapi
        if nmdc_schema is not UNSET:
            field_dict["nmdc-schema"] = nmdc_schema

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        nmdc_runtime = d.pop("nmdc-runtime", UNSET)

        fastapi = d.pop("fastapi", UNSET)

        nmdc_schema = d.pop("nmdc-schema", UNSET)

        versions = cls(
            nmdc_runtime=nmdc_runtime,
            fastapi=fastapi,
            nmdc_schema=nmdc_schema,
        )

        versions.additional_properties = d
        return versions

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
