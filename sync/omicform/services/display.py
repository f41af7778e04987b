"""How a request's address is shown to people: in log lines and in error messages.

A list request's query holds a whole URL-encoded Mongo filter (thousands of characters at
2,000 keys a page); shown raw it buries everything else. So the query is decoded and cut
short, and an address never shows the credentials a URL can carry (`user:pass@host`).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

import httpx

QUERY_LIMIT = 80
ELLIPSIS = "…"


def _same(text: str) -> str:
    return text


def short_query(raw_query: bytes | str, redact: Callable[[str], str] = _same) -> str:
    """The query decoded, cleaned by `redact` (before cutting, so that no part of a secret
    survives the cut) and cut to `QUERY_LIMIT` characters, ending in … when cut."""
    text = raw_query.decode("ascii", "replace") if isinstance(raw_query, bytes) else raw_query
    decoded = redact(unquote_plus(text))
    if len(decoded) <= QUERY_LIMIT:
        return decoded
    return decoded[: QUERY_LIMIT - 1] + ELLIPSIS


def target(url: httpx.URL, redact: Callable[[str], str] = _same) -> str:
    """Path and shortened query: what one log line shows of a request."""
    query = url.query
    path = redact(url.path)
    return f"{path}?{short_query(query, redact)}" if query else path


def origin(url: httpx.URL) -> str:
    """Scheme, host and port only: never the user name or password a URL may carry."""
    if not url.host:  # a base URL without http(s)://: show what there is
        return ""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}"


def full_url(url: httpx.URL, redact: Callable[[str], str] = _same) -> str:
    """The address as a person would check it: origin, path and shortened query."""
    return redact(origin(url)) + target(url, redact)


def join(base_url: str, path: str, redact: Callable[[str], str] = _same) -> str:
    """`path` under `base_url` as shown in a message, when no request exists to read it from."""
    try:
        return full_url(httpx.URL(base_url.rstrip("/") + path), redact)
    except (httpx.InvalidURL, TypeError, ValueError):
        return redact(path)
