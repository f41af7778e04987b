"""Reading an NMDC list page straight from its JSON, without the generated typed models.

A plan of 10,000 samples reads five pages of 2,000 records; turning each record into the
generated `...Doc` model and back into a dict (`from_dict`, then `to_dict`) cost about as
much client CPU as everything else about the page together (bench/compare.py, issue #14).
That round trip checks nothing a list needs: every field of a listed record is optional
(a projection may leave any out) and typed `Any`-like, so the dict it gives back is the
record as sent, with its keys put in the model's order.

This reads the same things the round trip relied on, and refuses what it refused: the
answer must be a JSON object whose `resources` is a list of JSON objects (the models also
took an empty object for an empty list; this does not); a `next_page_token` that is not
text means there is no next page. Keys come out in the
order `to_dict` gives them (fields the model does not know first, then the model's own in
its order), so what a caller sees (`omicform adopt --dump` writes the keys in this order)
stays as it was. The request is still built by the generated code (`Endpoint.request`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import attrs
import httpx

MAX_LAYOUTS = 64  # distinct key orders remembered; a page usually has one
TAIL = 512  # bytes at the end of an answer searched for its next_page_token

# The answer's last member, when it is `"next_page_token": "<text without " or \>"`: the
# quotes around the key and the value follow a `{`, `,`, `:` or blank, so none is escaped,
# and the value's closing quote is followed only by the `}` that closes the answer. In any
# well-formed JSON object that ends so, that is the object's own next_page_token (the last
# one, if repeated: the one json.loads keeps).
_TOKEN_AT_END = re.compile(rb'[{,]\s*"next_page_token"\s*:\s*"([^"\\]*)"\s*}\s*\Z')


def next_token_at_end(response: httpx.Response) -> str | None:
    """The page's next_page_token, found without parsing the page, when its answer ends
    with it (as nmdc-runtime's and the sandbox's do); None when it does not say so there.
    `PageReader.read` then finds the same token, or refuses the page."""
    content = response.content
    found = _TOKEN_AT_END.search(content, max(0, len(content) - TAIL))
    if found is None:
        return None
    try:
        return found.group(1).decode("utf-8") or None
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class Page:
    """One page of an NMDC list, and the token of the next."""

    items: list[dict[str, Any]]
    next_token: str | None


class PageReader:
    """Reads the pages of one list endpoint; `model` is its generated record model."""

    def __init__(self, model: type[Any]) -> None:
        self._order = tuple(
            f.name for f in attrs.fields(model) if f.name != "additional_properties"
        )
        self._known = frozenset(self._order)
        # Key order as received -> the order to_dict would give (None: the same already).
        self._layouts: dict[tuple[str, ...], tuple[str, ...] | None] = {}

    def read(self, content: bytes) -> Page | None:
        """The page in `content`, or None if it is not a page of this list."""
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):  # not JSON (or nested past the parser's limit)
            return None
        if not isinstance(body, dict):
            return None
        resources = body.get("resources")
        if not isinstance(resources, list):
            return None
        items: list[dict[str, Any]] = []
        for record in resources:
            if not isinstance(record, dict):
                return None
            items.append(self._in_model_order(record))
        token = body.get("next_page_token")
        return Page(items, token if isinstance(token, str) else None)

    def _in_model_order(self, record: dict[str, Any]) -> dict[str, Any]:
        keys = tuple(record)
        try:
            order = self._layouts[keys]
        except KeyError:
            order = self._layout(keys)
        return record if order is None else {k: record[k] for k in order}

    def _layout(self, keys: tuple[str, ...]) -> tuple[str, ...] | None:
        present = set(keys)
        extras = tuple(k for k in keys if k not in self._known)
        order = extras + tuple(k for k in self._order if k in present)
        found = None if order == keys else order
        if len(self._layouts) >= MAX_LAYOUTS:  # an odd server: bounded, never wrong
            self._layouts.clear()
        self._layouts[keys] = found
        return found
