from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LoginSuccess")


@_attrs_define
class LoginSuccess:
    """
    Attributes:
        message (str):
        jwt (str):
        email (str | Unset):
        first (str | Unset):
        last (str | Unset):
        expire_at (int | Unset): Guess: the unit is undocumented; read the JWT `exp` claim instead.
    """

    message: str
    jwt: str
    email: str | Unset = UNSET
    first: str | Unset = UNSET
    last: str | Unset = UNSET
    expire_at: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        jwt = self.jwt

        email = self.email

        first = self.first

        last = self.last

        expire_at = self.expire_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "jwt": jwt,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if first is not UNSET:
            field_dict["first"] = first
        if last is not UNSET:
            field_dict["last"] = last
        if expire_at is not UNSET:
            field_dict["expireAt"] = expire_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        jwt = d.pop("jwt")

        email = d.pop("email", UNSET)

        first = d.pop("first", UNSET)

        last = d.pop("last", UNSET)

        expire_at = d.pop("expireAt", UNSET)

        login_success = cls(
            message=message,
            jwt=jwt,
            email=email,
            first=first,
            last=last,
            expire_at=expire_at,
        )

        login_success.additional_properties = d
        return login_success

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
