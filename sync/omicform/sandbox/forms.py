"""Request bodies that are forms: URL-encoded (NMDC's /token) and multipart (NeMO uploads).

Starlette parses forms only with the python-multipart package, which omicform does not
depend on; both formats are small enough to read with the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class FormPart:
    name: str
    content: bytes
    filename: str | None = None
    content_type: str | None = None

    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class FormError(ValueError):
    """The body does not parse as the form its Content-Type announces."""


def _header_params(value: str, header: str = "content-type") -> Message:
    message = Message()
    message[header] = value
    return message


def media_type(content_type: str | None) -> str:
    return _header_params(content_type or "").get_content_type() if content_type else ""


def parse_urlencoded(body: bytes) -> dict[str, str]:
    """Last value wins for a repeated field, as FastAPI's Form() reads it."""
    return dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))


def parse_multipart(body: bytes, content_type: str) -> list[FormPart]:
    boundary = _header_params(content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise FormError("multipart body without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2:
        raise FormError("multipart body without parts")
    parts: list[FormPart] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise FormError("multipart part without headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""), "content-disposition")
        field = disposition.get_param("name", header="content-disposition")
        if not isinstance(field, str):
            raise FormError("multipart part without a name")
        filename = disposition.get_param("filename", header="content-disposition")
        parts.append(
            FormPart(
                name=field,
                content=content,
                filename=filename if isinstance(filename, str) else None,
                content_type=headers.get("content-type"),
            )
        )
    return parts
