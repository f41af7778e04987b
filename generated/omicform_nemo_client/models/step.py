from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Step")


@_attrs_define
class Step:
    """
    Attributes:
        name (str): Guess: the docs name six steps (manifest_validated, upload_complete, qc_complete, https_release,
            gcp_release, portal_release) but do not promise the list is closed, so a step name is read as text: a seventh
            step must not make a submission unreadable.
        success (bool):
        date (str | Unset): Guess: the format is undocumented; kept as text.
        msg (str | Unset):
    """

    name: str
    success: bool
    date: str | Unset = UNSET
    msg: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        success = self.success

        date = self.date

        msg = self.msg

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "success": success,
            }
        )
        if date is not UNSET:
            field_dict["date"] = date
        if msg is not UNSET:
            field_dict["msg"] = msg

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        success = d.pop("success")

        date = d.pop("date", UNSET)

        msg = d.pop("msg", UNSET)

        step = cls(
            name=name,
            success=success,
            date=date,
            msg=msg,
        )

        step.additional_properties = d
        return step

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
