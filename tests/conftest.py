"""Fixtures shared by the suites.

`real_nmdc` runs the real nmdc-runtime server (PyPI, pinned) once per test session; the
first session installs it into .cache/ (a few minutes), later ones reuse it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import pg_server, pg_url  # noqa: F401 - the PostgreSQL fixtures, for any test
from realnmdc.harness import NMDC_RUNTIME_VERSION, RealNmdc, start_real_nmdc

REPO = Path(__file__).resolve().parents[1]
_real_results: dict[str, int] = {}


@pytest.fixture(scope="session")
def real_nmdc(pytestconfig: pytest.Config) -> Iterator[RealNmdc]:
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"\n[realnmdc] starting the real nmdc-runtime {NMDC_RUNTIME_VERSION} "
            "(the first run installs it into .cache/, a few minutes)"
        )
    with start_real_nmdc(REPO / ".cache") as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """omicform's parse cache lives in the user's cache folder: the suite keeps its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and "realnmdc" in report.keywords:
        _real_results[report.outcome] = _real_results.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _real_results:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(_real_results.items()))
        terminalreporter.write_line(
            f"against the real nmdc-runtime {NMDC_RUNTIME_VERSION}: {counts}"
        )
