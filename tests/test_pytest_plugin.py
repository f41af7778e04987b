"""The pytest plugin that comes with omicform: a user's test file, alone in a folder with no
conftest, gets a sandbox and cassettes from the `pytest11` entry point.

Each test here writes a user's test file into `tmp_path` and runs pytest on it in a
subprocess: `cwd=tmp_path` (so neither this repository's pyproject.toml nor its conftests
are seen), `PYTHONPATH` cleared (so `tests/` and its helpers are not importable), and
pytest's plugin autoload left on (so the entry point is the only thing that can load the
plugin). The interpreter is this venv's: omicform installed as a package plus pytest is what
a user has after `pip install omicform pytest`. The test extras installed here too
(pytest-recording, vcrpy...) are not used by the user's files, and vcrpy is one of
omicform's own dependencies; a second venv would prove the same at a minute's cost.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# Any variable that could make the subprocess see this repository or change how pytest
# loads plugins goes.
_DROPPED = ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")


def user_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED and not k.startswith(("NMDC_", "NEMO_", "CI", "OMICFORM_"))
    }
    return {**env, **extra}


def run_pytest(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args],
        cwd=folder,
        env=user_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


CONFIG = """\
omicform: 1
jgi_sequencing_projects:
  soil-2024:
    sequencing_project_description: soil
    jgi_proposal_id: "503568"
    nmdc_study_id: "nmdc:sty-11-28tm5d36"
globus_tasks:
  task-1: {task_status: ACTIVE}
"""

SANDBOX_TESTS = f"""
import os
from pathlib import Path

import pytest

from omicform import ApplyOptions, Connections, Workspace, apply_plan

CONFIG = {CONFIG!r}


def plan_and_apply(folder, env):
    (folder / "omicform.yaml").write_text(CONFIG)
    ws = Workspace(config=folder / "omicform.yaml")
    desired = ws.desired()
    with Connections(desired.services, env=env) as connections:
        _, state, plan = ws.plan(connections, desired=desired)
        result = apply_plan(plan, state, ws.store(desired), connections, ApplyOptions())
        _, _, again = ws.plan(connections, desired=desired)
    return plan, result, again


def test_the_plugin_came_from_the_entry_point(request):
    assert request.config.pluginmanager.hasplugin("omicform")
    assert not list(Path.cwd().glob("conftest.py"))
    assert "tests" not in os.environ.get("PYTHONPATH", "")


def test_a_session_sandbox_applies_a_plan(omicform_sandbox, tmp_path):
    assert set(omicform_sandbox.env) >= {{
        "NMDC_API_URL", "NMDC_CLIENT_ID", "NMDC_CLIENT_SECRET",
        "NEMO_API_URL", "NEMO_LOGIN_URL", "NEMO_USERNAME", "NEMO_PASSWORD",
    }}
    plan, result, again = plan_and_apply(tmp_path, omicform_sandbox.env)
    assert plan.counts() == {{"create": 2}}
    assert result.complete
    assert not again.has_changes


def test_the_session_sandbox_is_shared(omicform_sandbox, omicform_sandbox_env):
    assert omicform_sandbox_env == omicform_sandbox.env
    assert os.environ["NMDC_API_URL"] == omicform_sandbox.nmdc_url


def test_a_sandbox_of_its_own_starts_empty(omicform_sandbox, omicform_sandbox_factory, tmp_path):
    own = omicform_sandbox_factory()
    assert own.base_url != omicform_sandbox.base_url
    plan, result, _ = plan_and_apply(tmp_path, own.env)
    assert plan.counts() == {{"create": 2}}  # nothing of the other tests' records
    assert result.complete
"""


def test_a_users_test_file_gets_a_sandbox_with_only_omicform_and_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(SANDBOX_TESTS)
    result = run_pytest(tmp_path, "test_user.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    assert "conftest" not in result.stdout


def test_the_example_in_docs_testing_md_passes_as_written(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "testing.md").read_text()
    example = docs.split("```python\n", 1)[1].split("```", 1)[0]
    assert "def test_records_are_applied_and_a_second_plan_is_empty" in example
    (tmp_path / "test_samples.py").write_text(example)
    result = run_pytest(tmp_path, "test_samples.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


CASSETTE_TEST = f"""
import os

from omicform import Connections, Workspace

CONFIG = {CONFIG!r}


def test_plan(omicform_cassette, omicform_sandbox_factory, tmp_path, monkeypatch):
    if omicform_cassette.recording:
        # Recording: a live service (here a sandbox on the port the URLs name).
        sandbox = omicform_sandbox_factory(port=int(os.environ["SANDBOX_PORT"]))
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
    config = CONFIG.replace("task-1", os.environ.get("TASK_ID", "task-1"))
    (tmp_path / "omicform.yaml").write_text(config)
    ws = Workspace(config=tmp_path / "omicform.yaml")
    desired = ws.desired()
    with Connections(desired.services, replaying=omicform_cassette.replaying) as connections:
        _, _, plan = ws.plan(connections, desired=desired)
    assert plan.counts() == {{"create": 2}}
    print("REPLAYED" if omicform_cassette.replaying else "RECORDED")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_cassette_records_once_then_replays_and_says_what_changed(tmp_path: Path) -> None:
    (tmp_path / "test_cassette.py").write_text(CASSETTE_TEST)
    port = free_port()
    urls = {
        "SANDBOX_PORT": str(port),
        "NMDC_API_URL": f"http://127.0.0.1:{port}/nmdc",
        "NEMO_API_URL": f"http://127.0.0.1:{port}/nemo/api",
        "NEMO_LOGIN_URL": f"http://127.0.0.1:{port}/nemo-login",
    }
    cassette = tmp_path / "cassettes" / "test_cassette" / "test_plan.yaml"

    # In CI, a missing cassette fails rather than reaching for the network.
    missing = run_pytest(tmp_path, "-s", **urls, CI="true")
    assert missing.returncode == 1
    assert "no cassette" in missing.stdout and "--omicform-record" in missing.stdout
    assert not cassette.exists()

    recorded = run_pytest(tmp_path, "-s", **urls)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "RECORDED" in recorded.stdout
    text = cassette.read_text()
    # Scrubbed and guarded as omicform's own cassettes: no credential, token or auth header.
    for secret in ("sandbox-secret", "sandbox-password", "eyJ", "uthorization:"):
        assert secret not in text, secret
    assert "***REDACTED***" in text

    # In CI, no server and no credentials: the cassette answers.
    replayed = run_pytest(tmp_path, "-s", **urls, CI="true")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "REPLAYED" in replayed.stdout
    assert cassette.read_text() == text

    # The code changed since the recording: which request, and how to record again.
    stale = run_pytest(tmp_path, **urls, CI="true", TASK_ID="task-2")
    assert stale.returncode == 1
    out = stale.stdout
    assert "CassetteMismatch: the cassette " in out
    assert "has no answer for GET http://127.0.0.1:" in out
    assert '"$in":["task-2"]' in out
    assert "changed since the cassette was recorded" in out
    assert "pytest --omicform-record test_cassette.py::test_plan" in out
    assert "record_mode" not in out

    # --omicform-record records it again.
    again = run_pytest(tmp_path, "-s", "--omicform-record", **urls, TASK_ID="task-2")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "RECORDED" in again.stdout


PYTEST_RECORDING_TEST = """
import httpx
import pytest

from omicform.services.recording import GuardedPersister, scrub_request


@pytest.fixture
def vcr_config(omicform_vcr_config):
    return omicform_vcr_config


def test_the_rules(vcr_config):
    assert vcr_config["match_on"] == ["method", "path", "query", "omicform_body"]
    assert vcr_config["before_record_request"] is scrub_request
    assert vcr_config["allow_playback_repeats"] is False
    assert isinstance(vcr_config["persister"], GuardedPersister)


def echo(request):
    if request.url.path == "/token":
        return httpx.Response(200, json={"access_token": "eyJabcd.eyJefgh.sig0123"})
    return httpx.Response(200, json={"got": request.content.decode()})


@pytest.mark.vcr
def test_recorded(monkeypatch):
    with httpx.Client(transport=httpx.MockTransport(echo)) as client:
        answer = client.post("http://nmdc.test/token", data={"client_secret": "hunter2-42"})
        assert answer.status_code == 200
        answer = client.post("http://nmdc.test/x", json={"b": 1, "a": [1, 2]})
        assert answer.json()["got"] in ('{"b":1,"a":[1,2]}', '{"b": 1, "a": [1, 2]}')
"""


def test_pytest_recording_users_get_the_same_rules(tmp_path: Path) -> None:
    """With pytest-recording (not needed by the plugin, but installed here), a conftest's
    `vcr_config` returning `omicform_vcr_config` records scrubbed and replays by omicform's
    matcher, which the plugin registers with pytest-recording."""
    pytest.importorskip("pytest_recording")
    (tmp_path / "test_rules.py").write_text(PYTEST_RECORDING_TEST)
    recorded = run_pytest(tmp_path, "--record-mode=once")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    text = (tmp_path / "cassettes" / "test_rules" / "test_recorded.yaml").read_text()
    assert "hunter2" not in text and "eyJ" not in text
    assert "client_secret=***REDACTED***" in text
    replayed = run_pytest(tmp_path, "--record-mode=none", "--block-network")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "2 passed" in replayed.stdout
