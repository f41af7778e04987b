"""Proves the real-NMDC-Runtime harness (tests/realnmdc): the PyPI server boots
locally, credentials are provisioned, and the calls omicform relies on behave
as recorded in docs/nmdc-wire.md.

The first run installs the server into .cache/ (a few minutes); later runs
boot it in ~15 s.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from realnmdc.harness import RealNmdc

pytestmark = pytest.mark.realnmdc

STAGING_FORBIDDEN = "Only specific users are allowed to issue wf_file_staging commands."


@pytest.fixture(scope="session")
def client(real_nmdc: RealNmdc) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real_nmdc.base_url, timeout=60.0) as c:
        yield c


def _token(client: httpx.Client, **form: str) -> str:
    r = client.post("/token", data=form)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


@pytest.fixture(scope="session")
def site_headers(client: httpx.Client, real_nmdc: RealNmdc) -> dict[str, str]:
    token = _token(
        client,
        grant_type="client_credentials",
        client_id=real_nmdc.site_client_id,
        client_secret=real_nmdc.site_client_secret,
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def restricted_headers(client: httpx.Client, real_nmdc: RealNmdc) -> dict[str, str]:
    token = _token(
        client,
        grant_type="client_credentials",
        client_id=real_nmdc.restricted_client_id,
        client_secret=real_nmdc.restricted_client_secret,
    )
    return {"Authorization": f"Bearer {token}"}


def _uid() -> str:
    return uuid.uuid4().hex[:10]


def test_token_by_client_credentials_and_password(
    client: httpx.Client, real_nmdc: RealNmdc
) -> None:
    r = client.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": real_nmdc.site_client_id,
            "client_secret": real_nmdc.site_client_secret,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires"] == {"days": 1, "hours": 0, "minutes": 0}
    assert body["access_token"].count(".") == 2  # a JWT

    # HTTP Basic works for client credentials too.
    r = client.post(
        "/token",
        data={"grant_type": "client_credentials"},
        auth=(real_nmdc.site_client_id, real_nmdc.site_client_secret),
    )
    assert r.status_code == 200, r.text

    user_token = _token(
        client,
        grant_type="password",
        username=real_nmdc.user_username,
        password=real_nmdc.user_password,
    )
    me = client.get("/users/me", headers={"Authorization": f"Bearer {user_token}"})
    assert me.status_code == 200, me.text
    assert me.json()["username"] == real_nmdc.user_username

    admin_token = _token(
        client,
        grant_type="password",
        username=real_nmdc.admin_username,
        password=real_nmdc.admin_password,
    )
    assert admin_token


def test_token_rejects_bad_credentials(client: httpx.Client, real_nmdc: RealNmdc) -> None:
    r = client.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": real_nmdc.site_client_id,
            "client_secret": "not-the-secret",
        },
    )
    assert r.status_code == 401
    assert r.json() == {"detail": "Incorrect client_id or client_secret"}
    assert r.headers["www-authenticate"] == "Bearer"

    r = client.post(
        "/token",
        data={"grant_type": "password", "username": real_nmdc.user_username, "password": "nope"},
    )
    assert r.status_code == 401
    assert r.json() == {"detail": "Incorrect username or password"}

    r = client.post("/token", data={"grant_type": "password", "username": real_nmdc.user_username})
    assert r.status_code == 400

    r = client.get("/wf_file_staging/globus_tasks")
    assert r.status_code == 401
    assert r.json() == {"detail": "Access token is invalid or missing. Please log in again."}


def test_staging_create_get_and_duplicate_sequencing_project(
    client: httpx.Client, site_headers: dict[str, str]
) -> None:
    project = {
        "sequencing_project_name": f"harness-proj-{_uid()}",
        "sequencing_project_description": "made by test_real_nmdc_harness",
        "jgi_proposal_id": "503568",
        "nmdc_study_id": "nmdc:sty-11-28tm5d36",
    }
    path = "/wf_file_staging/jgi_sequencing_projects"
    r = client.post(path, json=project, headers=site_headers)
    assert r.status_code == 201, r.text
    assert r.json() == project

    r = client.get(f"{path}/{project['sequencing_project_name']}", headers=site_headers)
    assert r.status_code == 200, r.text
    assert r.json() == project

    r = client.get(f"{path}/no-such-project-{_uid()}", headers=site_headers)
    assert r.status_code == 404
    assert r.json() == {"detail": "Not found"}

    r = client.post(path, json=project, headers=site_headers)
    assert r.status_code == 400
    assert "already exists" in r.json()["detail"]


def test_staging_list_pages_with_max_page_size(
    client: httpx.Client, site_headers: dict[str, str]
) -> None:
    tag = _uid()
    path = "/wf_file_staging/globus_tasks"
    ids = [f"harness-{tag}-{i}" for i in range(5)]
    for task_id in ids:
        r = client.post(
            path, json={"task_id": task_id, "task_status": "PENDING"}, headers=site_headers
        )
        assert r.status_code == 201, r.text

    query: dict[str, str | int] = {
        "filter": f'{{"task_id": {{"$regex": "^harness-{tag}-"}}}}',
        "max_page_size": 2,
    }
    seen: list[str] = []
    r = client.get(path, params=query, headers=site_headers)
    assert r.status_code == 200, r.text
    first = r.json()
    assert len(first["resources"]) == 2
    token = first["next_page_token"]
    assert token
    seen += [d["task_id"] for d in first["resources"]]
    while token:
        r = client.get(path, params={**query, "page_token": token}, headers=site_headers)
        assert r.status_code == 200, r.text
        page = r.json()
        seen += [d["task_id"] for d in page["resources"]]
        token = page.get("next_page_token")  # omitted on the last page
    assert seen == ids  # insertion order

    # Page tokens are single-use.
    r = client.get(
        path, params={**query, "page_token": first["next_page_token"]}, headers=site_headers
    )
    assert r.status_code == 400
    assert r.json() == {"detail": "`page_token` not found"}

    # max_page_size=0 returns everything in one page, without a token.
    r = client.get(path, params={**query, "max_page_size": 0}, headers=site_headers)
    assert r.status_code == 200
    assert [d["task_id"] for d in r.json()["resources"]] == ids
    assert "next_page_token" not in r.json()


def test_json_submit_runs_to_complete(client: httpx.Client, site_headers: dict[str, str]) -> None:
    # The duplicate check covers the minute too (see docs/nmdc-wire.md): start well inside one.
    while time.localtime().tm_sec > 45:
        time.sleep(1)
    study_id = f"nmdc:sty-11-h{_uid()}"
    database = {
        "study_set": [
            {
                "id": study_id,
                "type": "nmdc:Study",
                "study_category": "research_study",
                "name": "harness study",
            }
        ]
    }

    r = client.post("/metadata/json:validate", json=database)
    assert r.status_code == 200, r.text
    assert r.json() == {"result": "All Okay!"}

    r = client.post("/metadata/json:submit", json=database, headers=site_headers)
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "success"
    run_id = r.json()["detail"]["run_id"]

    statuses = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = client.get(f"/runs/{run_id}")
        assert r.status_code == 200, r.text
        statuses.append(r.json()["status"])
        if statuses[-1] in ("COMPLETE", "FAIL"):
            break
        time.sleep(0.2)
    assert statuses[-1] == "COMPLETE", statuses
    assert set(statuses) <= {"STARTED", "COMPLETE"}

    r = client.get(f"/nmdcschema/ids/{study_id}")
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "harness study"

    # Identical content again, within the same minute: the server already holds that object.
    r = client.post("/metadata/json:submit", json=database, headers=site_headers)
    assert r.status_code == 409, r.text


def test_json_submit_rejects_invalid_document(
    client: httpx.Client, site_headers: dict[str, str]
) -> None:
    bad = {"study_set": [{"id": f"nmdc:sty-11-h{_uid()}", "type": "nmdc:Study"}]}
    r = client.post("/metadata/json:validate", json=bad)
    assert r.status_code == 200
    assert r.json()["result"] == "errors"

    r = client.post("/metadata/json:submit", json=bad, headers=site_headers)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str)  # a Python repr of the errors dict


def test_restricted_client_is_forbidden(
    client: httpx.Client, restricted_headers: dict[str, str]
) -> None:
    r = client.get("/wf_file_staging/jgi_sequencing_projects", headers=restricted_headers)
    assert r.status_code == 403
    assert r.json() == {"detail": STAGING_FORBIDDEN}

    r = client.post(
        "/wf_file_staging/globus_tasks",
        headers=restricted_headers,
        json={"task_id": f"harness-{_uid()}", "task_status": "PENDING"},
    )
    assert r.status_code == 403

    r = client.post("/metadata/json:submit", json={}, headers=restricted_headers)
    assert r.status_code == 403


def test_user_account_can_stage(client: httpx.Client, real_nmdc: RealNmdc) -> None:
    token = _token(
        client,
        grant_type="password",
        username=real_nmdc.user_username,
        password=real_nmdc.user_password,
    )
    r = client.get(
        "/wf_file_staging/jgi_samples",
        params={"max_page_size": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert "resources" in r.json()
