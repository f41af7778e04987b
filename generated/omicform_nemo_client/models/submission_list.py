from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.submission import Submission


T = TypeVar("T", bound="SubmissionList")


@_attrs_define
class SubmissionList:
    """
    Attributes:
        total (int):
        results (list[Submission]):
        page (int | Unset): The page number; the docs show it on a last page too, so its presence says nothing about
            more pages (`next` does).
        next_ (str | Unset): The full URL of the next page; present when more pages follow.
    """

    total: int
    results: list[Submission]
    page: int | Unset = UNSET
    next_: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        page = self.page

        next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "results": results,
            }
        )
        if page is not UNSET:
            field_dict["page"] = page
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.submission import Submission

        d = dict(src_dict)
        total = d.pop("total")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = Submission.from_dict(results_item_data)

            results.append(results_item)

        page = d.pop("page", UNSET)

        next_ = d.pop("next", UNSET)

        submission_list = cls(
            total=total,
            results=results,
            page=page,
            next_=next_,
        )

        submission_list.additional_properties = d
        return submission_list

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
