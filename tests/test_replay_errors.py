"""Replay errors people can act on: a request missing from the cassette is one paragraph
(which request, that the run changed since the recording, how to record again) and exit 1,
never vcrpy's page or a traceback; --record with --replay is a usage error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from click.testing import CliRunner, Result
from helpers import config

from omicform.cli import main
from omicform.sandbox import run_sandbox
from omicform.services.recording import (
    REDACTED,
    CassetteMismatch,
    SecretInCassette,
    mismatch,
    recording,
)

CREDENTIALS = ("NMDC_CLIENT_ID", "NMDC_CLIENT_SECRET", "NEMO_USERNAME", "NEMO_PASSWORD")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="omicform")


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """A config and the cassette of its plan, recorded against a sandbox that is gone now,
    with no credentials left in the environment."""
    path = config(tmp_path, samples=2, manifests=1, tasks=1)
    cassette = tmp_path / "plan.yaml"
    with run_sandbox(validation_seconds=0, step_seconds=0, run_seconds=0) as sandbox:
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
        result = invoke("plan", "-f", str(path), "--record", str(cassette))
        assert result.exit_code == 0, result.output
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    yield path, cassette


def changed(path: Path) -> None:
    """One more Globus task: the plan now asks about a task the recording never asked about."""
    text = path.read_text()
    assert "  t0: {task_status: ACTIVE}\n" in text
    path.write_text(
        text.replace(
            "  t0: {task_status: ACTIVE}\n",
            "  t0: {task_status: ACTIVE}\n  t9: {task_status: ACTIVE}\n",
        )
    )


def assert_one_paragraph(result: Result, cassette: Path) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    err = result.stderr
    assert err.startswith("Error: the cassette ")
    assert "has no answer for GET http://127.0.0.1:" in err
    # The request as it was made, readable: the query that differs, percent-decoded.
    assert '/nmdc/wf_file_staging/globus_tasks?filter={"task_id":{"$in":["t0","t9"]}}' in err
    assert "the closest recorded request differs in its query" in err
    assert "changed since the cassette was recorded" in err
    assert f"--record {cassette}" in err
    # Not vcrpy's page: no record modes, matcher lists or documentation links.
    for noise in ("record_mode", "match_on", "vcrpy", "Closest recorded requests", "[1]"):
        assert noise not in err
    assert len(err.strip().splitlines()) <= 4, err


def test_a_plan_that_changed_since_the_recording_says_which_request_and_how_to_record_again(
    recorded: tuple[Path, Path],
) -> None:
    path, cassette = recorded
    assert invoke("plan", "-f", str(path), "--replay", str(cassette)).exit_code == 0
    changed(path)
    assert_one_paragraph(invoke("plan", "-f", str(path), "--replay", str(cassette)), cassette)


def test_apply_and_status_replaying_a_stale_cassette_say_the_same(
    recorded: tuple[Path, Path],
) -> None:
    path, cassette = recorded
    changed(path)
    assert_one_paragraph(
        invoke("apply", "--auto-approve", "-f", str(path), "--replay", str(cassette)), cassette
    )


@pytest.mark.parametrize("command", ["plan", "apply", "status"])
def test_record_with_replay_is_a_usage_error(tmp_path: Path, command: str) -> None:
    cassette = tmp_path / "c.yaml"
    cassette.write_text("interactions: []\nversion: 1\n")
    result = invoke(command, "--record", str(tmp_path / "new.yaml"), "--replay", str(cassette))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Usage: omicform {command} [OPTIONS]")
    assert f"Try 'omicform {command} --help' for help." in result.stderr
    assert "Error: --record and --replay exclude each other" in result.stderr
    assert not (tmp_path / "new.yaml").exists()


# -- The same rules from Python (recording(), as the CLI and the pytest plugin use them) -------


def peer() -> httpx.Client:
    """A scripted service (vcrpy intercepts httpx's mock transport like any other)."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"path": request.url.path})

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_request_replayed_more_often_than_recorded_says_so(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with recording(record=cassette), peer() as client:
        client.get("http://nmdc.test/runs/r1")
    answers = []
    with pytest.raises(CassetteMismatch) as caught, recording(replay=cassette), peer() as client:
        answers.append(client.get("http://nmdc.test/runs/r1").json())
        client.get("http://nmdc.test/runs/r1")
    assert answers == [{"path": "/runs/r1"}]
    assert caught.value.request == "GET http://nmdc.test/runs/r1"
    assert "fewer times than this run makes it" in caught.value.message


def test_the_request_named_never_shows_a_secret() -> None:
    exc = SimpleNamespace(
        failed_request=SimpleNamespace(
            method="GET",
            uri="http://nmdc.test/objects?access_token=hunter2hunter2&id=x",
        ),
        reason="nothing_similar",
        similar_requests=[],
    )
    error = mismatch(exc, "c.yaml")  # type: ignore[arg-type]
    assert "hunter2" not in str(error)
    assert f"access_token={REDACTED}&id=x" in error.message
    assert "it holds nothing like it" in error.message


def test_a_users_recording_that_would_hold_a_credential_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard of the project's own cassettes guards users' --record too: the credentials
    in the environment are known secrets, whatever field a service echoes them in."""
    monkeypatch.setenv("NMDC_CLIENT_SECRET", "s3cret-value-42")

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"detail": f"bad client s3cret-value-42 ({os.getpid()})"})

    cassette = tmp_path / "c.yaml"
    with (
        pytest.raises(SecretInCassette, match="the secret s3c"),
        recording(record=cassette),
        httpx.Client(transport=httpx.MockTransport(echo)) as client,
    ):
        client.get("http://nmdc.test/x")
    assert not cassette.exists()
    assert not list(tmp_path.iterdir())
