"""Benchmarks of omicform itself: plan, apply, diff and manifest checking.

Each prints one table row and returns a dict for bench/results.json. The sandbox runs in
its own process (so it neither shares the GIL with omicform nor flatters it).

    .venv/bin/python bench/reconciler.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from omicform.connections import Connections
from omicform.engine.desired import load_desired
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.planner import make_plan
from omicform.engine.preflight import preflight
from omicform.engine.workspace import Workspace
from omicform.kinds.nemo_manifests.rules import check_manifest
from omicform.model.snapshot import Snapshot
from omicform.sandbox.testing import manifest_tsv
from omicform.state import State

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = [
    "jdp_file_id", "sequencing_project_name", "ap_gold_id", "gold_study_id", "its_ap_id",
    "gold_biosample_id", "gold_seq_id", "file_name", "jdp_file_status", "globus_file_status",
    "jdp_file_size", "jgi_ap_id", "create_date",
]  # fmt: skip


def sample_row(i: int) -> dict[str, Any]:
    return {
        "jdp_file_id": f"f{i:06d}",
        "sequencing_project_name": "bench",
        "ap_gold_id": "Ga0307276",
        "gold_study_id": "Gs0135149",
        "its_ap_id": "1196479.0",
        "gold_biosample_id": "Gb0191643",
        "gold_seq_id": "1196479",
        "file_name": f"f{i:06d}.fastq.gz",
        "jdp_file_status": "RESTORED",
        "globus_file_status": "PENDING",
        "jdp_file_size": 1000 + i,
        "jgi_ap_id": "1196479",
        "create_date": "2024-03-01T12:00:00Z",
    }


def write_config(folder: Path, samples: int) -> Path:
    rows = ["\t".join(COLUMNS)]
    rows += ["\t".join(str(sample_row(i)[c]) for c in COLUMNS) for i in range(samples)]
    (folder / "samples.tsv").write_text("\n".join(rows) + "\n")
    path = folder / "omicform.yaml"
    path.write_text(
        "omicform: 1\n"
        "jgi_sequencing_projects:\n  bench:\n    sequencing_project_description: bench\n"
        '    jgi_proposal_id: "1"\n    nmdc_study_id: "nmdc:sty-11-28tm5d36"\n'
        "jgi_samples: {from: samples.tsv}\n"
    )
    return path


@contextmanager
def sandbox(*args: str) -> Iterator[dict[str, str]]:
    omicform = Path(sys.executable).with_name("omicform")
    process = subprocess.Popen(
        [str(omicform), "sandbox", "--port", "0", "--step-seconds", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    env: dict[str, str] = {}
    while len(env) < 7:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox did not start")
        name, _, value = line.removeprefix("export ").strip().partition("=")
        env[name] = value
    try:
        yield env
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def seeded(folder: Path, samples: int) -> Path:
    """A sandbox data folder holding the project and `samples` samples."""
    data = folder / "data"
    config = write_config(folder, samples)
    with sandbox("--data", str(data), "--fresh") as env:
        ws = Workspace(config=config, state_path=folder / "seed.state.json")
        with Connections(ws.desired().services, env=env) as connections:
            desired, state, plan = ws.plan(connections)
            result = apply_plan(
                plan, state, ws.store(desired), connections, ApplyOptions(parallelism=32)
            )
            assert result.ok, result.counts()
    return data


def bench_plan_existing(samples: int) -> dict[str, Any]:
    """Plan with N declared samples that all exist, 20 ms latency per request."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = seeded(folder, samples)
        with sandbox("--data", str(data), "--latency", "20ms") as env:
            ws = Workspace(config=folder / "omicform.yaml", state_path=folder / "plan.state.json")
            started = time.perf_counter()
            with Connections(ws.desired().services, env=env) as connections:
                _, _, plan = ws.plan(connections)
                requests = connections.requests_sent()["nmdc"]
            seconds = time.perf_counter() - started
            # Memory in a second run: tracing allocations slows Python several times over.
            tracemalloc.start()
            with Connections(ws.desired().services, env=env) as connections:
                ws.plan(connections)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return {
        "benchmark": f"plan, {samples:,} samples that all exist, 20 ms latency",
        "requests": requests,
        "seconds": round(seconds, 2),
        "peak_python_mb": round(peak / 2**20, 1),
        "changes": sum(1 for c in plan.changes if c.changing),
    }


def bench_apply(creates: int, parallelism: int) -> dict[str, Any]:
    """Apply N creates with 20 ms latency per request."""
    with tempfile.TemporaryDirectory() as tmp, sandbox("--latency", "20ms") as env:
        folder = Path(tmp)
        ws = Workspace(config=write_config(folder, creates - 1))  # + the project
        with Connections(ws.desired().services, env=env) as connections:
            desired, state, plan = ws.plan(connections)
            started = time.perf_counter()
            result = apply_plan(
                plan, state, ws.store(desired), connections, ApplyOptions(parallelism=parallelism)
            )
            seconds = time.perf_counter() - started
    assert result.ok, result.counts()
    return {
        "benchmark": f"apply, {creates:,} creates, 20 ms latency, parallelism {parallelism}",
        "seconds": round(seconds, 2),
        "creates_per_second": round(creates / seconds, 1),
    }


def bench_diff(objects: int) -> dict[str, Any]:
    """Plan of N declared objects against a remote read from a recording: the diff alone."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder, objects - 1)
        recording = folder / "remote.json"
        remote = {f"jgi_samples.f{i:06d}": sample_row(i) for i in range(objects - 1)}
        remote["jgi_sequencing_projects.bench"] = {
            "sequencing_project_name": "bench", "sequencing_project_description": "bench",
            "jgi_proposal_id": "1", "nmdc_study_id": "nmdc:sty-11-28tm5d36",
        }  # fmt: skip
        for record in remote.values():  # as the server reads datetimes back: naive UTC
            if "create_date" in record:
                record["create_date"] = "2024-03-01T12:00:00"
        recording.write_text(json.dumps(remote))
        del remote  # the bench's own copy: only what omicform reads back counts in its memory
        (folder / "warm").mkdir()  # first-use imports are the start-up row's, not this one's
        load_desired(write_config(folder / "warm", 1))
        started = time.perf_counter()
        desired = load_desired(config)
        loaded = time.perf_counter()
        snapshot = Snapshot()
        for address, data in json.loads(recording.read_text()).items():
            snapshot.add(address, data)
        read = time.perf_counter()
        plan = make_plan(desired, State(), snapshot, files=preflight(desired, {}))
        planned = time.perf_counter()
    assert not plan.has_changes
    return {
        "benchmark": f"plan, {objects:,} declared objects, remote from a recording",
        "load_seconds": round(loaded - started, 2),
        "read_recording_seconds": round(read - loaded, 2),
        "diff_seconds": round(planned - read, 2),
        "objects_per_second": round(objects / (planned - read)),
    }


def bench_manifest(rows: int) -> dict[str, Any]:
    data = manifest_tsv(rows, first=0)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        report = check_manifest(data, file_name="bench_manifest.tsv")
        best = min(best, time.perf_counter() - started)
    assert report.ok
    return {
        "benchmark": f"NeMO manifest check, {rows:,} rows (best of 5)",
        "seconds": round(best, 3),
        "rows_per_second": round(rows / best),
    }


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    results = [
        bench_manifest(25_000 // scale),
        bench_diff(100_000 // scale),
        bench_plan_existing(10_000 // scale),
        *(bench_apply(1_000 // scale, p) for p in (1, 8, 32)),
    ]
    for row in results:
        name = row.pop("benchmark")
        figures = ", ".join(f"{k} {v}" for k, v in row.items())
        print(f"{name:<62} {figures}")
        row["benchmark"] = name
    report = {"machine": machine(), "results": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nmachine: {json.dumps(report['machine'])}\nwrote {args.out}")


if __name__ == "__main__":
    main()
