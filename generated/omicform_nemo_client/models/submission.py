from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.step import Step


T = TypeVar("T", bound="Submission")


@_attrs_define
class Submission:
    """
    Attributes:
        id (str): Seven letters and digits, globally unique.
        submitter (str):
        creation (datetime.datetime):
        complete (bool): True when all six steps succeeded or one failed.
        success (bool): True only when all six steps succeeded.
        steps (list[Step]): Finished steps (succeeded or failed), in order.
        policy (None | str | Unset): Absent or null while the manifest is not validated, and null when validation failed
            (NeMO's ingest code leaves it unset then).
    """

    id: str
    submitter: str
    creation: datetime.datetime
    complete: bool
    success: bool
    steps: list[Step]
    policy: str | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        submitter = self.submitter

        creation = self.creation.isoformat()

        complete = self.complete

        success = self.success

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        policy: str | Unset | None
        if isinstance(self.policy, Unset):
            policy = UNSET
        else:
            policy = self.policy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "submitter": submitter,
                "creation": creation,
                "complete": complete,
                "success": success,
                "steps": steps,
            }
        )
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.step import Step

        d = dict(src_dict)
        id = d.pop("id")

        submitter = d.pop("submitter")

        creation = isoparse(d.pop("creation"))

        complete = d.pop("complete")

        success = d.pop("success")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = Step.from_dict(steps_item_data)

            steps.append(steps_item)

        def _parse_policy(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        policy = _parse_policy(d.pop("policy", UNSET))

        submission = cls(
            id=id,
            submitter=submitter,
            creation=creation,
            complete=complete,
            success=success,
            steps=steps,
            policy=policy,
        )

        submission.additional_properties = d
        return submission

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
