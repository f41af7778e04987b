from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from dateutil.parser import isoparse

from ..models.status_filter import StatusFilter, check_status_filter
from ..types import UNSET, Unset

T = TypeVar("T", bound="SearchRequest")


@_attrs_define
class SearchRequest:
    """
    Attributes:
        id (str | Unset): Substring of the submission id.
        submitter (str | Unset): Substring of the submitter (elevated users).
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        policy (str | Unset): Guess: open, embargo and restricted are seen (a manifest's `controlled` is stored as
            restricted); read as text, so another value (such as `controlled`) cannot make a submission unreadable.
        status (list[StatusFilter] | Unset):
    """

    id: str | Unset = UNSET
    submitter: str | Unset = UNSET
    start_date: datetime.date | Unset = UNSET
    end_date: datetime.date | Unset = UNSET
    policy: str | Unset = UNSET
    status: list[StatusFilter] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        submitter = self.submitter

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        policy = self.policy

        status: list[str] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = []
            for status_item_data in self.status:
                status_item: str = status_item_data
                status.append(status_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if submitter is not UNSET:
            field_dict["submitter"] = submitter
        if start_date is not UNSET:
            field_dict["start-date"] = start_date
        if end_date is not UNSET:
            field_dict["end-date"] = end_date
        if policy is not UNSET:
            field_dict["policy"] = policy
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        submitter = d.pop("submitter", UNSET)

        _start_date = d.pop("start-date", UNSET)
        start_date: datetime.date | Unset
        if isinstance(_start_date, Unset):
            start_date = UNSET
        else:
            start_date = isoparse(_start_date).date()

        _end_date = d.pop("end-date", UNSET)
        end_date: datetime.date | Unset
        if isinstance(_end_date, Unset):
            end_date = UNSET
        else:
            end_date = isoparse(_end_date).date()

        policy = d.pop("policy", UNSET)

        _status = d.pop("status", UNSET)
        status: list[StatusFilter] | Unset = UNSET
        if _status is not UNSET:
            status = []
            for status_item_data in _status:
                status_item = check_status_filter(status_item_data)

                status.append(status_item)

        search_request = cls(
            id=id,
            submitter=submitter,
            start_date=start_date,
            end_date=end_date,
            policy=policy,
            status=status,
        )

        search_request.additional_properties = d
        return search_request

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
