"""omicform beside the official NMDC client and the physical limit (issue #14).

Each row runs both in the same sandbox (its own process, 20 ms added to every answer) and
reports the ratio. Plans are no-ops (every declared sample exists); they are timed in
process from reading the config to the finished plan, best of `--runs` (the official
client once: it takes seconds). Writes bench/compare.json and the table in
docs/performance.md.

    .venv/bin/python bench/compare.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from official import official_sync
from reconciler import ROOT, sample_row, sandbox, write_config
from startup import compiled_env, plan_imports
from table import write_table

from omicform.connections import Connections
from omicform.engine.executor import ApplyOptions, apply_plan
from omicform.engine.workspace import Workspace

LATENCY = 0.020
PAGE = 2000  # records per list request omicform asks for (kinds/base.py PAGE_SIZE)
PROJECT = {
    "sequencing_project_name": "bench",
    "sequencing_project_description": "bench",
    "jgi_proposal_id": "1",
    "nmdc_study_id": "nmdc:sty-11-28tm5d36",
}


def write_inline(folder: Path, samples: int) -> Path:
    lines = [
        "omicform: 1",
        "jgi_sequencing_projects:\n  bench:\n    sequencing_project_description: bench",
        '    jgi_proposal_id: "1"\n    nmdc_study_id: "nmdc:sty-11-28tm5d36"',
        "jgi_samples:",
    ]
    for i in range(samples):
        row = sample_row(i)
        lines.append(f'  "{row.pop("jdp_file_id")}":')
        lines += [f"    {k}: {json.dumps(v)}" for k, v in row.items()]
    path = folder / "omicform.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def seed_file(folder: Path, samples: int) -> Path:
    seed = {"nmdc": {"jgi_sequencing_projects": [PROJECT],
                     "jgi_samples": [sample_row(i) for i in range(samples)]}}  # fmt: skip
    path = folder / "seed.json"
    path.write_text(json.dumps(seed))
    return path


def omicform_plan(config: Path, env: dict[str, str], runs: int) -> tuple[float, float, int]:
    """Best of `runs` and the first run (the parse cache empty: a fresh folder for it).

    A plan of one sample goes first, untimed: the modules a plan imports on first use are
    the start-up row's figure, not the parse cache's."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(config=write_config(Path(tmp), 1), state_path=Path(tmp) / "s.json")
        with Connections(ws.desired().services, env=env) as connections:
            ws.plan(connections)
    os.environ["XDG_CACHE_HOME"] = str(config.parent / "cache")
    best, changes, first = math.inf, -1, 0.0
    for run in range(runs):
        started = time.perf_counter()
        ws = Workspace(config=config, state_path=config.with_name(f"s{run}.state.json"))
        desired = ws.desired()  # read once, as `omicform plan` reads it
        with Connections(desired.services, env=env) as connections:
            _, _, plan = ws.plan(connections, desired=desired)
        best = min(best, time.perf_counter() - started)
        first = first or best
        changes = sum(1 for c in plan.changes if c.changing)
    return best, first, changes


def bench_plan(samples: int, inline: bool, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_inline(folder, samples) if inline else write_config(folder, samples)
        with sandbox("--seed", str(seed_file(folder, samples)), "--latency", "20ms") as env:
            ours, first, changes = omicform_plan(config, env, runs)
            theirs = official_sync(config, env, PROJECT)
    assert changes == 0 and theirs["inserted"] == theirs["patched"] == 0, (changes, theirs)
    how = "inline YAML" if inline else "a table"
    return {
        "benchmark": f"no-op plan, {samples:,} samples, {how}",
        "omicform_s": round(ours, 3),
        "official_s": round(theirs["seconds"], 3),
        "limit_s": round((math.ceil(samples / PAGE) + 1) * LATENCY, 3),
        "limit_how": f"{math.ceil(samples / PAGE)} sample page(s) + 1 project page * 20 ms",
        "detail": f"first run (parse cache empty): {first:.2f} s"
        + (f", {theirs['seconds'] / first:.1f}x" if inline else ""),
    }


def omicform_apply(creates: int, parallelism: int) -> tuple[float, float]:
    """Seconds and CPU seconds of one apply of `creates` creates, in a fresh sandbox."""
    with tempfile.TemporaryDirectory() as tmp, sandbox("--latency", "20ms") as env:
        ws = Workspace(config=write_config(Path(tmp), creates - 1))  # + the project
        with Connections(ws.desired().services, env=env) as connections:
            desired, state, plan = ws.plan(connections)
            started, cpu = time.perf_counter(), time.process_time()
            options = ApplyOptions(parallelism=parallelism)
            result = apply_plan(plan, state, ws.store(desired), connections, options)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.ok, result.counts()
    return seconds, cpu


def bench_apply(creates: int, parallelism: int, runs: int = 1) -> dict[str, Any]:
    """omicform: best of `runs` (CPU of that run); the official client: one run."""
    seconds, cpu = min(omicform_apply(creates, parallelism) for _ in range(runs))
    with tempfile.TemporaryDirectory() as tmp, sandbox("--latency", "20ms") as env:
        config = write_config(Path(tmp), creates - 1)
        theirs = official_sync(config, env, PROJECT)
    assert theirs["inserted"] == creates - 1
    return {
        "benchmark": f"apply, {creates:,} creates, parallelism {parallelism}",
        "omicform_s": round(seconds, 3),
        "official_s": round(theirs["seconds"], 3),
        "limit_s": round(creates * LATENCY / parallelism, 3),
        "limit_how": f"{creates:,} * 20 ms / {parallelism}",
        "cpu_ms_per_create": round(cpu * 1000 / creates, 2),
    }


def bench_load_diff(objects: int, runs: int) -> dict[str, Any]:
    """Best of `runs`, each in a child process of its own, so its peak RSS is the
    benchmark's own (the largest of the runs' is reported)."""
    code = (
        "import json,resource,sys; sys.path.insert(0, 'bench'); import reconciler as r;"
        f"row = r.bench_diff({objects});"
        "row['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,1);"
        "print(json.dumps(row))"
    )
    rows = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT
        )
        rows.append(json.loads(out.stdout.decode().strip().splitlines()[-1]))
    row = min(rows, key=lambda r: r["load_seconds"] + r["diff_seconds"])
    peak = max(r["peak_rss_mb"] for r in rows)
    return {
        "benchmark": f"load + diff, {objects:,} declared objects (remote from a recording)",
        "omicform_s": round(row["load_seconds"] + row["diff_seconds"], 3),
        "detail": f"load {row['load_seconds']} s, diff {row['diff_seconds']} s, "
        f"peak RSS {peak} MB (the largest of {runs} runs)",
        "peak_rss_mb": peak,
    }


def bench_startup(runs: int) -> dict[str, Any]:
    """Imports over a whole real `omicform plan` (bench/startup.py), and `plan --help`'s wall
    time beyond a bare interpreter's."""
    omicform, env = str(Path(sys.executable).with_name("omicform")), compiled_env({})
    subprocess.run([omicform, "plan", "--help"], check=True, capture_output=True, env=env)
    best = best_wall([omicform, "plan", "--help"], env, max(runs, 5))
    bare = best_wall([sys.executable, "-c", "pass"], env, max(runs, 5))
    plans = plan_imports(max(runs, 5))
    return {
        "benchmark": "start-up: imports of a whole `omicform plan` (a project, 3 samples)",
        "omicform_s": round(plans["nmdc"], 3),
        "detail": f"on a terminal (spinner, colours: rich): {plans['nmdc, terminal']:.3f} s; "
        f"with a NeMO manifest too: {plans['nmdc+nemo']:.3f} s; "
        f"`plan --help`: {best:.3f} s wall, {best - bare:.3f} s more than a bare "
        f"interpreter ({bare:.3f} s)",
        "imports_s": round(plans["nmdc"], 3),
    }


def best_wall(argv: list[str], env: dict[str, str], runs: int) -> float:
    """The shortest wall time of `runs` runs of `argv`."""
    best = math.inf
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        best = min(best, time.perf_counter() - started)
    return best


def loop_seconds() -> float:
    """A fixed pure-Python loop (2,000,000 additions), best of 3: how fast this shared
    machine ran Python around the benchmarks, whose absolute targets move with it."""
    best = math.inf
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of each size")
    parser.add_argument("--runs", type=int, default=3, help="best of N for omicform")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    before = loop_seconds()
    rows = [bench_startup(args.runs)]
    for samples in (1_000 // scale, 10_000 // scale):
        rows += [bench_plan(samples, inline, args.runs) for inline in (False, True)]
    rows.append(bench_apply(1_000 // scale, 8, args.runs))
    rows.append(bench_load_diff(100_000 // scale, args.runs))
    machine = {
        "loop_seconds_before": round(before, 3),
        "loop_seconds_after": round(loop_seconds(), 3),
    }
    for row in rows:
        print(json.dumps(row))
    print(json.dumps(machine))
    (ROOT / "bench" / "compare.json").write_text(json.dumps([*rows, machine], indent=2) + "\n")
    if not args.quick:
        write_table(rows, ROOT / "docs" / "performance.md", machine)


if __name__ == "__main__":
    main()
