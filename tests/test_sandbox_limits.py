"""Requests that would tie the sandbox up are bounded: a minting count past the cap is a quick
422, and a `$regex` filter is searched within a time budget (400 past it) without ever
holding up other requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.nmdc.minter import MAX_HOW_MANY
from omicform.sandbox.regex import BUDGET_SECONDS, RegexError, RegexTimeout, RegexWorker
from omicform.sandbox.testing import bearer, nmdc_token, task_record

TASKS = "/wf_file_staging/globus_tasks"
# 30 characters that backtrack for minutes on a long run of "a"s without a match.
CATASTROPHIC = '{"task_id": {"$regex": "^(a+)+$"}}'
assert len(CATASTROPHIC) - len('{"task_id": {"$regex": ""}}') <= 30


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    headers = bearer(nmdc_token(sandbox))
    with httpx.Client(base_url=sandbox.nmdc_url, headers=headers, timeout=30) as client:
        for task_id in ("a" * 60 + "!", "regex-One", "regex-two", "other"):
            assert client.post(TASKS, json=task_record(task_id)).status_code == 201
        yield client


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# -- minting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how_many", [MAX_HOW_MANY + 1, 1_000_000_000, 10**30])
def test_minting_past_the_cap_is_a_quick_422(api: httpx.Client, how_many: int) -> None:
    response, seconds = _timed(lambda: api.post("/pids/mint", json={"how_many": how_many}))
    assert seconds < 1.0
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["body", "how_many"],
                "msg": f"Input should be less than or equal to {MAX_HOW_MANY}",
                "input": how_many,
                "ctx": {"le": MAX_HOW_MANY},
            }
        ]
    }


def test_the_cap_itself_mints_distinct_ids(api: httpx.Client) -> None:
    response, seconds = _timed(lambda: api.post("/pids/mint", json={"how_many": MAX_HOW_MANY}))
    print(f"minting {MAX_HOW_MANY} ids took {seconds:.2f} s")
    assert response.status_code == 200
    assert len(set(response.json())) == MAX_HOW_MANY


# -- regex filters ---------------------------------------------------------------------------


def _listed(api: httpx.Client, filter_: str) -> list[str]:
    response = api.get(TASKS, params={"filter": filter_, "max_page_size": 0})
    assert response.status_code == 200, response.text
    return [r["task_id"] for r in response.json()["resources"]]


def test_a_catastrophic_regex_answers_400_within_a_second(api: httpx.Client) -> None:
    response, seconds = _timed(lambda: api.get(TASKS, params={"filter": CATASTROPHIC}))
    print(f"the catastrophic regex was answered in {seconds:.2f} s")
    assert BUDGET_SECONDS <= seconds < 1.5
    assert response.status_code == 400
    assert "took longer than" in response.json()["detail"]


def test_other_requests_are_served_while_a_regex_is_searched(api: httpx.Client) -> None:
    slowest = 0.0
    worker = threading.Thread(
        target=api.get, args=(TASKS,), kwargs={"params": {"filter": CATASTROPHIC}}
    )
    with httpx.Client(base_url=str(api.base_url), headers=api.headers) as other:
        worker.start()
        for _ in range(10):
            response, seconds = _timed(lambda: other.get("/runs/nmdc:sys0none"))
            assert response.status_code == 404
            slowest = max(slowest, seconds)
            time.sleep(0.03)
        worker.join(timeout=5)
    assert slowest < 0.25


def test_ordinary_regexes_match_as_before(api: httpx.Client) -> None:
    assert _listed(api, '{"task_id": {"$regex": "^regex-"}}') == ["regex-One", "regex-two"]
    assert _listed(api, '{"task_id": {"$regex": "ONE$", "$options": "i"}}') == ["regex-One"]
    not_regex = '{"task_id": {"$not": {"$regex": "^(regex|a)"}}}'
    assert _listed(api, not_regex) == ["other"]
    either = '{"$or": [{"task_id": {"$regex": "two"}}, {"task_status": {"$regex": "^x"}}]}'
    assert _listed(api, either) == ["regex-two"]
    # The catastrophic pattern is fine where the text is short.
    assert _listed(api, '{"task_id": {"$regex": "^(o+)+ther$"}}') == ["other"]


def test_a_pattern_that_does_not_compile_is_still_the_servers_500(api: httpx.Client) -> None:
    response = api.get(TASKS, params={"filter": '{"task_id": {"$regex": "("}}'})
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_the_helper_keeps_serving_after_a_timeout() -> None:
    worker = RegexWorker()
    try:
        with pytest.raises(RegexTimeout):
            worker.search("^(a+)+$", 0, ["a" * 60 + "!"], 0.2)
        assert worker.search("b", 0, ["abc", "xyz", "b"], 1.0) == {0, 2}
        with pytest.raises(RegexError):
            worker.search("(", 0, ["x"], 1.0)
    finally:
        worker.close()
