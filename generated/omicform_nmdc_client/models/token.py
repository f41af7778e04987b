from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.token_expires import TokenExpires


T = TypeVar("T", bound="Token")


@_attrs_define
class Token:
    """
    Attributes:
        access_token (str):
        token_type (str):
        expires (None | TokenExpires | Unset):
    """

    access_token: str
    token_type: str
    expires: TokenExpires | Unset | None = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.token_expires import TokenExpires

        access_token = self.access_token

        token_type = self.token_type

        expires: dict[str, Any] | Unset | None
        if isinstance(self.expires, Unset):
            expires = UNSET
        elif isinstance(self.expires, TokenExpires):
            expires = self.expires.to_dict()
        else:
            expires = self.expires

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
            }
        )
        if expires is not UNSET:
            field_dict["expires"] = expires

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token_expires import TokenExpires

        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = d.pop("token_type")

        def _parse_expires(data: object) -> TokenExpires | Unset | None:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                expires_type_0 = TokenExpires.from_dict(data)

                return expires_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TokenExpires | Unset, data)

        expires = _parse_expires(d.pop("expires", UNSET))

        token = cls(
            access_token=access_token,
            token_type=token_type,
            expires=expires,
        )

        token.additional_properties = d
        return token

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
