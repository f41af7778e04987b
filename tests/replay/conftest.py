"""Replay tests: the service layer and the reconciler against recorded cassettes.

By default every test here replays its cassette from `cassettes/` with no server and no
credentials (vcrpy record mode "none": a request the cassette does not hold fails the test).
To record them again against a fresh sandbox, run `make record`, which sets
`OMICFORM_RECORD=1` (pytest's own `--record-mode=rewrite` does the same). Recording starts
`run_sandbox` on a fixed port with a fast clock and a fixed fault seed, and saves each
cassette scrubbed of secrets and normalised (see `normalise_interactions` in tests/cassette_rules.py),
so re-recording unchanged behaviour rewrites identical files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cassette_rules import StablePersister

from omicform.sandbox import run_sandbox
from omicform.sandbox.options import (
    DEFAULT_NEMO_PASSWORD,
    DEFAULT_NEMO_USERNAME,
    DEFAULT_NMDC_CLIENT_ID,
    DEFAULT_NMDC_CLIENT_SECRET,
    default_nemo_users,
    default_nmdc_principals,
)
from omicform.sandbox.routes import NEMO_API_PREFIX, NEMO_LOGIN_PREFIX, NMDC_PREFIX
from omicform.services.recording import (
    REPLAY_CREDENTIALS,
    body_matcher,
    scrub_request,
    scrub_response,
)

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
RECORD_ENV = "OMICFORM_RECORD"
RECORD_PORT = 18765  # fixed: the URLs the cassettes hold (matching ignores host and port anyway)
RECORD_FAULT_SEED = 20240101
BASE_URL = f"http://127.0.0.1:{RECORD_PORT}"

# Every secret the recording sandbox knows; no cassette may hold any of them.
SANDBOX_SECRETS = (
    *(
        p.secret
        for p in default_nmdc_principals(DEFAULT_NMDC_CLIENT_ID, DEFAULT_NMDC_CLIENT_SECRET)
    ),
    *(u.password for u in default_nemo_users(DEFAULT_NEMO_USERNAME, DEFAULT_NEMO_PASSWORD)),
)


def is_recording(config: pytest.Config) -> bool:
    mode = config.getoption("--record-mode", default=None)
    return os.environ.get(RECORD_ENV) == "1" or mode not in (None, "none")


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("omicform_body", body_matcher)


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """cassettes/<module, without test_ and _replay>/<test>.yaml at the top of the repository."""
    return str(CASSETTES / request.path.stem.removeprefix("test_").removesuffix("_replay"))


@pytest.fixture
def vcr_config(pytestconfig: pytest.Config) -> dict[str, Any]:
    config: dict[str, Any] = {
        # Host and port do not count: a cassette replays against any URL.
        "match_on": ["method", "path", "query", "omicform_body"],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        # Each answer plays once, identical requests in recorded order: polling replays as it went.
        "allow_playback_repeats": False,
        "persister": StablePersister(SANDBOX_SECRETS),
    }
    if os.environ.get(RECORD_ENV) == "1" and pytestconfig.getoption("--record-mode") is None:
        config["record_mode"] = "rewrite"
    return config


@pytest.fixture
def recording(pytestconfig: pytest.Config) -> bool:
    return is_recording(pytestconfig)


@pytest.fixture
def service_env(recording: bool) -> Iterator[dict[str, str]]:
    """NMDC_API_URL, NEMO_API_URL, NEMO_LOGIN_URL and credentials: a fresh sandbox's when
    recording; when replaying the same URLs with stand-in secrets and no server at all."""
    if recording:
        with run_sandbox(
            port=RECORD_PORT,
            validation_seconds=0,
            step_seconds=0,
            run_seconds=0,
            fault_seed=RECORD_FAULT_SEED,
        ) as sandbox:
            yield dict(sandbox.env)
        return
    yield {
        "NMDC_API_URL": BASE_URL + NMDC_PREFIX,
        "NMDC_CLIENT_ID": DEFAULT_NMDC_CLIENT_ID,
        "NMDC_CLIENT_SECRET": REPLAY_CREDENTIALS,
        "NEMO_API_URL": BASE_URL + NEMO_API_PREFIX,
        "NEMO_LOGIN_URL": BASE_URL + NEMO_LOGIN_PREFIX,
        "NEMO_USERNAME": DEFAULT_NEMO_USERNAME,
        "NEMO_PASSWORD": REPLAY_CREDENTIALS,
    }
