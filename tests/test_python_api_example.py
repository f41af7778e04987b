"""examples/python_api.py: records computed in Python, planned and applied through the
public API against a sandbox; run again, it changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from omicform.sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "python_api.py"


def run_example(workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), "--workdir", str(workdir)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_applies_its_records_then_finds_nothing_to_change(
    tmp_path: Path, omicform_sandbox_factory: Callable[..., Sandbox]
) -> None:
    sandbox = omicform_sandbox_factory()  # its own: the session sandbox may hold these records
    workdir = tmp_path / "work"

    first = run_example(workdir, sandbox.env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Plan: 7 create" in first.stdout
    assert "create   jgi_samples.6011bc6e117e5d4b9d2b2073" in first.stdout
    assert "Apply: 7 done, 0 failed" in first.stdout
    assert "Apply complete!" in first.stdout
    assert (workdir / "jgi_samples.records.tsv").read_text().count("\n") == 5  # header, 4 records
    assert (workdir / "omicform.state.json").exists()

    second = run_example(workdir, sandbox.env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "No changes." in second.stdout
    assert "create" not in second.stdout
    assert "Apply" not in second.stdout
    assert "Traceback" not in first.stderr + second.stderr


def test_a_service_error_is_a_message_and_exit_1(tmp_path: Path) -> None:
    """No credentials in the environment: the example says so, as the CLI would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NMDC_", "NEMO_"))}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--workdir", str(tmp_path)],
        env={**env, "NMDC_API_URL": "http://127.0.0.1:9/nmdc"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
