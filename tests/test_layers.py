"""Imports point down only: cli -> engine -> kinds -> (services | desired | model | state).

The engine never names a kind (only its registry lists them, and the contexts it hands a
kind live in kinds/base.py); a kind never imports the engine; the lower layers import
neither; the file format (desired/) does not depend on the HTTP layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import omicform

ROOT = Path(omicform.__file__).parent
LOWER = {"desired", "model", "state", "services", "diff", "checks"}
KNOWN: set[tuple[str, str]] = set()  # known exceptions: none


def _imports() -> Iterator[tuple[str, str]]:
    for path in ROOT.rglob("*.py"):
        parts = ("omicform", *path.relative_to(ROOT).with_suffix("").parts)
        module = ".".join(parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield module, node.module
            elif isinstance(node, ast.Import):
                yield from ((module, alias.name) for alias in node.names)


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def _wrong(module: str, target: str) -> str | None:
    here, there = _layer(module), _layer(target)
    if here == "engine" and there == "kinds":
        allowed = module == "omicform.engine.registry" or target == "omicform.kinds.base"
        return None if allowed else "the engine names a kind"
    if here == "kinds" and there in ("engine", "cli"):
        return "a kind imports upward"
    if here in LOWER and there in ("engine", "kinds", "cli"):
        return "a lower layer imports upward"
    if here == "desired" and there == "services":
        return "the file format imports the HTTP layer"
    return None


def test_imports_point_down_only() -> None:
    wrong = [
        f"{module} -> {target}: {why}"
        for module, target in _imports()
        if target.startswith("omicform.")
        and (module, target) not in KNOWN
        and (why := _wrong(module, target)) is not None
    ]
    assert wrong == []
