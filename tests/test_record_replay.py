"""--record and --replay: record a plan once with credentials, replay it with none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import config

from omicform.cli import main
from omicform.sandbox import run_sandbox

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def test_a_recorded_plan_replays_without_credentials_or_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config(tmp_path, samples=5, manifests=1, tasks=2)
    cassette = tmp_path / "plan.yaml"
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
        applied = CliRunner().invoke(main, ["apply", "--auto-approve", "-f", str(path)])
        assert applied.exit_code == 0, applied.output
        (tmp_path / "omicform.yaml").write_text(
            path.read_text().replace("t1: {task_status: ACTIVE}", "t1: {task_status: DONE}")
        )
        recorded = CliRunner().invoke(main, ["plan", "-f", str(path), "--record", str(cassette)])
        assert recorded.exit_code == 0, recorded.output
        secrets = [sandbox.env["NMDC_CLIENT_SECRET"], sandbox.env["NEMO_PASSWORD"]]
    # The sandbox is gone and so are the credentials: only the cassette answers now.
    for name in ("NMDC_CLIENT_ID", "NMDC_CLIENT_SECRET", "NEMO_USERNAME", "NEMO_PASSWORD"):
        monkeypatch.delenv(name)
    replayed = CliRunner().invoke(main, ["plan", "-f", str(path), "--replay", str(cassette)])
    assert replayed.exit_code == 0, replayed.output + replayed.stderr
    assert replayed.output == recorded.output
    assert '~ task_status = "ACTIVE" -> "DONE"' in replayed.output
    text = cassette.read_text()
    for secret in secrets:
        assert secret not in text
    assert not JWT.search(text)
    assert "authorization" not in text.lower()
