"""The access log: one line per request (time, client, method, target, status, duration),
written as each answer finishes, also for admin routes and for connections a fault dropped.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from omicform.sandbox import run_sandbox

LINE = re.compile(r"(\S+Z) 127\.0\.0\.1 ([A-Z]+) (\S+) (\d{3}|dropped) (\d+\.\d)ms")


def _lines(log: Path, wanted: int) -> list[str]:
    """The log's lines once there are `wanted` (a dropped connection is logged just after
    it is closed, so the client may be quicker); at most one second."""
    deadline = time.monotonic() + 1.0
    lines = log.read_text().splitlines()
    while len(lines) < wanted and time.monotonic() < deadline:
        time.sleep(0.01)
        lines = log.read_text().splitlines()
    return lines


def test_each_request_is_one_line_in_the_file_while_the_sandbox_runs(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    with run_sandbox(access_log=log) as sandbox:
        httpx.post(sandbox.nmdc_url + "/metadata/json:validate", json={})
        httpx.get(sandbox.nmdc_url + "/runs/nmdc:sys0x?a=%20b")
        httpx.get(sandbox.base_url + "/_sandbox/health")
        sandbox.admin.set_faults(drop_rate=1.0)
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(sandbox.nemo_url + "/submission")
        written = _lines(log, 4)  # while the sandbox runs
    rows = [LINE.fullmatch(line) for line in written]
    assert all(rows), written
    assert [row.group(2, 3, 4) for row in rows if row] == [
        ("POST", "/nmdc/metadata/json:validate", "200"),
        ("GET", "/nmdc/runs/nmdc:sys0x?a=%20b", "404"),
        ("GET", "/_sandbox/health", "200"),
        ("GET", "/nemo/api/submission", "dropped"),
    ]


def test_without_the_option_nothing_is_written(capfd: pytest.CaptureFixture[str]) -> None:
    with run_sandbox() as sandbox:
        httpx.post(sandbox.nmdc_url + "/metadata/json:validate", json={})
    captured = capfd.readouterr()
    assert "json:validate" not in captured.out + captured.err
