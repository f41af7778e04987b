from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JgiSampleDoc")


@_attrs_define
class JgiSampleDoc:
    """A listed sample; any field may be absent under a projection. Datetimes come back without a time zone.

    Attributes:
        jdp_file_id (str | Unset):
        ap_gold_id (str | Unset):
        gold_study_id (str | Unset):
        its_ap_id (str | Unset):
        sequencing_project_name (str | Unset):
        gold_biosample_id (str | Unset):
        gold_seq_id (str | Unset):
        file_name (str | Unset):
        jdp_file_status (str | Unset):
        globus_file_status (str | Unset):
        jdp_file_size (int | Unset):
        md5sum (None | str | Unset):
        jgi_ap_id (str | Unset):
        create_date (str | Unset): ISO 8601 date and time. Sent with a zone (`2023-01-01T00:00:00Z`); a create echoes it
            as sent, but the server stores UTC at millisecond precision and reads it back without
            a zone (`2023-01-01T00:00:00`), so this is not RFC 3339 `date-time`.
        update_date (None | str | Unset):
        request_id (int | None | Unset):
    """

    jdp_file_id: str | Unset = UNSET
    ap_gold_id: str | Unset = UNSET
    gold_study_id: str | Unset = UNSET
    its_ap_id: str | Unset = UNSET
    sequencing_project_name: str | Unset = UNSET
    gold_biosample_id: str | Unset = UNSET
    gold_seq_id: str | Unset = UNSET
    file_name: str | Unset = UNSET
    jdp_file_status: str | Unset = UNSET
    globus_file_status: str | Unset = UNSET
    jdp_file_size: int | Unset = UNSET
    md5sum: str | Unset | None = UNSET
    jgi_ap_id: str | Unset = UNSET
    create_date: str | Unset = UNSET
    update_date: str | Unset | None = UNSET
    request_id: int | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        jdp_file_id = self.jdp_file_id

        ap_gold_id = self.ap_gold_id

        gold_study_id = self.gold_study_id

        its_ap_id = self.its_ap_id

        sequencing_project_name = self.sequencing_project_name

        gold_biosample_id = self.gold_biosample_id

        gold_seq_id = self.gold_seq_id

        file_name = self.file_name

        jdp_file_status = self.jdp_file_status

        globus_file_status = self.globus_file_status

        jdp_file_size = self.jdp_file_size

        md5sum: str | Unset | None
        if isinstance(self.md5sum, Unset):
            md5sum = UNSET
        else:
            md5sum = self.md5sum

        jgi_ap_id = self.jgi_ap_id

        create_date = self.create_date

        update_date: str | Unset | None
        if isinstance(self.update_date, Unset):
            update_date = UNSET
        else:
            update_date = self.update_date

        request_id: int | Unset | None
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if jdp_file_id is not UNSET:
            field_dict["jdp_file_id"] = jdp_file_id
        if ap_gold_id is not UNSET:
            field_dict["ap_gold_id"] = ap_gold_id
        if gold_study_id is not UNSET:
            field_dict["gold_study_id"] = gold_study_id
        if its_ap_id is not UNSET:
            field_dict["its_ap_id"] = its_ap_id
        if sequencing_project_name is not UNSET:
            field_dict["sequencing_project_name"] = sequencing_project_name
        if gold_biosample_id is not UNSET:
            field_dict["gold_biosample_id"] = gold_biosample_id
        if gold_seq_id is not UNSET:
            field_dict["gold_seq_id"] = gold_seq_id
        if file_name is not UNSET:
            field_dict["file_name"] = file_name
        if jdp_file_status is not UNSET:
            field_dict["jdp_file_status"] = jdp_file_status
        if globus_file_status is not UNSET:
            field_dict["globus_file_status"] = globus_file_status
        if jdp_file_size is not UNSET:
            field_dict["jdp_file_size"] = jdp_file_size
        if md5sum is not UNSET:
            field_dict["md5sum"] = md5sum
        if jgi_ap_id is not UNSET:
            field_dict["jgi_ap_id"] = jgi_ap_id
        if create_date is not UNSET:
            field_dict["create_date"] = create_date
        if update_date is not UNSET:
            field_dict["update_date"] = update_date
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        jdp_file_id = d.pop("jdp_file_id", UNSET)

        ap_gold_id = d.pop("ap_gold_id", UNSET)

        gold_study_id = d.pop("gold_study_id", UNSET)

        its_ap_id = d.pop("its_ap_id", UNSET)

        sequencing_project_name = d.pop("sequencing_project_name", UNSET)

        gold_biosample_id = d.pop("gold_biosample_id", UNSET)

        gold_seq_id = d.pop("gold_seq_id", UNSET)

        file_name = d.pop("file_name", UNSET)

        jdp_file_status = d.pop("jdp_file_status", UNSET)

        globus_file_status = d.pop("globus_file_status", UNSET)

        jdp_file_size = d.pop("jdp_file_size", UNSET)

        def _parse_md5sum(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        md5sum = _parse_md5sum(d.pop("md5sum", UNSET))

        jgi_ap_id = d.pop("jgi_ap_id", UNSET)

        create_date = d.pop("create_date", UNSET)

        def _parse_update_date(data: object) -> str | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        update_date = _parse_update_date(d.pop("update_date", UNSET))

        def _parse_request_id(data: object) -> int | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        jgi_sample_doc = cls(
            jdp_file_id=jdp_file_id,
            ap_gold_id=ap_gold_id,
            gold_study_id=gold_study_id,
            its_ap_id=its_ap_id,
            sequencing_project_name=sequencing_project_name,
            gold_biosample_id=gold_biosample_id,
            gold_seq_id=gold_seq_id,
            file_name=file_name,
            jdp_file_status=jdp_file_status,
            globus_file_status=globus_file_status,
            jdp_file_size=jdp_file_size,
            md5sum=md5sum,
            jgi_ap_id=jgi_ap_id,
            create_date=create_date,
            update_date=update_date,
            request_id=request_id,
        )

        jgi_sample_doc.additional_properties = d
        return jgi_sample_doc

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
