"""Behaviour of the sandbox's NeMO part, as NeMO documents it (submission-api.md,
api-logins.md) and as the spec guesses where the documentation is silent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import NEMO_COLLEAGUE, bearer, manifest_tsv, nemo_jwt
from omicform.services.auth import jwt_expiry
from omicform.services.nemo import STEP_NAMES

STEPS = list(STEP_NAMES)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0, validation_seconds=0) as running:
        yield running


@pytest.fixture(scope="module")
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.nemo_url, headers=bearer(nemo_jwt(sandbox))) as client:
        yield client


@contextmanager
def own_sandbox(**options: Any) -> Iterator[tuple[Sandbox, httpx.Client]]:
    """A sandbox of the test's own (own clock speeds), with a logged-in API client."""
    with (
        run_sandbox(**options) as sandbox,
        httpx.Client(base_url=sandbox.nemo_url, headers=bearer(nemo_jwt(sandbox))) as api,
    ):
        yield sandbox, api


def submit(api: httpx.Client, manifest: bytes, name: str = "x_manifest.tsv", **params: str) -> str:
    response = api.post("/submission", files={"manifest": (name, manifest)}, params=params)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "success"
    return str(response.json()["id"])


def test_login_gives_a_24_hour_jwt(sandbox: Sandbox) -> None:
    before = time.time()
    # NeMO's own example posts JSON with curl's default form Content-Type.
    response = httpx.post(
        sandbox.nemo_login_url + "/v1/login",
        content=json.dumps({"username": "sandbox-user", "password": "sandbox-password"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body = response.json()
    assert body["message"] == "Successful login."
    assert {"email", "first", "last", "expireAt"} <= set(body)
    exp = jwt_expiry(body["jwt"])
    assert exp is not None and before + 24 * 3600 - 5 <= exp <= time.time() + 24 * 3600 + 5
    assert body["expireAt"] == exp
    failed = httpx.post(
        sandbox.nemo_login_url + "/v1/login", json={"username": "sandbox-user", "password": "no"}
    )
    assert (failed.status_code, failed.json()) == (401, {"message": "Login failed."})


def test_the_api_wants_a_valid_bearer_token(sandbox: Sandbox) -> None:
    for headers in ({}, bearer("nonsense")):
        response = httpx.get(sandbox.nemo_url + "/submission", headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == {"message"}


def test_submission_ids_are_seven_letters_and_digits(api: httpx.Client) -> None:
    ids = {submit(api, manifest_tsv(1)) for _ in range(30)}
    assert len(ids) == 30
    assert all(len(i) == 7 and i.isalnum() for i in ids)


def test_ingest_walks_the_six_steps_one_per_read(api: httpx.Client) -> None:
    sub_id = submit(api, manifest_tsv(2, access="controlled"))
    seen = []
    for expected in range(1, 7):
        sub = api.get(f"/submission/{sub_id}").json()
        assert [s["name"] for s in sub["steps"]] == STEPS[:expected]
        assert all(s["success"] for s in sub["steps"])
        assert sub["complete"] is (expected == 6) and sub["success"] is (expected == 6)
        seen.append(sub)
    assert seen[0]["steps"][0]["msg"] == "Manifest validated successfully."
    assert seen[0]["policy"] == "restricted"  # the manifest's `controlled`
    assert seen[-1]["steps"][-1]["msg"].startswith("Released files were integrated")
    assert api.get(f"/submission/{sub_id}").json() == seen[-1]  # complete: nothing moves


def test_a_bad_manifest_fails_the_first_step_with_the_validators_messages(
    api: httpx.Client,
) -> None:
    broken = manifest_tsv(1).replace(b"\tbiccn\t", b"\t\t").replace(b"\topen\t", b"\t\t")
    sub_id = submit(api, broken)
    sub = api.get(f"/submission/{sub_id}").json()
    assert sub["complete"] is True and sub["success"] is False
    assert "policy" not in sub
    [step] = sub["steps"]
    assert step["name"] == "manifest_validated" and step["success"] is False
    assert step["msg"] == (
        "Row for 'S1.bam' does not have required field 'Program' filled in.,"
        "Row for 'S1.bam' does not have required field 'Access' filled in."
    )
    bad_header = submit(api, b"a\tb\n")
    header = api.get(f"/submission/{bad_header}").json()
    assert header["steps"][0]["msg"] == (
        "Manifest header row fields differ from the header fields from the template."
    )


def test_a_dry_run_never_enters_history(sandbox: Sandbox, api: httpx.Client) -> None:
    dry_id = submit(api, manifest_tsv(1), "dry_manifest.tsv", dryrun="y")
    assert len(dry_id) == 7
    assert api.get(f"/submission/{dry_id}").status_code == 404
    search = api.post("/submission/search", json={"id": dry_id}).json()
    assert search["total"] == 0
    [recorded] = [d for d in sandbox.admin.dry_runs() if d["id"] == dry_id]
    assert recorded["ok"] is True and recorded["msg"] == "Manifest validated successfully."


def test_admin_can_advance_and_fail_a_submission() -> None:
    with own_sandbox(step_seconds=3600, validation_seconds=3600) as (sandbox, api):
        sub_id = submit(api, manifest_tsv(1))
        assert api.get(f"/submission/{sub_id}").json()["steps"] == []
        advanced = sandbox.admin.advance_submission(sub_id)
        assert [s["name"] for s in advanced["steps"]] == STEPS[:1]
        sandbox.admin.fail_submission(sub_id, "qc_complete", "Checksum mismatch for S1.bam")
        sandbox.admin.advance_submission(sub_id, steps=5)
        sub = api.get(f"/submission/{sub_id}").json()
    assert [s["name"] for s in sub["steps"]] == STEPS[:3]
    assert sub["steps"][-1] == {
        "name": "qc_complete",
        "success": False,
        "date": sub["steps"][-1]["date"],
        "msg": "Checksum mismatch for S1.bam",
    }
    assert sub["complete"] is True and sub["success"] is False


def test_steps_follow_the_sandbox_clock() -> None:
    with own_sandbox(validation_seconds=10, step_seconds=60) as (sandbox, api):
        sub_id = submit(api, manifest_tsv(1))
        assert api.get(f"/submission/{sub_id}").json()["steps"] == []
        sandbox.admin.advance_clock(11)
        assert len(api.get(f"/submission/{sub_id}").json()["steps"]) == 1
        sandbox.admin.advance_clock(125)
        steps = api.get(f"/submission/{sub_id}").json()["steps"]
        assert [s["name"] for s in steps] == STEPS[:3]
        # The date is when the step finished on the clock, not when it was read.
        assert steps[1]["date"] < steps[2]["date"]
        sandbox.admin.advance_clock(10_000)
        assert api.get(f"/submission/{sub_id}").json()["success"] is True


def test_history_pages_hold_100_with_next_until_the_last() -> None:
    with own_sandbox(step_seconds=3600, validation_seconds=3600) as (sandbox, api):
        ids = [submit(api, manifest_tsv(1)) for _ in range(230)]
        first = api.get("/submission").json()
        assert first["total"] == 230 and len(first["results"]) == 100
        assert first["page"] == 1
        assert first["next"] == f"{sandbox.nemo_url}/submission?page=2"
        assert [s["id"] for s in first["results"]] == ids[:100]
        second = httpx.get(first["next"], headers=api.headers).json()
        assert [s["id"] for s in second["results"]] == ids[100:200]
        last = httpx.get(second["next"], headers=api.headers).json()
        assert [s["id"] for s in last["results"]] == ids[200:]
        assert "next" not in last and "page" not in last
        assert api.get("/submission", params={"page": 99}).json() == last
        for bad in ("abc", "0", "-2", ""):
            assert api.get("/submission", params={"page": bad}).json() == first
        grouped = api.get("/submission", params={"all": "y"}).json()
        assert grouped["next"].endswith("/submission?all=y&page=2")
        search = api.post("/submission/search", params={"page": 5}, json={}).json()
        assert len(search["results"]) == 30 and "next" not in search


def test_group_leaders_see_their_group_with_all(sandbox: Sandbox, api: httpx.Client) -> None:
    colleague_jwt = nemo_jwt(sandbox, NEMO_COLLEAGUE)
    with httpx.Client(base_url=sandbox.nemo_url, headers=bearer(colleague_jwt)) as colleague:
        theirs = submit(colleague, manifest_tsv(1))
        mine = submit(api, manifest_tsv(1))
        assert colleague.get(f"/submission/{mine}").status_code == 404
        assert colleague.get("/submission", params={"all": "y"}).json()["total"] == 1
    own = {s["id"] for s in api.get("/submission", params={"page": 1}).json()["results"]}
    everyone = api.get("/submission", params={"all": "y"}).json()
    assert theirs not in own
    assert theirs in {s["id"] for s in everyone["results"]}
    found = api.post("/submission/search", json={"submitter": "colleague"}).json()
    assert [s["id"] for s in found["results"]] == [theirs]
    assert api.get(f"/submission/{theirs}").status_code == 200


def test_search_criteria(api: httpx.Client) -> None:
    done = submit(api, manifest_tsv(1, access="embargo"))
    for _ in range(6):
        api.get(f"/submission/{done}")
    failed = submit(api, b"a\tb\n")
    api.get(f"/submission/{failed}")
    today = time.strftime("%Y-%m-%d", time.gmtime())

    def ids(criteria: dict[str, object]) -> set[str]:
        response = api.post("/submission/search", json=criteria)
        assert response.status_code == 200, response.text
        return {s["id"] for s in response.json()["results"]}

    assert ids({"id": done[2:6]}) >= {done}
    assert done in ids({"status": ["complete"], "policy": "embargo"})
    assert failed not in ids({"status": ["complete", "in-progress"]})
    assert failed in ids({"status": ["error"]})
    assert done in ids({"start-date": today, "end-date": today})
    assert not ids({"end-date": "2000-01-01"})
    bad = api.post("/submission/search", json={"status": ["done"]})
    assert (bad.status_code, bad.json()) == (400, {"message": "The search document was invalid."})


def test_uploads_need_a_manifest_and_a_valid_notification(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    missing = api.post("/submission", files={"file": ("x_manifest.tsv", manifest_tsv(1))})
    assert missing.status_code == 400
    for notification in (
        "not json",
        json.dumps(
            {
                "url": "http://example.org/h",
                "method": "POST",
                "auth_type": "none",
                "auth_details": None,
            }
        ),
        json.dumps(
            {
                "url": "https://example.org/h",
                "method": "POST",
                "auth_type": "basic",
                "auth_details": {"username": "u"},
            }
        ),
        json.dumps({"url": "https://example.org/h", "method": "POST", "auth_type": "none"}),
    ):
        response = api.post(
            "/submission",
            files={"manifest": ("x_manifest.tsv", manifest_tsv(1))},
            data={"notification": notification},
        )
        assert (response.status_code, response.json()) == (
            422,
            {"message": "The 'notification' document was invalid."},
        )
    hook = {
        "url": "https://example.org/hooks/nemo",
        "method": "POST",
        "auth_type": "bearer_token",
        "auth_details": {"token": "t"},
        "headers": {"X-Project": "p"},
    }
    response = api.post(
        "/submission",
        files={"manifest": ("hook_manifest.tsv", manifest_tsv(1))},
        data={"notification": json.dumps(hook)},
    )
    sub_id = response.json()["id"]
    api.get(f"/submission/{sub_id}")
    [call] = [
        c for c in sandbox.admin.callbacks() if c["payload"]["data"]["submission_id"] == sub_id
    ]
    assert call["notification"] == hook
    step = call["payload"]["data"]["step"]
    assert (step["name"], step["status"], step["step_number"]) == (
        "manifest_validated",
        "success",
        1,
    )


def test_every_new_submission_can_be_made_to_fail_at_a_step() -> None:
    with own_sandbox(step_seconds=0, validation_seconds=0) as (sandbox, api):
        sandbox.admin.set_nemo_fail_step("upload_complete")
        sub_id = submit(api, manifest_tsv(1))
        api.get(f"/submission/{sub_id}")
        sub = api.get(f"/submission/{sub_id}").json()
    assert [(s["name"], s["success"]) for s in sub["steps"]] == [
        ("manifest_validated", True),
        ("upload_complete", False),
    ]
