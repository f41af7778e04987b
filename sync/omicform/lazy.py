"""Package names imported on first use (PEP 562), for the packages whose API lists more
than most runs need: a run pays for a module only when it uses one of its names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def first_use(
    package: str, names: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """The package's `__getattr__`: imports a public name's module (`names`: name ->
    module) and keeps the name in `namespace`, so it runs once per name.

    `__import__` rather than importlib.import_module: `python -X importtime` reports it.
    """

    def lookup(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(__import__(module, fromlist=[name]), name)
        namespace[name] = value
        return value

    return lookup
