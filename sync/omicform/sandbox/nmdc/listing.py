"""The three list endpoints' paging, filters and projections (`endpoints/util.py`).

As the real `list_resources`: a page token is looked up (and deleted: single use) before
the filter is checked; it remembers only the collection and the last position, and its
collection wins over the URL's. A page is cut only when more documents match than fit, so
the last page (even an exactly full one) has no `next_page_token`; `max_page_size < 1`
returns everything. A projection never adds the natural key.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from omicform.sandbox.ids import blade, system_id_length
from omicform.sandbox.jsonbody import UnreadableJson
from omicform.sandbox.nmdc.fields import Invalid, coerce_int, documents_to_json, to_json
from omicform.sandbox.nmdc.query import (
    UnsupportedQuery,
    candidates,
    matches,
    parse_filter,
    project,
    projection,
    regex_terms,
    text_filter,
)
from omicform.sandbox.regex import (
    BUDGET_SECONDS,
    RegexError,
    RegexTimeout,
    RegexWorker,
    flags_of,
)
from omicform.sandbox.responses import ApiError, internal_error
from omicform.sandbox.store import Store

PAGE_TOKENS = "_runtime.page_tokens"
DEFAULT_PAGE_SIZE = 20
# The sandbox's own answer: MongoDB would stop such a search with a regex error (a 500 there).
REGEX_TOO_SLOW = (
    f"The `filter`'s $regex took longer than {BUDGET_SECONDS} s to search; "
    "the sandbox stops there. Use a simpler pattern (no nested quantifiers)."
)


@dataclass(frozen=True)
class ListRequest:
    filter: str | None
    max_page_size: int
    page_token: str | None
    projection: str | None


def parse_list_request(params: dict[str, str]) -> ListRequest:
    """Query parameters as the ListRequest model reads them; raises Invalid."""
    size_text = params.get("max_page_size")
    size = DEFAULT_PAGE_SIZE
    if size_text is not None:
        size = coerce_int(size_text, ("query", "max_page_size"))
    return ListRequest(
        filter=params.get("filter"),
        max_page_size=size,
        page_token=params.get("page_token"),
        projection=params.get("projection"),
    )


def check_filter(text: str) -> Any:
    text = text.strip()
    if not text.startswith("{") or not text.endswith("}"):
        raise ApiError(
            422,
            {
                "detail": "The given `filter` is not a valid JSON object, which must start "
                "with '{' and end with '}'."
            },
        )
    try:
        return parse_filter(text)
    except (json.JSONDecodeError, UnreadableJson) as exc:
        raise ApiError(422, {"detail": f"Given `filter` is not valid JSON: {exc}"}) from None
    except (UnsupportedQuery, ValueError):  # bson's json_util fails unhandled on the server
        raise internal_error() from None


def new_system_id(store: Store, shoulder: str = "sys0") -> str:
    """`nmdc:sys0...` ids (page tokens, runs), unique and sized as the runtime sizes them."""
    collection = f"_ids.{shoulder}"
    with store.atomic():
        existing = store.bump(f"issued:{shoulder}") - 1  # a counter: COUNT(*) grows with use
        while True:
            candidate = blade(system_id_length(existing))
            if store.insert(collection, candidate, {}):
                return f"nmdc:{shoulder}{candidate}"


def _matching(docs: list[tuple[int, Any]], query: Any, regex: RegexWorker) -> list[tuple[int, Any]]:
    """The documents the filter matches. Its `$regex` tests are searched first, each over
    every distinct text at its path and within one budget for the request, in the helper."""
    deadline = time.monotonic() + BUDGET_SECONDS
    found: dict[tuple[str, str], set[str]] = {}
    for path, pattern, options in regex_terms(query):
        texts = sorted(
            {v for _, doc in docs for v in candidates(doc, path.split(".")) if isinstance(v, str)}
        )
        if texts:
            hits = regex.search(pattern, flags_of(options), texts, deadline - time.monotonic())
            found.setdefault((pattern, options), set()).update(texts[i] for i in hits)

    def search(pattern: str, options: str, text: str) -> bool:
        return text in found.get((pattern, options), ())

    return [(seq, doc) for seq, doc in docs if matches(doc, query, search)]


def _found(
    store: Store, collection: str, after: int, query: Any, regex: RegexWorker, size: int
) -> list[tuple[int, Any]]:
    """The matching documents after `after`: with a page size, only one more than a page
    (enough to know another page follows), read a chunk at a time; a 10,000-document
    collection listed 2,000 at a time was decoded whole for every page. A `$regex` filter
    searches every candidate text at once (its budget is per request), so it reads all."""
    if size < 1 or any(True for _ in regex_terms(query)):
        return _matching(store.scan(collection, after=after), query, regex)
    found = []
    test = text_filter(query) or (lambda doc: matches(doc, query, _no_regex))
    for seq, doc in store.iter_scan(collection, after=after, chunk=min(size + 1, 5000)):
        if test(doc):
            found.append((seq, doc))
            if len(found) > size:
                break
    return found


def _no_regex(pattern: str, options: str, text: str) -> bool:
    raise UnsupportedQuery("a $regex outside the terms found")  # regex_terms found none


def list_resources(
    store: Store, collection: str, req: ListRequest, regex: RegexWorker
) -> dict[str, Any]:
    after = 0
    if req.page_token:
        with store.atomic():
            token = store.get(PAGE_TOKENS, req.page_token)
            if token is None:
                raise ApiError(400, {"detail": "`page_token` not found"})
            store.delete(PAGE_TOKENS, req.page_token)
        collection, after = token["ns"], int(token["last_seq"])
    query = check_filter(req.filter) if req.filter else {}
    fields = [f.strip() for f in req.projection.split(",")] if req.projection else None
    size = req.max_page_size
    try:
        found = _found(store, collection, after, query, regex, size)
    except (UnsupportedQuery, RegexError):
        raise internal_error() from None
    except RegexTimeout:
        raise ApiError(400, {"detail": REGEX_TOO_SLOW}) from None
    paginate = size >= 1 and len(found) > size
    page = found[:size] if paginate else found
    wanted = projection(fields) if fields else None
    if wanted and any(wanted.values()):  # dotted paths: projected into sub-documents
        resources = [project(doc, wanted, to_json) for _, doc in page]
    else:
        resources = documents_to_json((doc for _, doc in page), wanted)
    if not paginate:
        return {"resources": resources}
    token_id = new_system_id(store)
    store.put(PAGE_TOKENS, token_id, {"ns": collection, "last_seq": page[-1][0]})
    return {"resources": resources, "next_page_token": token_id}


def invalid_query(exc: Invalid) -> ApiError:
    return ApiError(422, {"detail": exc.issues})
