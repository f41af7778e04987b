"""Injected faults: latency, 5xx, 429, dropped connections and rate limits, and what the
service layer makes of them (retried reads succeed, writes report an unknown outcome).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from helpers import STAGING_TASKS

from omicform.errors import OutcomeUnknown, ServerFailed, ServiceUnreachable
from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import task_record
from omicform.services import NmdcService, NmdcSettings
from omicform.services.retry import RetryPolicy
from omicform.services.settings import HttpSettings

FAST_RETRIES = HttpSettings(retry=RetryPolicy(base_delay=0.005, max_delay=0.02, max_attempts=10))
TASKS = "/wf_file_staging/globus_tasks"
LIST_ROUTE = ("nmdc", f"GET {TASKS}")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(fault_seed=7, retry_after=0) as running:
        yield running


def service(sandbox: Sandbox, http: HttpSettings = FAST_RETRIES) -> NmdcService:
    return NmdcService(NmdcSettings.from_env(sandbox.env, http=http))


def test_latency_is_added_to_every_answer() -> None:
    with (
        run_sandbox(latency="120ms") as sandbox,
        httpx.Client(base_url=sandbox.nmdc_url) as http,
    ):
        started = time.monotonic()
        http.post("/metadata/json:validate", json={})
        assert time.monotonic() - started >= 0.12
        sandbox.admin.set_faults(latency="0ms")
        started = time.monotonic()
        http.post("/metadata/json:validate", json={})
        assert time.monotonic() - started < 0.1
        sandbox.admin.set_faults(latency="50ms-80ms")
        for _ in range(3):
            started = time.monotonic()
            http.post("/metadata/json:validate", json={})
            assert time.monotonic() - started >= 0.05


def test_errors_and_throttling_are_retried_for_reads(sandbox: Sandbox) -> None:
    with service(sandbox) as nmdc:
        for i in range(5):
            nmdc.create_record(STAGING_TASKS, task_record(f"t{i}"))
        sandbox.admin.reset_counts()
        sandbox.admin.set_faults(error_rate=0.3, throttle_rate=0.2, error_phase="before")
        for _ in range(4):
            records = list(nmdc.list_records(STAGING_TASKS, page_size=2))
            assert [r["task_id"] for r in records] == [f"t{i}" for i in range(5)]
    logical_calls = 4 * 3  # three pages each time
    assert sandbox.admin.request_counts("nmdc")[LIST_ROUTE] > logical_calls
    outcomes = sandbox.admin.request_outcomes("nmdc")
    assert outcomes[(*LIST_ROUTE, "200")] == logical_calls
    assert sum(n for (s, r, o), n in outcomes.items() if o in ("500", "502", "503")) > 0
    assert outcomes.get((*LIST_ROUTE, "429"), 0) > 0


def test_a_throttled_answer_says_when_to_retry() -> None:
    with run_sandbox(throttle_rate=1.0, retry_after=3) as sandbox:
        response = httpx.get(sandbox.nemo_url + "/submission")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert response.json() == {"message": "Too many requests."}


def test_a_dropped_connection_is_a_transport_error(sandbox: Sandbox) -> None:
    sandbox.admin.set_faults(drop_rate=1.0, error_phase="before")
    with pytest.raises(httpx.TransportError):
        httpx.post(sandbox.nmdc_url + "/metadata/json:validate", json={})
    two_tries = HttpSettings(retry=RetryPolicy(max_attempts=2, base_delay=0.001))
    with service(sandbox, two_tries) as nmdc, pytest.raises(ServiceUnreachable):
        nmdc.get_record(STAGING_TASKS, "t1")
    assert sandbox.admin.request_outcomes("nmdc")[("nmdc", "POST /token", "dropped")] == 2


def test_a_fault_after_the_write_leaves_the_outcome_unknown(sandbox: Sandbox) -> None:
    with service(sandbox) as nmdc:
        nmdc.token()
        sandbox.admin.set_faults(error_rate=1.0, error_phase="after")
        with pytest.raises(ServerFailed) as failed:
            nmdc.create_record(STAGING_TASKS, task_record("after-1"))
        assert failed.value.status in (500, 502, 503)
        sandbox.admin.set_faults(error_rate=0.0, drop_rate=1.0)
        with pytest.raises(OutcomeUnknown):
            nmdc.create_record(STAGING_TASKS, task_record("after-2"))
        sandbox.admin.clear_faults()
        # Both writes happened although neither answer arrived: read back before resending.
        assert nmdc.get_record(STAGING_TASKS, "after-1") is not None
        assert nmdc.get_record(STAGING_TASKS, "after-2") is not None
        sandbox.admin.set_faults(error_rate=1.0, error_phase="before")
        with pytest.raises(ServerFailed):
            nmdc.create_record(STAGING_TASKS, task_record("before-1"))
        sandbox.admin.clear_faults()
        assert nmdc.get_record(STAGING_TASKS, "before-1") is None


def test_rate_limit_answers_429_over_the_limit() -> None:
    with (
        run_sandbox(nmdc_rate_limit=4.0) as sandbox,
        httpx.Client(base_url=sandbox.nmdc_url) as http,
    ):
        statuses = [http.post("/metadata/json:validate", json={}).status_code for _ in range(8)]
        assert statuses[:4] == [200] * 4  # a burst of the limit passes
        assert 429 in statuses
        limited = http.post("/metadata/json:validate", json={})
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json() == {"detail": "Too Many Requests"}
        # Requests spaced as the limit allows all pass (what the service layer's limiter does).
        time.sleep(1.0)
        spaced = []
        for _ in range(3):
            spaced.append(http.post("/metadata/json:validate", json={}))
            time.sleep(0.3)
        assert [r.status_code for r in spaced] == [200, 200, 200]


def test_the_service_layer_waits_out_nemos_documented_limit() -> None:
    with run_sandbox(nemo_rate_limit=3.0, step_seconds=0, validation_seconds=0) as sandbox:
        from omicform.services import NemoService, NemoSettings

        with NemoService(NemoSettings.from_env(sandbox.env)) as nemo:  # 3/s on its side too
            for _ in range(4):
                list(nemo.list_submissions())
        outcomes = sandbox.admin.request_outcomes("nemo")
    assert not any(o == "429" for (_, _, o) in outcomes)


def test_admin_routes_are_never_faulted(sandbox: Sandbox) -> None:
    sandbox.admin.set_faults(error_rate=1.0, error_phase="before")
    settings = httpx.get(sandbox.base_url + "/_sandbox/settings")
    assert settings.status_code == 200
    assert settings.json()["faults"]["error_rate"] == 1.0
    assert httpx.get(sandbox.nmdc_url + "/runs/x").status_code in (500, 502, 503)
    changed = httpx.patch(
        sandbox.base_url + "/_sandbox/settings",
        json={"faults": {"error_rate": 0, "latency": "5ms-10ms"}, "clock": {"step_seconds": 1}},
    )
    assert changed.json()["faults"]["latency"] == [0.005, 0.01]
    assert sandbox.admin.clock.step_seconds == 1
    assert httpx.get(sandbox.nmdc_url + "/runs/x").status_code == 404
    counts = httpx.get(sandbox.base_url + "/_sandbox/requests").json()
    assert counts["total"] == 2
    assert {r["route"] for r in counts["requests"]} == {"GET /runs/{run_id}"}


def test_the_fault_seed_makes_faults_repeatable() -> None:
    def outcomes(seed: int) -> list[int]:
        with (
            run_sandbox(fault_seed=seed, error_rate=0.3, throttle_rate=0.2) as sandbox,
            httpx.Client(base_url=sandbox.nmdc_url) as http,
        ):
            return [http.get("/runs/x").status_code for _ in range(30)]

    assert outcomes(11) == outcomes(11)
    assert outcomes(11) != outcomes(12)
