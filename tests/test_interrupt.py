"""The emergency brake: a real SIGINT or SIGTERM to a real `omicform apply` against a slow
sandbox. The first signal starts nothing new, lets the requests in flight finish and records
them, and exits 130; a second stops at once. Either way the server holds what state says
(or, after a hard stop, state is behind by at most what was in flight) and the next apply
finishes the rest exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STAGING_SAMPLES, config

from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.workspace import Workspace
from omicform.sandbox import Sandbox, run_sandbox

SAMPLES = 200
OMICFORM = (sys.executable, "-m", "omicform")
CREATE_SAMPLE = ("nmdc", "POST /wf_file_staging/jgi_samples")


@pytest.fixture()
def slow_sandbox() -> Iterator[Sandbox]:
    # 50-100 ms an answer: 200 creates at --parallelism 4 take several seconds, so a signal
    # sent once a few are done lands mid-apply.
    with run_sandbox(
        validation_seconds=0, step_seconds=0, run_seconds=0, latency=(0.05, 0.1)
    ) as running:
        yield running


def start_apply(sandbox: Sandbox, path: Path) -> subprocess.Popen[str]:
    """Output goes to files beside the config: a pipe nobody reads would stall the apply."""
    return subprocess.Popen(
        [*OMICFORM, "apply", "--auto-approve", "-f", str(path), "--parallelism", "4"],
        env={**os.environ, **sandbox.env, "NO_COLOR": "1"},
        stdout=(path.parent / "stdout.txt").open("w"),
        stderr=(path.parent / "stderr.txt").open("w"),
        text=True,
    )


def output(path: Path) -> tuple[str, str]:
    return (path.parent / "stdout.txt").read_text(), (path.parent / "stderr.txt").read_text()


def creates_seen(sandbox: Sandbox) -> int:
    return sandbox.admin.request_counts("nmdc").get(CREATE_SAMPLE, 0)


def wait_for_creates(
    sandbox: Sandbox, process: subprocess.Popen[str], path: Path, at_least: int
) -> None:
    deadline = time.monotonic() + 60
    while creates_seen(sandbox) < at_least:
        assert process.poll() is None, output(path)[1][-2000:]
        assert time.monotonic() < deadline, "the apply never got going"
        time.sleep(0.02)


def interrupt(process: subprocess.Popen[str], path: Path, *signals: signal.Signals) -> float:
    """Sends the signals (a short pause between them); returns the seconds until exit."""
    sent = time.monotonic()
    for number, sig in enumerate(signals):
        if number:
            time.sleep(0.05)
        process.send_signal(sig)
    process.wait(timeout=60)
    return time.monotonic() - sent


def server_samples(sandbox: Sandbox, path: Path) -> list[str]:
    ws = Workspace(config=path)
    with Connections(ws.desired().services, env=sandbox.env) as connections:
        records = connections.nmdc.list_records(STAGING_SAMPLES, page_size=0)
        return [r["jdp_file_id"] for r in records]


def state_samples(path: Path) -> set[str]:
    state = Workspace(config=path).store().load()
    return {r.key for r in state.resources.values() if r.kind == "jgi_samples"}


def assert_no_request_after_exit(sandbox: Sandbox) -> None:
    # A request written just before the exit may still sit in the socket buffer for the
    # sandbox's thread to read; after that settles, nothing more may ever arrive.
    time.sleep(0.5)
    before = sandbox.admin.request_counts()
    time.sleep(1.5)
    assert sandbox.admin.request_counts() == before


def assert_next_apply_finishes_exactly_once(sandbox: Sandbox, path: Path) -> None:
    again = start_apply(sandbox, path)
    again.wait(timeout=300)
    stdout, stderr = output(path)
    assert again.returncode == 0, stderr[-2000:]
    assert "Apply complete!" in stdout.strip().splitlines()[-1]
    keys = server_samples(sandbox, path)
    assert sorted(keys) == sorted(f"f{i}" for i in range(SAMPLES))  # each exactly once
    assert state_samples(path) == set(keys)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_first_signal_finishes_what_is_in_flight_records_it_and_exits_130(
    slow_sandbox: Sandbox, tmp_path: Path, sig: signal.Signals
) -> None:
    path = config(tmp_path, samples=SAMPLES, manifests=0, tasks=0)
    process = start_apply(slow_sandbox, path)
    wait_for_creates(slow_sandbox, process, path, at_least=30)

    seconds = interrupt(process, path, sig)

    stdout, stderr = output(path)
    assert process.returncode == 130, stderr[-2000:]
    assert seconds < 5  # only the requests in flight (4, at most 0.1 s each) are waited for
    last = stdout.strip().splitlines()[-1]
    assert last.startswith("Interrupted: ") and "not started" in last, last
    assert "run `omicform apply` again to finish" in last
    assert_no_request_after_exit(slow_sandbox)
    on_server = server_samples(slow_sandbox, path)
    assert 30 <= len(on_server) < SAMPLES  # it did stop early
    assert set(on_server) == state_samples(path)  # everything sent was recorded, nothing more
    assert_next_apply_finishes_exactly_once(slow_sandbox, path)


def test_a_second_ctrl_c_stops_at_once_and_the_next_apply_settles_the_rest(
    slow_sandbox: Sandbox, tmp_path: Path
) -> None:
    path = config(tmp_path, samples=SAMPLES, manifests=0, tasks=0)
    process = start_apply(slow_sandbox, path)
    wait_for_creates(slow_sandbox, process, path, at_least=30)

    seconds = interrupt(process, path, signal.SIGINT, signal.SIGINT)

    assert process.returncode == 130, output(path)[1][-2000:]
    assert "stopping now" in output(path)[1]
    assert seconds < 5
    assert_no_request_after_exit(slow_sandbox)
    on_server = set(server_samples(slow_sandbox, path))
    # A hard stop may leave the few creates in flight unrecorded, never the other way round.
    assert state_samples(path) <= on_server
    assert len(on_server - state_samples(path)) <= 4  # at most --parallelism
    assert_next_apply_finishes_exactly_once(slow_sandbox, path)


def test_a_stop_ends_a_long_wait_for_an_nmdc_run_promptly(tmp_path: Path) -> None:
    # The run stays STARTED for an hour; apply follows it until the stop event is set.
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=3600) as sandbox:
        ws = Workspace(config=config(tmp_path, samples=0, manifests=0, tasks=0))
        with Connections(ws.desired().services, env=sandbox.env) as connections:
            desired, state, plan = ws.plan(connections)
            stop = threading.Event()
            threading.Timer(1.0, stop.set).start()
            started = time.monotonic()
            result = apply_plan(
                plan, state, ws.store(desired), connections, ApplyOptions(), stop=stop
            )
            assert time.monotonic() - started < 5
        assert result.interrupted
        submitted = next(o for o in result.outcomes if o.address == "metadata_submissions.objects")
        assert submitted.result == "done" and "not followed further" in submitted.message
        recorded = result.state.get("metadata_submissions.objects") if result.state else None
        assert recorded is not None and recorded.run and recorded.run["status"] == "STARTED"
