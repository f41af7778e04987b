from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="SubmissionUpload")


@_attrs_define
class SubmissionUpload:
    """
    Attributes:
        manifest (File): The manifest TSV; send the file's original name (ending in `manifest.tsv`).
        notification (str | Unset): Optional webhook document as JSON text: url (https only), method (GET/POST/PUT),
            auth_type (none/secret_token/basic/bearer_token/api_key), auth_details, headers.
    """

    manifest: File
    notification: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        manifest = self.manifest.to_tuple()

        notification = self.notification

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "manifest": manifest,
            }
        )
        if notification is not UNSET:
            field_dict["notification"] = notification

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("manifest", self.manifest.to_tuple()))

        if not isinstance(self.notification, Unset):
            files.append(("notification", (None, str(self.notification).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        manifest = File(payload=BytesIO(d.pop("manifest")))

        notification = d.pop("notification", UNSET)

        submission_upload = cls(
            manifest=manifest,
            notification=notification,
        )

        submission_upload.additional_properties = d
        return submission_upload

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
