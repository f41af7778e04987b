"""Fixtures shared by the suites.

`real_nmdc` runs the real nmdc-runtime server (PyPI, pinned) once per test session; the
first session installs it into .cache/ (a few minutes), later ones reuse it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from realnmdc.harness import RealNmdc, start_real_nmdc

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def real_nmdc() -> Iterator[RealNmdc]:
    with start_real_nmdc(REPO / ".cache") as server:
        yield server
