"""Reading a JSON request body the way FastAPI does, with FastAPI's answers when it fails.

FastAPI parses the body before it resolves any dependency, so a malformed body is a 422
even without a token; a body that is well-formed JSON but wrong is checked after auth.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from omicform.sandbox import jsonbody
from omicform.sandbox.forms import media_type
from omicform.sandbox.nmdc.fields import Invalid, issue, missing
from omicform.sandbox.responses import ApiError


class _Missing:
    def __repr__(self) -> str:
        return "<no body>"


NO_BODY = _Missing()


def unprocessable(issues: list[dict[str, Any]]) -> ApiError:
    return ApiError(422, {"detail": issues})


async def read_json(request: Request) -> Any:
    """The parsed body, NO_BODY when there is none, or the raw text for a non-JSON type."""
    raw = await request.body()
    if not raw:
        return NO_BODY
    content_type = request.headers.get("content-type")
    kind = media_type(content_type)
    if content_type and not (kind == "application/json" or kind.endswith("+json")):
        return raw.decode("utf-8", "replace")
    try:
        return jsonbody.loads(raw)
    except json.JSONDecodeError as exc:  # also a bare NaN or Infinity
        raise unprocessable(
            [issue("json_invalid", ("body", exc.pos), "JSON decode error", {}, {"error": exc.msg})]
        ) from None
    except ValueError:
        # Not UTF-8, too deep, out of range: FastAPI's answer when json.loads fails with
        # anything but a syntax error (a RecursionError, a UnicodeDecodeError).
        raise ApiError(400, {"detail": "There was an error parsing the body"}) from None


def require_body(body: Any) -> Any:
    if body is NO_BODY:
        raise unprocessable([missing(("body",), None)])
    return body


def invalid(exc: Invalid) -> ApiError:
    return unprocessable(exc.issues)
