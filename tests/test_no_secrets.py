"""Secrets come only from the environment and appear nowhere, in no encoding: output, logs,
plans, state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import config, forms

from omicform.cli import main
from omicform.sandbox import run_sandbox

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def test_verbose_plan_apply_and_status_leak_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config(tmp_path, samples=3, manifests=1, tasks=1)
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
        runs = [
            CliRunner().invoke(
                main, ["plan", "-vv", "-f", str(path), "-out", str(tmp_path / "plan.json")]
            ),
            CliRunner().invoke(main, ["apply", "-vv", str(tmp_path / "plan.json")]),
            CliRunner().invoke(main, ["status", "-vv", "-f", str(path)]),
            CliRunner().invoke(main, ["plan", "-vv", "--json", "-f", str(path)]),
        ]
        for run in runs:
            assert run.exit_code == 0, run.output + run.stderr
        secrets = [sandbox.env["NMDC_CLIENT_SECRET"], sandbox.env["NEMO_PASSWORD"]]
    logs = "".join(r.stderr for r in runs)
    assert "POST /nmdc/token -> 200" in logs  # -vv logs requests: method, path, status, time
    texts = [r.output + r.stderr for r in runs]
    texts += [
        p.read_text() for p in tmp_path.iterdir() if p.suffix == ".json" or ".journal" in p.name
    ]
    for text in texts:
        for secret in secrets:
            for form in forms(secret):  # as is, URL-, form-, JSON- or base64-encoded
                assert form not in text
        assert not JWT.search(text)
        assert "Bearer " not in text
