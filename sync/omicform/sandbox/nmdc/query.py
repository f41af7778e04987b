"""The part of MongoDB's query language the list endpoints accept, and projections.

Matching follows MongoDB: comparisons only within one type bracket (numbers, strings, dates,
booleans), `null` matches a missing field, an array field matches if any element does,
dotted paths reach into sub-documents. Anything else MongoDB would refuse or that this
sandbox does not implement raises `UnsupportedQuery`, which the server turns into the
plain 500 the real server answers for an unknown operator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from omicform.sandbox.jsonbody import MAX_DEPTH, UnreadableJson, check_value


class UnsupportedQuery(Exception):
    pass


RegexSearch = Callable[[str, str, str], bool]  # (pattern, $options, text) -> found


class _Missing:
    pass


MISSING: Any = _Missing()


def _date_hook(obj: dict[str, Any]) -> Any:
    """Extended JSON dates, as bson.json_util.loads reads them in a filter."""
    if len(obj) == 1 and "$date" in obj:
        value = obj["$date"]
        if isinstance(value, dict) and "$numberLong" in value:
            value = int(value["$numberLong"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                moment = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
            except (OverflowError, OSError) as exc:  # outside datetime's years
                raise UnsupportedQuery("bad $date") from exc
            return moment.replace(tzinfo=None)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
            return parsed
        raise UnsupportedQuery("bad $date")
    return obj


def parse_filter(text: str) -> Any:
    """json.loads with extended-JSON dates; JSONDecodeError passes through, and a filter
    nested too deeply to evaluate raises `UnreadableJson`.

    Not `jsonbody.loads`: the server reads filters with bson's json_util, which takes
    `NaN` and `Infinity` and matches with them.
    """
    try:
        value = json.loads(text, object_hook=_date_hook)
    except RecursionError:
        raise UnreadableJson(f"nested deeper than {MAX_DEPTH} levels") from None
    check_value(value, surrogates=False)
    return value


def _bracket(value: Any) -> int | None:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 4
    if isinstance(value, (int, float)):
        return 1
    if isinstance(value, str):
        return 2
    if isinstance(value, datetime):
        return 3
    return None


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def _compare(op: str) -> Callable[[Any, Any], bool]:
    def check(value: Any, target: Any) -> bool:
        bracket = _bracket(target)
        if bracket is None or bracket == 0 or _bracket(value) != bracket:
            return False
        if op == "$gt":
            return bool(value > target)
        if op == "$gte":
            return bool(value >= target)
        if op == "$lt":
            return bool(value < target)
        return bool(value <= target)

    return check


def candidates(doc: Any, path: Sequence[str]) -> list[Any]:
    """The values a dotted path reaches; arrays contribute themselves and their elements."""
    if not path:
        if isinstance(doc, list):
            return [doc, *doc]
        return [doc]
    if isinstance(doc, dict):
        if path[0] not in doc:
            return [MISSING]
        return candidates(doc[path[0]], path[1:])
    if isinstance(doc, list):
        found: list[Any] = []
        for element in doc:
            if isinstance(element, dict):
                found.extend(v for v in candidates(element, path) if v is not MISSING)
        return found or [MISSING]
    return [MISSING]


def _eq_any(values: list[Any], target: Any) -> bool:
    if target is None:
        return any(v is MISSING or v is None for v in values)
    return any(v is not MISSING and _equal(v, target) for v in values)


def _operators(values: list[Any], spec: dict[str, Any], search: RegexSearch) -> bool:
    for op, target in spec.items():
        if op == "$eq":
            ok = _eq_any(values, target)
        elif op == "$ne":
            ok = not _eq_any(values, target)
        elif op in ("$gt", "$gte", "$lt", "$lte"):
            check = _compare(op)
            ok = any(v is not MISSING and check(v, target) for v in values)
        elif op in ("$in", "$nin"):
            if not isinstance(target, list):
                raise UnsupportedQuery(f"{op} needs an array")
            ok = any(_eq_any(values, t) for t in target)
            ok = ok if op == "$in" else not ok
        elif op == "$exists":
            ok = any(v is not MISSING for v in values) == bool(target)
        elif op == "$regex":
            if not isinstance(target, str):
                raise UnsupportedQuery("$regex needs a string")
            options = str(spec.get("$options", ""))
            ok = any(isinstance(v, str) and search(target, options, v) for v in values)
        elif op == "$options":
            if "$regex" not in spec:
                raise UnsupportedQuery("$options without $regex")
            continue
        elif op == "$not":
            if not isinstance(target, dict):
                raise UnsupportedQuery("$not needs an operator document")
            ok = not _operators(values, target, search)
        else:
            raise UnsupportedQuery(f"unknown operator: {op}")
        if not ok:
            return False
    return True


def matches(doc: dict[str, Any], query: Any, search: RegexSearch) -> bool:
    """Whether `doc` matches; `search(pattern, options, text)` answers `$regex` tests."""
    if not isinstance(query, dict):
        raise UnsupportedQuery("a filter must be a document")
    for key, condition in query.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, list) or not condition:
                raise UnsupportedQuery(f"{key} needs a non-empty array")
            results = (matches(doc, sub, search) for sub in condition)
            ok = all(results) if key == "$and" else any(results)
            if (key == "$nor") == ok:
                return False
            continue
        if key.startswith("$"):
            raise UnsupportedQuery(f"unknown top level operator: {key}")
        values = candidates(doc, key.split("."))
        if _is_operator_doc(condition):
            if not _operators(values, condition, search):
                return False
        elif not _eq_any(values, condition):
            return False
    return True


def text_filter(query: Any) -> Callable[[dict[str, Any]], bool] | None:
    """A quick test for the commonest filter, one top-level field equal to a text or `$in`
    texts, giving `matches`' answer (an array field matches if an element does); None for
    any other filter. A page tests thousands of documents."""
    if not isinstance(query, dict) or len(query) != 1:
        return None
    ((field, condition),) = query.items()
    if not isinstance(field, str) or field.startswith("$") or "." in field:
        return None
    if isinstance(condition, str):
        targets: Any = [condition]
    elif isinstance(condition, dict) and list(condition) == ["$in"]:
        targets = condition["$in"]
    else:
        return None
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        return None
    wanted = frozenset(targets)

    def test(doc: dict[str, Any]) -> bool:
        value = doc.get(field)
        if isinstance(value, str):
            return value in wanted
        if isinstance(value, list):
            return any(isinstance(v, str) and v in wanted for v in value)
        return False

    return test


def _is_operator_doc(condition: Any) -> bool:
    return (
        isinstance(condition, dict)
        and bool(condition)
        and all(isinstance(k, str) and k.startswith("$") for k in condition)
    )


def regex_terms(query: Any) -> list[tuple[str, str, str]]:
    """Every `$regex` of a filter as (dotted path, pattern, options), so that they can all be
    searched in one go before matching. Malformed parts are left for `matches` to refuse."""
    found: list[tuple[str, str, str]] = []
    pending = [query]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        for key, condition in current.items():
            if key in ("$and", "$or", "$nor") and isinstance(condition, list):
                pending.extend(condition)
            elif not key.startswith("$") and _is_operator_doc(condition):
                found.extend((key, pattern, options) for pattern, options in _regexes(condition))
    return found


def _regexes(spec: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    while isinstance(spec, dict):
        if isinstance(spec.get("$regex"), str):
            found.append((spec["$regex"], str(spec.get("$options", ""))))
        spec = spec.get("$not")  # the one operator that nests another operator document
    return found


def project(
    doc: dict[str, Any],
    fields: Sequence[str] | Projection,
    leaf: Callable[[Any], Any] = lambda value: value,
) -> dict[str, Any]:
    """An inclusion projection: the named fields (dotted paths allowed), in the doc's order,
    each value kept through `leaf` (the listing writes it as JSON on the way). A page
    projects every document alike: `projection(fields)` prepares it once."""
    wanted = fields if isinstance(fields, dict) else projection(fields)
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key not in wanted:
            continue
        sub = wanted[key]
        if not sub:
            out[key] = leaf(value)
        elif isinstance(value, dict):
            out[key] = project(value, sub, leaf)
        elif isinstance(value, list):
            out[key] = [project(v, sub, leaf) for v in value if isinstance(v, dict)]
    return out


Projection = dict[str, list[str]]  # each top-level field, and the rest of its dotted paths


def projection(fields: Sequence[str]) -> Projection:
    wanted: Projection = {}
    for field in fields:
        head, _, rest = field.partition(".")
        wanted.setdefault(head, [])
        if rest:
            wanted[head].append(rest)
    return wanted
