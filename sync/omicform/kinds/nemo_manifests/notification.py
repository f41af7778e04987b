"""A manifest's `notification:`: the webhook NeMO calls as the submission advances.

NeMO's documented shape (submission-api.md, "Notification Document Fields"): `url` (https
only, at most 512 characters), `method` (GET, POST, PUT), `auth_type` (none, secret_token,
basic, bearer_token, api_key), `auth_details` (null for none; else an object whose fields
depend on the type) and optional `headers` (text to text). It is sent with the submission
only: NeMO has no call to change it afterwards.

`auth_details` is a credential, so it never appears in the file, a plan or state: the file
names the environment variable that holds it (`auth_details_env`), read when the document
is sent. The variable holds the token (secret_token, bearer_token, api_key),
`username:password` (basic), or the whole `auth_details` object as JSON (to add a
`header_name`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from omicform.desired.model import Origin
from omicform.desired.sections import error_at, only
from omicform.desired.yamlfile import LineMap
from omicform.errors import ConfigError, MissingCredentials
from omicform.kinds.nemo_manifests.declared import NemoManifest

METHODS = ("GET", "POST", "PUT")
AUTH_TYPES = ("none", "secret_token", "basic", "bearer_token", "api_key")
KEYS = {"url", "method", "auth_type", "auth_details_env", "headers"}
MAX_URL = 512
# What each auth_type's object holds (NeMO's documented fields): required, then optional.
DETAILS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "basic": (("username", "password"), ()),
    "bearer_token": (("token",), ()),
    "secret_token": (("token",), ("header_name",)),
    "api_key": (("token",), ("header_name",)),
}
REFUSED = (
    "NeMO's 422 \"The 'notification' document was invalid.\": it refused the submission, "
    "so nothing was created"
)


def load_notification(spec: Any, where: Origin, address: str) -> dict[str, Any]:
    """The checked `notification:` of one manifest, as plain data (no secret in it)."""
    field = f"{address}.notification"
    if not isinstance(spec, LineMap):
        raise ConfigError(
            "expected a mapping (url, method, auth_type, auth_details_env, headers)",
            file=where.file,
            line=where.line,
            field=field,
        )
    at = Origin(where.file, spec.line or where.line)
    if "auth_details" in spec:
        raise ConfigError(
            "auth_details is a credential and is never written in the file",
            file=at.file,
            line=spec.line_of("auth_details"),
            field=f"{field}.auth_details",
            hint="Name the environment variable that holds it: `auth_details_env: NAME` "
            "(the token, `username:password` for basic, or the auth_details object as JSON).",
        )
    only(spec, KEYS, at, field)
    document: dict[str, Any] = {
        "url": _url(spec, at, field),
        "method": _choice(spec, "method", METHODS, at, field),
        "auth_type": _choice(spec, "auth_type", AUTH_TYPES, at, field),
    }
    env = spec.get("auth_details_env")
    if document["auth_type"] == "none":
        if env is not None:
            raise error_at(
                at, spec, "auth_details_env", f"{field}.auth_details_env",
                "auth_type none sends no auth_details: leave auth_details_env out",
            )  # fmt: skip
    elif not isinstance(env, str) or not env.strip():
        raise error_at(
            at, spec, "auth_details_env", f"{field}.auth_details_env",
            f"auth_type {document['auth_type']} needs auth_details: name the environment "
            "variable that holds them",
        )  # fmt: skip
    else:
        document["auth_details_env"] = env
    if "headers" in spec:
        document["headers"] = _headers(spec["headers"], spec, at, field)
    return document


def _url(spec: LineMap, at: Origin, field: str) -> str:
    url = spec.get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise error_at(at, spec, "url", f"{field}.url", "expected an https:// URL (NeMO's rule)")
    if len(url) > MAX_URL:
        raise error_at(at, spec, "url", f"{field}.url", f"longer than {MAX_URL} characters")
    return url


def _choice(spec: LineMap, key: str, allowed: tuple[str, ...], at: Origin, field: str) -> str:
    value = spec.get(key)
    if value not in allowed:
        raise error_at(at, spec, key, f"{field}.{key}", "expected one of " + ", ".join(allowed))
    return str(value)


def _headers(value: Any, spec: LineMap, at: Origin, field: str) -> dict[str, str]:
    if not isinstance(value, LineMap):
        raise error_at(at, spec, "headers", f"{field}.headers", "expected a mapping of text")
    for name, text in value.items():
        if not isinstance(text, str):
            raise ConfigError(
                "expected text (quote numbers and booleans)",
                file=at.file,
                line=value.line_of(name),
                field=f"{field}.headers.{name}",
            )
    return {str(k): v for k, v in value.items()}


def notification_of(item: NemoManifest) -> dict[str, Any] | None:
    """A copy of the manifest's checked document (naming its credential's variable)."""
    return dict(item.notification) if item.notification else None


def resolve(
    planned: Mapping[str, Any] | None, env: Mapping[str, str], address: str
) -> dict[str, Any] | None:
    """The document NeMO gets: auth_details read from the environment now, never stored."""
    if planned is None:
        return None
    document = {k: v for k, v in planned.items() if k != "auth_details_env"}
    auth_type = str(planned.get("auth_type"))
    if auth_type == "none":
        document["auth_details"] = None
        return document
    name = str(planned.get("auth_details_env"))
    value = env.get(name)
    if not value:
        raise MissingCredentials(
            f"{name} is not set: it holds the auth_details of the notification",
            field=f"{address}.notification.auth_details_env",
            hint=f"export {name} (the token, `username:password` for basic, or the "
            "auth_details object as JSON).",
        )
    document["auth_details"] = _details(auth_type, value, name, address)
    return document


def _details(auth_type: str, value: str, name: str, address: str) -> dict[str, str]:
    required, optional = DETAILS[auth_type]
    if value.lstrip().startswith("{"):
        try:
            found = json.loads(value)
        except (ValueError, RecursionError):
            found = None
        keys = set(found) if isinstance(found, dict) else set()
        if (
            not isinstance(found, dict)
            or not set(required) <= keys <= set(required) | set(optional)
            or not all(isinstance(v, str) for v in found.values())
        ):
            raise _bad_variable(name, address, required, optional)
        return dict(found)
    if auth_type == "basic":
        username, colon, password = value.partition(":")
        if not colon or not username:
            raise _bad_variable(name, address, required, optional)
        return {"username": username, "password": password}
    return {"token": value}


def _bad_variable(
    name: str, address: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> ConfigError:
    fields = ", ".join(required) + (f" (and optionally {', '.join(optional)})" if optional else "")
    return ConfigError(
        f"{name} does not hold what this auth_type needs: a JSON object with {fields} as text",
        field=f"{address}.notification.auth_details_env",
        hint="Or the token alone, or `username:password` for basic. (The value is not shown.)",
    )


def secrets_of(document: Mapping[str, Any]) -> list[str]:
    """The credential values inside a resolved document, for redaction."""
    details = document.get("auth_details")
    if not isinstance(details, Mapping):
        return []
    return [v for k, v in details.items() if k != "header_name" and isinstance(v, str) and v]


def refusal_hint(address: str, planned: Mapping[str, Any]) -> str:
    """What to fix after NeMO's 422: the parts NeMO checks that omicform could not."""
    name = planned.get("auth_details_env")
    holds = f"that {name} holds what auth_type {planned.get('auth_type')} needs, " if name else ""
    return (
        f"Check {address}.notification: {holds}that the url is https:// and at most "
        f"{MAX_URL} characters, and the headers. Nothing was created; apply again once fixed."
    )
