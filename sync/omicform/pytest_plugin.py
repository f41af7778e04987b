"""pytest fixtures for testing code that uses omicform: a sandbox, and cassettes.

Installed with omicform and loaded by pytest through the `pytest11` entry point, so a test
file needs no conftest. See docs/testing.md.

* `omicform_sandbox`: one fresh sandbox of both services for the test session (fast clock:
  NeMO's steps and NMDC's runs finish at the next read); `.env` holds the variables
  `omicform sandbox` prints.
* `omicform_sandbox_factory`: `make(**options)` starts a sandbox of the test's own (any
  `run_sandbox` keyword: faults, seed, limits), stopped when the test ends.
* `omicform_sandbox_env`: the session sandbox's variables set in `os.environ` for one test.
* `omicform_cassette`: records the test's HTTP once and replays it afterwards (in CI), with
  the scrubbing, matching and secret guard of omicform's own cassettes.
* `omicform_vcr_config`: the same rules as keyword arguments for pytest-recording's
  `vcr_config` fixture.

Nothing here is imported until a fixture is used: loading the plugin costs a pytest run
that does not use omicform nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from omicform.sandbox import Sandbox

RECORD_OPTION = "--omicform-record"
# NeMO's validation and ingest steps and NMDC's runs finish at the next read: tests that
# follow submissions (`apply --wait`) take milliseconds, not minutes.
FAST_CLOCK: dict[str, Any] = {"validation_seconds": 0, "step_seconds": 0, "run_seconds": 0}

# The credentials of every sandbox this session started: no cassette may hold them.
_sandbox_secrets: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("omicform")
    group.addoption(
        RECORD_OPTION,
        action="store_true",
        default=False,
        help="Record the tests' omicform cassettes again (against the services the "
        "environment names, with their credentials) instead of replaying them.",
    )


# -- Sandboxes --------------------------------------------------------------------------------


def _remember(sandbox: Sandbox) -> Sandbox:
    from omicform.services.recording import secrets_in_env

    _sandbox_secrets.extend(secrets_in_env(sandbox.env))
    return sandbox


@pytest.fixture(scope="session")
def omicform_sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox of both services for the whole test session (fast clock).

    Records made by one test are there for the next: give each test its own names, or use
    `omicform_sandbox_factory` for a sandbox of its own."""
    from omicform.sandbox import run_sandbox

    with run_sandbox(**FAST_CLOCK) as sandbox:
        yield _remember(sandbox)


@pytest.fixture
def omicform_sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """`make(**options)`: a fresh sandbox for this test, with any `run_sandbox` keyword
    (`error_rate=0.2, fault_seed=1`, `step_seconds=1`...; fast clock unless given), stopped
    when the test ends. Each call starts another one."""
    from omicform.sandbox import run_sandbox

    with ExitStack() as stack:

        def make(**options: Any) -> Sandbox:
            sandbox = stack.enter_context(run_sandbox(**{**FAST_CLOCK, **options}))
            return _remember(sandbox)

        yield make


@pytest.fixture
def omicform_sandbox_env(
    omicform_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The session sandbox's variables (URLs and credentials) set in `os.environ` for this
    test, so code that reads the environment (the CLI, `Connections()`) finds it."""
    for name, value in omicform_sandbox.env.items():
        monkeypatch.setenv(name, value)
    return dict(omicform_sandbox.env)


# -- Cassettes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OmicformCassette:
    """The cassette a test records to or replays from."""

    path: Path
    replaying: bool

    @property
    def recording(self) -> bool:
        return not self.replaying


def _guarded_persister() -> Any:
    """omicform's `GuardedPersister`, knowing at save time every credential in the
    environment and of every sandbox this session started."""
    from omicform.services.recording import GuardedPersister, secrets_in_env

    class SessionGuard(GuardedPersister):
        def save_cassette(
            self, cassette_path: str, cassette_dict: dict[str, Any], serializer: Any
        ) -> None:
            self.secrets = (*secrets_in_env(os.environ), *_sandbox_secrets)
            super().save_cassette(cassette_path, cassette_dict, serializer)

    return SessionGuard()


def cassette_path(request: pytest.FixtureRequest) -> Path:
    """cassettes/<test module>/<test name>.yaml beside the test file."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    return request.path.parent / "cassettes" / request.path.stem / f"{name}.yaml"


@pytest.fixture
def omicform_cassette(request: pytest.FixtureRequest) -> Iterator[OmicformCassette]:
    """Records this test's HTTP to cassettes/<module>/<test>.yaml the first time (or with
    `--omicform-record`), replays it with the network blocked afterwards.

    Scrubbed, matched and guarded as omicform's own cassettes: no secret is ever written;
    a request the cassette does not hold fails the test with what it was and how to record
    again. In CI (`CI` set) a missing cassette fails instead of recording. Pass
    `replaying=omicform_cassette.replaying` to `Connections` so it needs no credentials."""
    from omicform.services.recording import make_vcr

    path = cassette_path(request)
    if request.config.getoption(RECORD_OPTION):
        path.unlink(missing_ok=True)
        mode = "all"
    elif path.exists():
        mode = "none"
    elif os.environ.get("CI"):
        pytest.fail(
            f"no cassette {path} to replay: record it with `pytest {RECORD_OPTION} "
            f"{request.node.nodeid}` (with the services' credentials set) and commit it",
            pytrace=False,
        )
    else:
        mode = "all"
    recorder = make_vcr(mode)
    recorder.register_persister(_guarded_persister())
    cassette = OmicformCassette(path=path, replaying=mode == "none")
    request.node.stash[_CASSETTE] = cassette
    with recorder.use_cassette(str(path)):
        yield cassette


_CASSETTE = pytest.StashKey[OmicformCassette]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """A request the test's cassette does not hold: one paragraph, not vcrpy's page."""
    __tracebackhide__ = True
    try:
        return (yield)
    except Exception as exc:
        cassette = item.stash.get(_CASSETTE, None)
        if cassette is None or type(exc).__name__ != "CannotOverwriteExistingCassetteException":
            raise
        from omicform.services.recording import mismatch

        raise mismatch(
            exc,
            cassette.path,
            hint=f"Record it again: pytest {RECORD_OPTION} {item.nodeid} (with the services' "
            "credentials set), and commit the new cassette.",
        ) from None


@pytest.fixture
def omicform_vcr_config() -> dict[str, Any]:
    """omicform's cassette rules for pytest-recording; in a conftest::

    @pytest.fixture
    def vcr_config(omicform_vcr_config):
        return omicform_vcr_config
    """
    from omicform.services.recording import vcr_config

    return vcr_config(persister=_guarded_persister())


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """pytest-recording's VCR objects know omicform's body matcher."""
    from omicform.services.recording import body_matcher

    vcr.register_matcher("omicform_body", body_matcher)
