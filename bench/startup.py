"""What `omicform plan` pays for imports over a whole real run (issue #14, start-up).

Lazy imports only move a cost to later in the run, so `plan --help` alone would flatter
them: this runs a real small `omicform plan` against a sandbox under `-X importtime` and
sums the top-level (level 0) cumulative import times, less what a bare interpreter of the
same venv imports anyway (site, encodings, the editable install's finder).

`-X importtime` does not report a module loaded by `importlib.import_module` (only its
imports, as top-level ones): omicform's lazy loaders use the import statement or
`__import__`, so that their own time is counted too.

Measured with compiled bytecode, as an installed omicform runs (pip compiles it at install,
and an editable install writes it on first import): every run here gets a fresh pycache
folder (`PYTHONPYCACHEPREFIX`) and an untimed first run fills it, even where the caller's
environment sets `PYTHONDONTWRITEBYTECODE` (which would otherwise make each run compile
omicform's modules from source and count the compiler's time as imports).

    .venv/bin/python bench/startup.py [--runs N]   # prints one JSON object per config
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from reconciler import sandbox, write_config

from omicform.sandbox.testing import manifest_tsv

OMICFORM = str(Path(sys.executable).with_name("omicform"))


def level0_imports(stderr: str) -> dict[str, float]:
    """Module -> cumulative seconds of each top-level import in an `-X importtime` log."""
    found: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if name.startswith(" ") and not name.startswith("  "):  # one space: level 0
            try:
                found[name.strip()] = int(cumulative) / 1e6
            except ValueError:  # the header line ("cumulative")
                continue
    return found


PYCACHE = tempfile.mkdtemp(prefix="omicform-bench-pycache-")
atexit.register(shutil.rmtree, PYCACHE, ignore_errors=True)


def compiled_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env` over this process's, with bytecode written to and read from `PYCACHE`."""
    run_env = {**os.environ, **env, "PYTHONPYCACHEPREFIX": PYCACHE}
    run_env.pop("PYTHONDONTWRITEBYTECODE", None)
    return run_env


def imported(argv: list[str], env: Mapping[str, str], cwd: Path | None = None) -> dict[str, float]:
    run_env = {**compiled_env(env), "PYTHONPROFILEIMPORTTIME": "1"}
    out = subprocess.run(argv, env=run_env, cwd=cwd, capture_output=True, text=True)
    if out.returncode not in (0, 2):  # 2: a plan with changes under --detailed-exitcode
        raise RuntimeError(f"{argv} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return level0_imports(out.stderr)


def bare_modules() -> set[str]:
    """What the venv's interpreter imports before running anything."""
    return set(imported([sys.executable, "-c", "pass"], {}))


def import_seconds(argv: list[str], env: Mapping[str, str], runs: int, cwd: Path) -> float:
    """Best of `runs`: the sum of top-level imports a bare interpreter does not make. An
    untimed first run compiles the bytecode."""
    imported(argv, env, cwd)
    bare, best = bare_modules(), math.inf
    for _ in range(runs):
        found = imported(argv, env, cwd)
        best = min(best, sum(s for name, s in found.items() if name not in bare))
    return best


def write_nemo_config(folder: Path) -> Path:
    """The NMDC config plus one NeMO manifest of three rows."""
    config = write_config(folder, 3)
    (folder / "manifest.tsv").write_bytes(manifest_tsv(3))
    with config.open("a") as file:
        file.write("nemo_manifests:\n  bench:\n    file: manifest.tsv\n")
    return config


def plan_imports(runs: int) -> dict[str, float]:
    """Import seconds of a real plan: NMDC only (a project, three samples), the same as on
    a terminal (FORCE_COLOR: the spinner and the colours, which import rich), and with NeMO."""
    with tempfile.TemporaryDirectory() as tmp, sandbox() as env:
        seed = {"XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        configs = {"nmdc": ({}, False), "nmdc, terminal": ({"FORCE_COLOR": "1"}, False)}
        configs["nmdc+nemo"] = ({}, True)
        figures: dict[str, float] = {}
        for name, (extra, nemo) in configs.items():
            folder = Path(tmp) / name.replace("+", "_").replace(", ", "_")
            folder.mkdir()
            config = write_nemo_config(folder) if nemo else write_config(folder, 3)
            argv = [OMICFORM, "plan", "-f", str(config), "--detailed-exitcode"]
            figures[name] = import_seconds(argv, {**env, **seed, **extra}, runs, folder)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    help_imports = import_seconds([OMICFORM, "plan", "--help"], {}, args.runs, Path.cwd())
    print(json.dumps({"plan --help": round(help_imports, 3), **{
        f"plan ({k})": round(v, 3) for k, v in plan_imports(args.runs).items()}}))  # fmt: skip


if __name__ == "__main__":
    main()
