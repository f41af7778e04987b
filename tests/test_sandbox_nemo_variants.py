"""NeMO answers its documentation allows but the sandbox does not give by default, switched
on with `NemoVariants` (an option, or the admin handle at run time), so that clients can be
tested against them. Off, everything is as before (the other NeMO tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from omicform.sandbox import NemoVariants, Sandbox, run_sandbox
from omicform.sandbox.testing import bearer, manifest_tsv, nemo_jwt
from omicform.services.nemo import STEP_NAMES

BAD_MANIFEST = b"not\ta\tmanifest\n"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0, validation_seconds=0) as running:
        yield running


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.nemo_url, headers=bearer(nemo_jwt(sandbox))) as client:
        yield client


def _post(api: httpx.Client, manifest: bytes, **params: str) -> httpx.Response:
    return api.post("/submission", files={"manifest": ("x_manifest.tsv", manifest)}, params=params)


def _finished(api: httpx.Client, submission_id: str, reads: int = 10) -> dict[str, Any]:
    for _ in range(reads):  # one step per read
        body: dict[str, Any] = api.get(f"/submission/{submission_id}").json()
        if body["complete"]:
            return body
    raise AssertionError(f"{submission_id} did not complete in {reads} reads")


def test_a_new_submission_can_be_answered_201(sandbox: Sandbox, api: httpx.Client) -> None:
    assert _post(api, manifest_tsv()).status_code == 200
    sandbox.admin.set_nemo_variants(created_status=201)
    for params in ({}, {"dryrun": "y"}):
        created = _post(api, manifest_tsv(), **params)
        assert created.status_code == 201
        assert created.json() == {"result": "success", "id": created.json()["id"]}


def test_a_failed_validation_can_show_a_null_policy(sandbox: Sandbox, api: httpx.Client) -> None:
    before = _finished(api, _post(api, BAD_MANIFEST).json()["id"])
    assert "policy" not in before
    sandbox.admin.set_nemo_variants(null_policy=True)
    failed = _finished(api, _post(api, BAD_MANIFEST).json()["id"])
    assert failed["policy"] is None
    assert (failed["complete"], failed["success"]) == (True, False)
    passed = _finished(api, _post(api, manifest_tsv()).json()["id"])
    assert passed["policy"] == "open"


def test_a_failed_login_can_be_http_200(sandbox: Sandbox) -> None:
    url = sandbox.nemo_login_url + "/v1/login"
    wrong = {"username": "sandbox-user", "password": "wrong"}
    assert httpx.post(url, json=wrong).status_code == 401
    sandbox.admin.set_nemo_variants(login_failure_status=200)
    failed = httpx.post(url, json=wrong)
    assert (failed.status_code, failed.json()) == (200, {"message": "Login failed."})
    assert "jwt" in httpx.post(url, json={**wrong, "password": "sandbox-password"}).json()


def test_submissions_can_carry_a_seventh_step(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.admin.set_nemo_variants(extra_step="archive_release")
    done = _finished(api, _post(api, manifest_tsv()).json()["id"])
    assert [s["name"] for s in done["steps"]] == [*STEP_NAMES, "archive_release"]
    assert (done["complete"], done["success"]) == (True, True)


def test_every_page_can_name_its_number(sandbox: Sandbox, api: httpx.Client) -> None:
    _post(api, manifest_tsv())
    assert "page" not in api.get("/submission").json()
    sandbox.admin.set_nemo_variants(page_always=True)
    history = api.get("/submission").json()
    assert (history["page"], "next" in history) == (1, False)
    found = api.post("/submission/search", json={}, params={"page": 3}).json()
    assert (found["page"], found["total"]) == (1, 1)


def test_variants_are_options_and_admin_settings() -> None:
    variants = {"created_status": 201, "page_always": True}
    with run_sandbox(nemo_variants=variants) as sandbox:
        assert sandbox.options.nemo_variants == NemoVariants(**variants)
        settings = httpx.patch(
            sandbox.base_url + "/_sandbox/settings",
            json={"nemo_variants": {"login_failure_status": 200}},
        ).json()
        assert settings["nemo_variants"] == {
            "created_status": 201,
            "null_policy": False,
            "login_failure_status": 200,
            "extra_step": None,
            "page_always": True,
        }
        refused = httpx.patch(
            sandbox.base_url + "/_sandbox/settings",
            json={"nemo_variants": {"created_status": 204}},
        )
        assert refused.status_code == 400
