"""Behaviour of the sandbox's NMDC part, as nmdc-runtime 2.19.0 behaves (see the texts in
nmdc_runtime/api/endpoints/*.py): paging, filters, datetimes, PATCH, duplicates, auth, runs,
minting and validation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.ids import is_valid_blade
from omicform.sandbox.testing import (
    RESTRICTED_CLIENT,
    bearer,
    nmdc_token,
    nmdc_user_token,
    project_record,
    sample_record,
    study,
    task_record,
)

SAMPLES = "/wf_file_staging/jgi_samples"
TASKS = "/wf_file_staging/globus_tasks"
PROJECTS = "/wf_file_staging/jgi_sequencing_projects"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0, validation_seconds=0, run_seconds=0) as running:
        yield running


@pytest.fixture(scope="module")
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.nmdc_url, headers=bearer(nmdc_token(sandbox))) as client:
        yield client


@pytest.fixture
def anon(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.nmdc_url) as client:
        yield client


def _tasks(api: httpx.Client, prefix: str, count: int) -> list[str]:
    ids = [f"{prefix}-{i:02d}" for i in range(count)]
    for task_id in ids:
        assert api.post(TASKS, json=task_record(task_id)).status_code == 201
    return ids


def _ids(page: dict[str, Any]) -> list[str]:
    return [r["task_id"] for r in page["resources"]]


# -- listing ---------------------------------------------------------------------------------


def test_pages_follow_single_use_tokens_and_the_last_page_has_none(api: httpx.Client) -> None:
    ids = _tasks(api, "page", 5)
    query = {"filter": '{"task_id": {"$regex": "^page-"}}', "max_page_size": 2}
    first = api.get(TASKS, params=query).json()
    assert _ids(first) == ids[:2]
    token = first["next_page_token"]
    assert re.fullmatch(r"nmdc:sys0[0-9a-z]+", token)
    second = api.get(TASKS, params={**query, "page_token": token}).json()
    assert _ids(second) == ids[2:4]
    reused = api.get(TASKS, params={**query, "page_token": token})
    assert reused.status_code == 400
    assert reused.json() == {"detail": "`page_token` not found"}
    last = api.get(TASKS, params={**query, "page_token": second["next_page_token"]}).json()
    assert _ids(last) == ids[4:]
    assert "next_page_token" not in last


def test_a_page_exactly_full_is_the_last_page(api: httpx.Client) -> None:
    ids = _tasks(api, "exact", 4)
    query = {"filter": '{"task_id": {"$regex": "^exact-"}}'}
    full = api.get(TASKS, params={**query, "max_page_size": 4}).json()
    assert _ids(full) == ids and "next_page_token" not in full
    first = api.get(TASKS, params={**query, "max_page_size": 2}).json()
    rest = api.get(
        TASKS, params={**query, "max_page_size": 2, "page_token": first["next_page_token"]}
    )
    assert _ids(rest.json()) == ids[2:] and "next_page_token" not in rest.json()


def test_max_page_size_zero_returns_everything_in_insertion_order(api: httpx.Client) -> None:
    ids = _tasks(api, "zero", 25)
    page = api.get(
        TASKS, params={"filter": '{"task_id": {"$regex": "^zero-"}}', "max_page_size": 0}
    )
    assert _ids(page.json()) == ids
    assert "next_page_token" not in page.json()
    default = api.get(TASKS, params={"filter": '{"task_id": {"$regex": "^zero-"}}'}).json()
    assert len(default["resources"]) == 20 and "next_page_token" in default


def test_a_page_token_remembers_its_collection_not_the_query(api: httpx.Client) -> None:
    _tasks(api, "ns", 3)
    first = api.get(TASKS, params={"filter": '{"task_id": {"$regex": "^ns-"}}', "max_page_size": 1})
    # The server trusts the token's collection over the URL's (and keeps only the position).
    other = api.get(PROJECTS, params={"page_token": first.json()["next_page_token"]})
    assert other.status_code == 200
    assert all("task_id" in r for r in other.json()["resources"])


def test_filters_and_projections(api: httpx.Client) -> None:
    for i, status in enumerate(["READY", "RESTORED", "PURGED"]):
        record = sample_record(f"flt-{i}", jdp_file_status=status, jdp_file_size=100 + i)
        if i == 0:
            record["md5sum"] = "abc"
        assert api.post(SAMPLES, json=record).status_code == 201

    def ids(query: dict[str, Any]) -> list[Any]:
        params = {"filter": json.dumps(query), "projection": "jdp_file_id", "max_page_size": 0}
        response = api.get(SAMPLES, params=params)
        assert response.status_code == 200, response.text
        return [r.get("jdp_file_id") for r in response.json()["resources"]]

    mine = {"jdp_file_id": {"$regex": "^flt-"}}
    assert ids({"jdp_file_id": "flt-1"}) == ["flt-1"]
    assert ids({"jdp_file_status": {"$in": ["READY", "PURGED"]}}) == ["flt-0", "flt-2"]
    assert ids({**mine, "jdp_file_status": {"$nin": ["READY"]}}) == ["flt-1", "flt-2"]
    assert ids({**mine, "jdp_file_size": {"$gt": 100, "$lte": 102}}) == ["flt-1", "flt-2"]
    assert ids({**mine, "md5sum": {"$exists": True}}) == ["flt-0"]
    assert ids({**mine, "md5sum": None}) == ["flt-1", "flt-2"]
    assert ids({**mine, "jdp_file_status": {"$ne": "READY"}}) == ["flt-1", "flt-2"]
    either = {"$or": [{"jdp_file_id": "flt-0"}, {"jdp_file_id": "flt-2"}]}
    assert ids(either) == ["flt-0", "flt-2"]
    # Dates compare as dates ($date), never with strings.
    assert ids({**mine, "create_date": {"$gte": {"$date": "2023-01-01T00:00:00Z"}}})
    assert ids({**mine, "create_date": {"$gte": "2000-01-01"}}) == []
    # A projection returns only what it names: the natural key is not added.
    params = {"filter": json.dumps(mine), "projection": "jdp_file_size"}
    only_size = api.get(SAMPLES, params=params)
    assert only_size.json()["resources"] == [
        {"jdp_file_size": 100},
        {"jdp_file_size": 101},
        {"jdp_file_size": 102},
    ]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "jdp_file_id:x",
            "The given `filter` is not a valid JSON object, which must start with '{' and end "
            "with '}'.",
        ),
        (
            "{jdp_file_id: 1}",
            "Given `filter` is not valid JSON: Expecting property name enclosed in double quotes:"
            " line 1 column 2 (char 1)",
        ),
    ],
)
def test_bad_filters_are_422_with_the_servers_text(
    api: httpx.Client, query: str, detail: str
) -> None:
    response = api.get(SAMPLES, params={"filter": query})
    assert response.status_code == 422
    assert response.json() == {"detail": detail}


def test_an_unknown_operator_is_the_servers_plain_500(api: httpx.Client) -> None:
    response = api.get(SAMPLES, params={"filter": '{"a": {"$frobnicate": 1}}'})
    assert response.status_code == 500
    assert response.text == "Internal Server Error"


def test_a_bad_page_size_is_fastapis_422(api: httpx.Client) -> None:
    response = api.get(TASKS, params={"max_page_size": "ten"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["query", "max_page_size"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "ten",
            }
        ]
    }


# -- records ---------------------------------------------------------------------------------


def test_datetimes_are_echoed_as_sent_but_read_back_as_naive_utc(api: httpx.Client) -> None:
    record = sample_record(
        "dt-1", create_date="2023-01-01T10:00:00.123456+02:00", update_date="2023-02-01"
    )
    created = api.post(SAMPLES, json=record).json()
    assert created["create_date"] == "2023-01-01T10:00:00.123456+02:00"
    assert created["update_date"] == "2023-02-01T00:00:00"
    zulu = api.post(SAMPLES, json=sample_record("dt-2")).json()
    assert zulu["create_date"] == "2023-01-01T00:00:00Z"
    stored = api.get(SAMPLES, params={"filter": '{"jdp_file_id": {"$in": ["dt-1", "dt-2"]}}'})
    first, second = stored.json()["resources"]
    # UTC, no zone, to the millisecond: what MongoDB hands back.
    assert first["create_date"] == "2023-01-01T08:00:00.123000"
    assert second["create_date"] == "2023-01-01T00:00:00"


def test_unset_optionals_are_echoed_as_null_but_not_stored(api: httpx.Client) -> None:
    created = api.post(SAMPLES, json=sample_record("opt-1")).json()
    assert created["md5sum"] is None and created["request_id"] is None
    explicit = api.post(SAMPLES, json=sample_record("opt-2", md5sum=None)).json()
    assert explicit["md5sum"] is None
    listed = api.get(SAMPLES, params={"filter": '{"jdp_file_id": {"$in": ["opt-1", "opt-2"]}}'})
    unset, null = listed.json()["resources"]
    assert "md5sum" not in unset and "request_id" not in unset
    assert null["md5sum"] is None  # sent as null: stored as null


def test_patch_takes_the_full_record_and_merges_it(api: httpx.Client) -> None:
    api.post(SAMPLES, json=sample_record("p-1", md5sum="abc", request_id=7))
    changed = sample_record("p-1", jdp_file_status="READY")
    updated = api.patch(f"{SAMPLES}/p-1", json=changed)
    assert updated.status_code == 200
    body = updated.json()
    assert body["jdp_file_status"] == "READY"
    assert body["md5sum"] == "abc" and body["request_id"] == 7  # kept from the stored record
    assert body["create_date"] == "2023-01-01T00:00:00Z"
    mismatch = api.patch(f"{SAMPLES}/p-1", json=sample_record("p-2"))
    assert mismatch.status_code == 400
    assert mismatch.json() == {
        "detail": "Cannot modify jdp_file_id (jdp_file_id in path and body must match)."
    }
    assert api.patch(f"{SAMPLES}/nope", json=sample_record("nope")).json() == {
        "detail": "Not found"
    }
    partial = api.patch(f"{SAMPLES}/p-1", json={"jdp_file_id": "p-1", "jdp_file_status": "X"})
    assert partial.status_code == 422
    issues = partial.json()["detail"]
    assert issues[0] == {
        "type": "missing",
        "loc": ["body", "ap_gold_id"],
        "msg": "Field required",
        "input": {"jdp_file_id": "p-1", "jdp_file_status": "X"},
    }
    assert {tuple(i["loc"]) for i in issues} >= {("body", "create_date"), ("body", "jgi_ap_id")}
    api.post(TASKS, json=task_record("p-task"))
    task_mismatch = api.patch(f"{TASKS}/p-task", json=task_record("other"))
    assert task_mismatch.json() == {"detail": "task_id in path and body must match."}


def test_duplicates_answer_as_the_server_does(api: httpx.Client) -> None:
    assert api.post(PROJECTS, json=project_record("dup-p")).status_code == 201
    again = api.post(PROJECTS, json=project_record("dup-p"))
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "JGISequencingProject with project name dup-p already exists."},
    )
    api.post(SAMPLES, json=sample_record("dup-s"))
    sample = api.post(SAMPLES, json=sample_record("dup-s"))
    assert (sample.status_code, sample.json()) == (
        409,
        {"detail": "JGI sample with jdp_file_id dup-s already exists."},
    )
    api.post(TASKS, json=task_record("dup-t"))
    task = api.post(TASKS, json=task_record("dup-t"))
    assert (task.status_code, task.json()) == (
        400,
        {"detail": "Globus task with task_id dup-t already exists."},
    )


def test_validation_errors_are_fastapi_lists(api: httpx.Client) -> None:
    bad = api.post(SAMPLES, json=sample_record("v-1", jdp_file_size=1.5, create_date="nope"))
    assert bad.json() == {
        "detail": [
            {
                "type": "int_from_float",
                "loc": ["body", "jdp_file_size"],
                "msg": "Input should be a valid integer, got a number with a fractional part",
                "input": 1.5,
            },
            {
                "type": "datetime_from_date_parsing",
                "loc": ["body", "create_date"],
                "msg": "Input should be a valid datetime or date, input is too short",
                "input": "nope",
                "ctx": {"error": "input is too short"},
            },
        ]
    }
    not_json = api.post(TASKS, content=b"{bad", headers={"content-type": "application/json"})
    assert not_json.json()["detail"][0]["type"] == "json_invalid"
    assert api.post(TASKS, json=[1]).json()["detail"][0]["type"] == "model_attributes_type"
    assert api.post(TASKS).json()["detail"] == [
        {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
    ]


def test_a_get_one_for_a_missing_key_is_404(api: httpx.Client) -> None:
    assert api.get(f"{PROJECTS}/none").json() == {"detail": "Not found"}
    assert api.get(f"{TASKS}/none").status_code == 404


def test_unknown_routes_answer_as_fastapi(api: httpx.Client) -> None:
    assert api.get("/nope").json() == {"detail": "Not Found"}
    assert api.delete(f"{TASKS}/x").json() == {"detail": "Method Not Allowed"}


# -- auth ------------------------------------------------------------------------------------


def test_token_grants_and_their_errors(sandbox: Sandbox, anon: httpx.Client) -> None:
    env = sandbox.env
    ok = anon.post(
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env["NMDC_CLIENT_ID"],
            "client_secret": env["NMDC_CLIENT_SECRET"],
        },
    )
    assert ok.json()["token_type"] == "bearer"
    assert ok.json()["expires"] == {"days": 1, "hours": 0, "minutes": 0}
    basic = anon.post(
        "/token",
        data={"grant_type": "client_credentials"},
        auth=(env["NMDC_CLIENT_ID"], env["NMDC_CLIENT_SECRET"]),
    )
    assert basic.status_code == 200
    wrong = anon.post(
        "/token", data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Incorrect client_id or client_secret"}
    assert wrong.headers["www-authenticate"] == "Bearer"
    user = anon.post("/token", data={"grant_type": "password", "username": "u", "password": "p"})
    assert user.json() == {"detail": "Incorrect username or password"}
    lacking = anon.post("/token", data={"grant_type": "password", "username": "u"})
    assert (lacking.status_code, lacking.json()) == (
        400,
        {"detail": "grant_type password requires username and password"},
    )
    other = anon.post("/token", data={"grant_type": "refresh_token"})
    assert other.status_code == 422
    assert other.json()["detail"][0]["type"] == "string_pattern_mismatch"
    no_secret = anon.post("/token", data={"grant_type": "client_credentials", "client_id": "x"})
    assert (no_secret.status_code, no_secret.text) == (500, "Internal Server Error")


def test_bearer_checks(sandbox: Sandbox, anon: httpx.Client) -> None:
    missing = anon.get(TASKS)
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Access token is invalid or missing. Please log in again."}
    assert missing.headers["www-authenticate"] == "Bearer"
    bad = anon.get(TASKS, headers=bearer("not-a-token"))
    assert bad.json() == {"detail": "Access token is invalid. Please log in again."}
    denied = anon.get(TASKS, headers=bearer(nmdc_token(sandbox, RESTRICTED_CLIENT)))
    assert denied.status_code == 403
    assert denied.json() == {
        "detail": "Only specific users are allowed to issue wf_file_staging commands."
    }
    # Authentication comes before body validation, validation before the allowance.
    assert anon.post(TASKS, json={}).status_code == 401
    restricted = bearer(nmdc_token(sandbox, RESTRICTED_CLIENT))
    assert anon.post(TASKS, json={}, headers=restricted).status_code == 422


def test_tokens_expire_after_a_day_of_sandbox_time() -> None:
    with run_sandbox() as sandbox:
        token = nmdc_token(sandbox)
        with httpx.Client(base_url=sandbox.nmdc_url, headers=bearer(token)) as api:
            assert api.get(TASKS).status_code == 200
            sandbox.admin.advance_clock(24 * 3600 + 1)
            expired = api.get(TASKS)
    assert expired.status_code == 401
    assert expired.json() == {"detail": "Access token has expired. Please log in again."}


# -- metadata, runs, minting -----------------------------------------------------------------


def test_validate_result_shapes(anon: httpx.Client) -> None:
    assert anon.post("/metadata/json:validate", json={}).json() == {"result": "All Okay!"}
    typed = {"@type": "Database", "study_set": [study()]}
    assert anon.post("/metadata/json:validate", json=typed).json() == {"result": "All Okay!"}
    unknown = anon.post("/metadata/json:validate", json={"foo_set": []}).json()
    assert unknown == {
        "result": "errors",
        "detail": {"foo_set": ["'foo_set' is not a known schema collection name"]},
    }
    invalid = anon.post(
        "/metadata/json:validate",
        json={"study_set": [{"id": "x"}], "biosample_set": []},
    ).json()
    assert invalid["result"] == "errors"
    assert invalid["detail"]["biosample_set"] == []
    assert invalid["detail"]["study_set"] == [
        "'x' does not match '^(nmdc):sty-([0-9][a-z]{0,6}[0-9])-([A-Za-z0-9]{1,})$' in "
        "/study_set/0/id",
        "'study_category' is a required property in /study_set/0",
        "'type' is a required property in /study_set/0",
    ]
    listed = anon.post("/metadata/json:validate", json=[])
    assert listed.status_code == 422
    assert listed.json()["detail"][0]["type"] == "dict_type"


def test_submit_runs_from_started_to_complete(sandbox: Sandbox, api: httpx.Client) -> None:
    doc = {"study_set": [study("nmdc:sty-11-run001")]}
    accepted = api.post("/metadata/json:submit", json=doc)
    assert accepted.status_code == 200
    assert accepted.json()["type"] == "success"
    run_id = accepted.json()["detail"]["run_id"]
    assert re.fullmatch(r"nmdc:sys0[0-9a-z]+", run_id)
    again = api.post("/metadata/json:submit", json=doc)
    if again.status_code == 200:  # the minute turned between the two: the checksum differs
        again = api.post("/metadata/json:submit", json=doc)
    assert again.status_code == 409
    assert "provided checksum matches existing object" in again.json()["detail"]
    started = httpx.get(f"{sandbox.nmdc_url}/runs/{run_id}").json()
    assert started["status"] == "STARTED" and started["outputs"] == []
    assert started["was_started_by"] == sandbox.env["NMDC_CLIENT_ID"]
    assert started["job"]["id"] == "metadata-in-1.0.0"
    complete = httpx.get(f"{sandbox.nmdc_url}/runs/{run_id}").json()
    assert complete["status"] == "COMPLETE"
    assert complete["outputs"][0].startswith("/operations/nmdc:sys0")
    assert httpx.get(f"{sandbox.nmdc_url}/runs/nmdc:sys0none").json() == {"detail": "Not found"}


def test_runs_follow_the_sandbox_clock() -> None:
    with (
        run_sandbox(run_seconds=30) as sandbox,
        httpx.Client(base_url=sandbox.nmdc_url, headers=bearer(nmdc_token(sandbox))) as api,
    ):
        run_id = api.post("/metadata/json:submit", json={"study_set": [study()]}).json()["detail"][
            "run_id"
        ]
        assert api.get(f"/runs/{run_id}").json()["status"] == "STARTED"
        assert api.get(f"/runs/{run_id}").json()["status"] == "STARTED"
        sandbox.admin.advance_clock(31)
        assert api.get(f"/runs/{run_id}").json()["status"] == "COMPLETE"
        failing = api.post(
            "/metadata/json:submit", json={"study_set": [study("nmdc:sty-11-fail01")]}
        ).json()["detail"]["run_id"]
        assert sandbox.admin.finish_run(failing, "FAIL")["status"] == "FAIL"
        assert api.get(f"/runs/{failing}").json()["status"] == "FAIL"


def test_submit_checks_permission_then_validity(sandbox: Sandbox, api: httpx.Client) -> None:
    restricted = bearer(nmdc_token(sandbox, RESTRICTED_CLIENT))
    denied = api.post("/metadata/json:submit", json={}, headers=restricted)
    assert denied.json() == {
        "detail": "Only specific users are allowed to submit json at this time."
    }
    invalid = api.post("/metadata/json:submit", json={"study_set": [{"id": "x"}]})
    assert invalid.status_code == 422
    assert isinstance(invalid.json()["detail"], str)
    assert invalid.json()["detail"].startswith("{'result': 'errors', 'detail': {'study_set': [")


def test_minted_ids_are_unique_and_well_formed(sandbox: Sandbox, api: httpx.Client) -> None:
    minted: list[str] = []
    for _ in range(5):
        body = {"schema_class": {"id": "nmdc:DataObject"}, "how_many": 20}
        minted += api.post("/pids/mint", json=body).json()
    assert len(set(minted)) == 100
    for pid in minted:
        match = re.fullmatch(r"nmdc:dobj-11-([0-9a-z]{8})", pid)
        assert match and is_valid_blade(match.group(1)), pid
    assert api.post("/pids/mint", json={}).json()[0].startswith("nmdc:bsm-11-")
    study_ids = api.post("/pids/mint", json={"schema_class": {"id": "nmdc:Study"}, "how_many": 1})
    assert study_ids.json()[0].startswith("nmdc:sty-11-")
    unknown = api.post("/pids/mint", json={"schema_class": {"id": "nmdc:Nope"}, "how_many": 1})
    assert (unknown.status_code, unknown.json()) == (
        422,
        {"detail": "Unknown schema class nmdc:Nope"},
    )
    zero = api.post("/pids/mint", json={"schema_class": {"id": "nmdc:Study"}, "how_many": 0})
    assert zero.json()["detail"] == [
        {
            "type": "greater_than",
            "loc": ["body", "how_many"],
            "msg": "Input should be greater than 0",
            "input": 0,
            "ctx": {"gt": 0},
        }
    ]
    as_user = httpx.post(
        f"{sandbox.nmdc_url}/pids/mint",
        json={"schema_class": {"id": "nmdc:Study"}, "how_many": 1},
        headers=bearer(nmdc_user_token(sandbox)),
    )
    assert (as_user.status_code, as_user.json()) == (
        401,
        {"detail": "Access token is invalid. Please log in as a site client."},
    )
