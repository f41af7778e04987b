"""The installed version of a distribution, without importing importlib.metadata when the
answer is on disk beside the package.

A plan compares the nmdc-schema it validates with against the server's on every run, and
importlib.metadata (with the zipfile, csv and email parsers it imports) was about 10 ms of
a plan's start-up (issue #14). pip, uv and conda install a wheel's package and its
`NAME-VERSION.dist-info` folder into the same site-packages folder, so the version is in
that folder's name; anything else (two such folders, an egg, a zip) asks importlib.metadata.
"""

from __future__ import annotations

import os
import re
from importlib.util import find_spec


def _normalized(name: str) -> str:
    """A distribution's name as wheel folders spell it (PEP 427, PEP 503), lower case."""
    return re.sub(r"[-_.]+", "_", name).lower()


def beside_package(distribution: str, package: str) -> str | None:
    """The version in the one `.dist-info` folder of `distribution` beside the installed
    import package `package`, or None when there is not exactly one (nothing is imported)."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.dirname(next(iter(spec.submodule_search_locations)))
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    wanted, versions = _normalized(distribution), []
    for name in names:
        # NAME-VERSION.dist-info, where NAME has no "-" (PEP 427 escapes it to "_").
        stem, sep, version = name.removesuffix(".dist-info").partition("-")
        if name.endswith(".dist-info") and sep and _normalized(stem) == wanted:
            versions.append(version)
    return versions[0] if len(versions) == 1 else None


def installed_version(distribution: str, package: str) -> str:
    """The installed version of `distribution` (whose import package is `package`).
    Raises importlib.metadata.PackageNotFoundError when it is not installed."""
    found = beside_package(distribution, package)
    if found is not None:
        return found
    from importlib.metadata import version

    return version(distribution)
