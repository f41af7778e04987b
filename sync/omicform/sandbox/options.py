"""Everything a sandbox can be started with: who may log in, how fast time runs, what breaks.

The settings are plain frozen dataclasses so that a change at run time is one atomic
replacement of the whole object (`dataclasses.replace`), never a half-applied update.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ErrorPhase = Literal["before", "after", "mixed"]
ERROR_PHASES: tuple[ErrorPhase, ...] = ("before", "after", "mixed")

# Documented, clearly fake credentials: the sandbox is for trying things, never for secrets.
DEFAULT_NMDC_CLIENT_ID = "sandbox-client"
DEFAULT_NMDC_CLIENT_SECRET = "sandbox-secret"
DEFAULT_NEMO_USERNAME = "sandbox-user"
DEFAULT_NEMO_PASSWORD = "sandbox-password"

NMDC_ALLOWANCES = ("/wf_file_staging", "/metadata/json:submit")


@dataclass(frozen=True)
class NmdcPrincipal:
    """A site client (client_credentials grant) or a user (password grant) of the NMDC part."""

    name: str
    secret: str
    kind: Literal["client", "user"] = "client"
    allowances: tuple[str, ...] = NMDC_ALLOWANCES


@dataclass(frozen=True)
class NemoUser:
    """A NeMO submitter; `role` decides what `all=y` and searches may see."""

    username: str
    password: str
    email: str
    first: str
    last: str
    group: str = "sandbox-lab"
    role: Literal["member", "leader", "superuser"] = "member"


def default_nmdc_principals(client_id: str, client_secret: str) -> tuple[NmdcPrincipal, ...]:
    """The main client (every allowance), a client without allowances (for 403s) and a user."""
    return (
        NmdcPrincipal(client_id, client_secret),
        NmdcPrincipal("sandbox-restricted-client", "sandbox-restricted-secret", allowances=()),
        NmdcPrincipal(
            "sandbox-nmdc-user",
            "sandbox-nmdc-password",
            kind="user",
            allowances=NMDC_ALLOWANCES[:1],
        ),
    )


def default_nemo_users(username: str, password: str) -> tuple[NemoUser, ...]:
    """The main submitter leads a group with one colleague, so `all=y` has something to show."""
    return (
        NemoUser(
            username, password, f"{username}@sandbox.invalid", "Sandbox", "User", role="leader"
        ),
        NemoUser(
            "sandbox-colleague",
            "sandbox-colleague-password",
            "sandbox-colleague@sandbox.invalid",
            "Sandbox",
            "Colleague",
        ),
    )


@dataclass(frozen=True)
class FaultSettings:
    """What goes wrong on purpose. Everything is off by default."""

    latency: tuple[float, float] = (0.0, 0.0)  # seconds, uniform between the two
    error_rate: float = 0.0  # share of answers replaced by 500/502/503
    error_phase: ErrorPhase = "mixed"  # for writes: fail before or after the write happens
    throttle_rate: float = 0.0  # share answered 429 with Retry-After
    drop_rate: float = 0.0  # share whose connection is closed without an answer
    nmdc_rate_limit: float | None = None  # requests per second per service; None = unlimited
    nemo_rate_limit: float | None = None
    retry_after: int = 1  # seconds, sent with every 429

    def __post_init__(self) -> None:
        for name in ("error_rate", "throttle_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        low, high = self.latency
        if not (math.isfinite(low) and math.isfinite(high)) or low < 0 or high < low:
            raise ValueError(f"latency range {low}-{high} s is not a valid range")
        if self.error_phase not in ERROR_PHASES:
            raise ValueError(f"error_phase must be one of {', '.join(ERROR_PHASES)}")
        for name in ("nmdc_rate_limit", "nemo_rate_limit"):
            limit = getattr(self, name)
            if limit is not None and not (limit > 0 and math.isfinite(limit)):
                raise ValueError(f"{name} must be a positive number")
        if self.retry_after < 0:
            raise ValueError("retry_after must not be negative")

    def rate_limit(self, service: str) -> float | None:
        return self.nmdc_rate_limit if service == "nmdc" else self.nemo_rate_limit


@dataclass(frozen=True)
class ClockSettings:
    """How fast asynchronous work finishes. A delay of 0 means "one step per read".

    `validation_seconds`: NeMO manifest check after a submission; `step_seconds`: each of
    NeMO's five later ingest steps; `run_seconds`: an NMDC json:submit run from STARTED to
    COMPLETE.
    """

    validation_seconds: float = 2.0
    step_seconds: float = 2.0
    run_seconds: float = 2.0

    def __post_init__(self) -> None:
        for name in ("validation_seconds", "step_seconds", "run_seconds"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):  # NaN would stop the clock
                raise ValueError(f"{name} must be a number of seconds, not {value}")


@dataclass(frozen=True)
class NemoVariants:
    """Answers NeMO's documentation allows, other than the sandbox's defaults (opt in).

    `created_status` 201: a new submission (and a dry run) is answered 201, not 200.
    `null_policy`: a submission whose manifest failed validation shows `"policy": null`
    (NeMO's ingest code leaves it null) instead of no `policy` at all.
    `login_failure_status` 200: a failed login is HTTP 200 `{"message": "Login failed."}`.
    `extra_step`: a seventh step of this name, after `portal_release` (a step NeMO might add).
    `page_always`: `"page": N` on every history and search page, the last one included.
    The per-submission ones (`null_policy`, `extra_step`) apply to submissions made while set.
    """

    created_status: Literal[200, 201] = 200
    null_policy: bool = False
    login_failure_status: Literal[200, 401] = 401
    extra_step: str | None = None
    page_always: bool = False

    def __post_init__(self) -> None:
        if self.created_status not in (200, 201):
            raise ValueError("created_status must be 200 or 201")
        if self.login_failure_status not in (200, 401):
            raise ValueError("login_failure_status must be 200 or 401")
        if self.extra_step is not None and not (
            isinstance(self.extra_step, str) and self.extra_step.isidentifier()
        ):
            raise ValueError("extra_step must be a step name such as 'archive_release'")


@dataclass(frozen=True)
class SandboxOptions:
    """How to start a sandbox (the CLI options, as one object)."""

    port: int = 0
    data_dir: Path | None = None  # None keeps everything in memory
    fresh: bool = False
    seed: Path | None = None
    nmdc_client_id: str = DEFAULT_NMDC_CLIENT_ID
    nmdc_client_secret: str = DEFAULT_NMDC_CLIENT_SECRET
    nemo_username: str = DEFAULT_NEMO_USERNAME
    nemo_password: str = DEFAULT_NEMO_PASSWORD
    faults: FaultSettings = field(default_factory=FaultSettings)
    clock: ClockSettings = field(default_factory=ClockSettings)
    nemo_variants: NemoVariants = field(default_factory=NemoVariants)
    fault_seed: int | None = None
    strict_manifest: bool = False  # NeMO vocabulary misses fail validation (else warnings)
    access_log: bool | Path = False  # one line per request: True to stderr, or to this file

    @property
    def nmdc_principals(self) -> tuple[NmdcPrincipal, ...]:
        return default_nmdc_principals(self.nmdc_client_id, self.nmdc_client_secret)

    @property
    def nemo_users(self) -> tuple[NemoUser, ...]:
        return default_nemo_users(self.nemo_username, self.nemo_password)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def parse_duration(text: str) -> float:
    """`20ms`, `0.5s` or `2` (seconds) -> seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (write e.g. 20ms or 0.5s)")
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def parse_latency(text: str) -> tuple[float, float]:
    """`20ms` -> (0.02, 0.02); `10ms-50ms` -> (0.01, 0.05)."""
    low, sep, high = text.partition("-")
    first = parse_duration(low)
    second = parse_duration(high) if sep else first
    if second < first:
        raise ValueError(f"latency range {text!r} goes backwards")
    return (first, second)
