"""Reading request bodies as JSON, refusing what Python's `json` accepts but JSON cannot be.

`json.loads` takes `NaN` and `Infinity`, turns `1e999` into infinity, keeps lone surrogates
(`"\\ud800"`) and recurses until Python's stack runs out. Each of those used to travel on
into a handler and end as a 500 when the sandbox echoed it back (Starlette refuses to write
them) or recursed over it. Here they fail as `ValueError`s, which every caller already
answers as unreadable input: `NaN`/`Infinity` as a syntax error at their position (strict
JSON parsers stop there), the rest as `UnreadableJson`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

# Deeper than any record either service takes, shallow enough that every recursive step
# after parsing (validation, echoing, filtering) stays far from Python's recursion limit.
MAX_DEPTH = 100

_BARE_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.S)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

ObjectHook = Callable[[dict[str, Any]], Any]


class UnreadableJson(ValueError):
    """Well-formed JSON text whose value cannot be used: too deep, infinite, lone surrogates."""


class _Constant(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnreadableJson(f"number out of range: {text[:20]}")
    return value


def decode_text(raw: bytes) -> str:
    """The body as text, in the encoding JSON allows (UTF-8, -16 or -32), as `json` does."""
    return raw.decode(json.detect_encoding(raw), "surrogatepass")


def loads(raw: bytes | str, object_hook: ObjectHook | None = None) -> Any:
    """The value of a JSON text; raises `json.JSONDecodeError` or `UnreadableJson`."""
    text = decode_text(raw) if isinstance(raw, bytes) else raw
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite, object_hook=object_hook
        )
    except _Constant as constant:
        position = _position(text, constant.name)
        raise json.JSONDecodeError("Expecting value", text, position) from None
    except RecursionError:
        raise UnreadableJson(f"nested deeper than {MAX_DEPTH} levels") from None
    check_value(value, surrogates=_SURROGATE_ESCAPE.search(text) is not None)
    return value


def _position(text: str, name: str) -> int:
    """Where the first bare `NaN`/`Infinity` (not inside a string) starts."""
    for match in _BARE_CONSTANT.finditer(text):
        if match.group(1) == name:
            return match.start()
    return 0


def check_value(value: Any, *, surrogates: bool = True) -> None:
    """Raises `UnreadableJson` for a value nested too deeply or holding lone surrogates.

    Iterative, so a deep value cannot exhaust the stack while being checked; `surrogates`
    False skips looking at every text (a body without a `\\uD8xx` escape cannot hold one).
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if surrogates:
                _check_text(item)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise UnreadableJson(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            if surrogates:
                for key in item:
                    _check_text(key)
            stack.extend((v, depth + 1) for v in item.values())
        else:
            stack.extend((v, depth + 1) for v in item)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise UnreadableJson("a string holds a lone surrogate") from None
