"""The optional webhook document of `POST /submission`, checked as NeMO documents it.

submission-api.md, "Notification Document Fields": url (https only, at most 512
characters), method, auth_type and auth_details are required, headers optional, nothing
else allowed; auth_details is null for `none` and an object whose fields depend on the type.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from omicform.sandbox import jsonbody


def _details(required: list[str], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    names = [*required, *optional]
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": {name: {"type": "string"} for name in names},
    }


def _when(auth_type: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": {"auth_type": {"const": auth_type}}},
        "then": {"properties": {"auth_details": details}},
    }


NOTIFICATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["url", "method", "auth_type", "auth_details"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": "string", "pattern": "^https://", "maxLength": 512},
        "method": {"enum": ["GET", "POST", "PUT"]},
        "auth_type": {"enum": ["none", "secret_token", "basic", "bearer_token", "api_key"]},
        "auth_details": {"type": ["object", "null"]},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "allOf": [
        _when("none", {"type": "null"}),
        _when("basic", _details(["username", "password"])),
        _when("bearer_token", _details(["token"])),
        _when("secret_token", _details(["token"], ("header_name",))),
        _when("api_key", _details(["token"], ("header_name",))),
    ],
}


@cache
def _is_valid() -> Any:
    # jsonschema is imported on first use: it is a tenth of the sandbox's start time.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(NOTIFICATION_SCHEMA).is_valid


def parse_notification(text: str) -> dict[str, Any] | None:
    """The document if it is valid JSON and follows the schema, else None."""
    try:
        document = jsonbody.loads(text)
    except ValueError:
        return None
    if not _is_valid()(document):
        return None
    return document if isinstance(document, dict) else None
