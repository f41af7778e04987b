"""Team state in PostgreSQL, end to end: two working copies of one config that share no
folder keep one state in one database; their applies never both write, a kill -9 needs no
force-unlock, and no local state file appears."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from helpers import STAGING_SAMPLES, config

from omicform import Connections, Workspace, run_sandbox
from omicform.cli import main

SAMPLES = 120


def working_copy(folder: Path) -> Path:
    folder.mkdir()
    path = config(folder, samples=SAMPLES, manifests=2, tasks=5)
    with path.open("a") as file:
        file.write("state: {url_env: OMICFORM_STATE_URL, name: soil}\n")
    return path


def apply(env: dict[str, str], path: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "omicform", "apply", "--auto-approve", "-f", str(path), *extra],
        env={**os.environ, **env, "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_two_working_copies_share_one_state_in_postgres(tmp_path: Path, pg_url: str) -> None:
    rng = random.Random(20261130)
    with run_sandbox(
        validation_seconds=0, step_seconds=0, run_seconds=0, latency=(0.002, 0.008)
    ) as sandbox:
        env = {**sandbox.env, "OMICFORM_STATE_URL": pg_url}
        a, b = working_copy(tmp_path / "a"), working_copy(tmp_path / "b")
        # kill -9 in the middle of an apply: nothing to force-unlock afterwards.
        killed = apply(env, a)
        time.sleep(rng.uniform(0.5, 1.2))
        assert killed.poll() is None, "the apply finished before it could be killed"
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        # Concurrent applies: the lock lets one write; the other is refused naming it.
        first, second = apply(env, a), apply(env, b)
        outcomes = [(p.wait(timeout=300), p.stderr.read().decode()) for p in (first, second)]  # type: ignore[union-attr]
        refused = [err for code, err in outcomes if code != 0]
        assert len(refused) <= 1, refused
        assert all("locked by" in err for err in refused), refused
        final = apply(env, b, "--lock-timeout", "10")
        _, stderr = final.communicate(timeout=300)
        assert final.returncode == 0, stderr.decode()[-2000:]

        for copy in (a, b):
            assert not (copy.parent / "omicform.state.json").exists()
        listed = [
            CliRunner().invoke(main, ["state", "list", "-f", str(copy)], env=env).output
            for copy in (a, b)
        ]
        assert listed[0] == listed[1] and "jgi_samples.f0" in listed[0]
        ws = Workspace(config=b)
        os.environ["OMICFORM_STATE_URL"] = pg_url
        try:
            with Connections(ws.desired().services, env=env) as connections:
                _, state, plan = ws.plan(connections)
                assert not plan.has_changes, [c.address for c in plan.changes if c.changing]
                samples = list(connections.nmdc.list_records(STAGING_SAMPLES, page_size=0))
                keys = sorted(r["jdp_file_id"] for r in samples)
                assert keys == sorted(f"f{i}" for i in range(SAMPLES))  # each exactly once
                submissions = {s.id for s in connections.nemo.list_submissions()}
        finally:
            del os.environ["OMICFORM_STATE_URL"]
        assert len(submissions) == 2
        recorded = {r.submission["id"] for r in state.resources.values() if r.submission}
        assert recorded == submissions
