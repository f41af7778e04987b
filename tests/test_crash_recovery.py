"""kill -9 at random moments during a large apply, then apply again: every object exists
exactly once, nothing is submitted twice, and the state matches the remote."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES, config

from omicform.connections import Connections
from omicform.engine.workspace import Workspace
from omicform.sandbox import run_sandbox

SAMPLES = 300


def apply(env: dict[str, str], path: Path, state: str | None = None) -> subprocess.Popen[bytes]:
    where = ["--state", state] if state is not None else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "omicform",
            "apply",
            "--auto-approve",
            "-f",
            str(path),
            "--parallelism",
            "4",
            *where,
        ],
        env={**os.environ, **env, "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("backend", ["file", "postgres"])
def test_random_kills_during_apply_leave_state_the_next_run_completes_from(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    state = request.getfixturevalue("pg_url") if backend == "postgres" else None
    rng = random.Random(20261121)
    with run_sandbox(
        validation_seconds=0, step_seconds=0, run_seconds=0, latency=(0.002, 0.008)
    ) as sandbox:
        path = config(tmp_path, samples=SAMPLES, manifests=3, tasks=20)
        kills = 0
        for _ in range(4):
            process = apply(sandbox.env, path, state)
            time.sleep(rng.uniform(0.8, 3.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=30)
        final = apply(sandbox.env, path, state)
        _, stderr = final.communicate(timeout=300)
        assert final.returncode == 0, stderr.decode()[-2000:]
        assert kills >= 1  # the test interrupted at least one apply
        if state is not None:
            assert not (tmp_path / "omicform.state.json").exists()

        ws = Workspace(config=path, state_path=state)
        with Connections(ws.desired().services, env=sandbox.env) as connections:
            _, state, plan = ws.plan(connections)
            assert not plan.has_changes, [c.address for c in plan.changes if c.changing]
            samples = list(connections.nmdc.list_records(STAGING_SAMPLES, page_size=0))
            keys = [r["jdp_file_id"] for r in samples]
            assert sorted(keys) == sorted(f"f{i}" for i in range(SAMPLES))  # each exactly once
            submissions = list(connections.nemo.list_submissions())
            assert len(submissions) == 3  # no manifest was posted twice
            recorded = {r.submission["id"] for r in state.resources.values() if r.submission}
            assert recorded == {s.id for s in submissions}
            for record in samples:
                resource = state.get(f"jgi_samples.{record['jdp_file_id']}")
                assert resource is not None
                assert resource.fields["globus_file_status"] == record["globus_file_status"]


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_torn_journal_and_a_second_crash_lose_no_submission(tmp_path: Path) -> None:
    with run_sandbox(
        validation_seconds=0, step_seconds=0, run_seconds=0, latency=(0.002, 0.008)
    ) as sandbox:
        path = config(tmp_path, samples=60, manifests=3, tasks=5)
        journal = tmp_path / "omicform.state.json.journal"
        first = apply(sandbox.env, path)
        wait_for(lambda: journal.exists() and b'"submission"' in journal.read_bytes())
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        with open(journal, "ab") as torn:
            torn.write(b'{"serial": 99999, "lineage": "x", "put": {"addr')  # killed mid-line
        torn_size = journal.stat().st_size
        second = apply(sandbox.env, path)
        wait_for(lambda: not journal.exists() or journal.stat().st_size != torn_size)
        time.sleep(0.3)
        if second.poll() is None:
            second.send_signal(signal.SIGKILL)
        second.wait(timeout=30)
        final = apply(sandbox.env, path)
        _, stderr = final.communicate(timeout=300)
        assert final.returncode == 0, stderr.decode()[-2000:]

        state = Workspace(config=path).store().load()
        with Connections(env=sandbox.env) as connections:
            submissions = {s.id for s in connections.nemo.list_submissions()}
        recorded = [r.submission["id"] for r in state.resources.values() if r.submission]
        assert len(submissions) == 3  # no manifest was posted twice
        assert sorted(recorded) == sorted(submissions)
