"""The sandbox against the REAL nmdc-runtime 2.19.0: the same request sequence to both, the
same statuses and the same body shapes (keys and value types; values too where they are
deterministic, such as error texts).

The real server comes from tests/realnmdc/harness.py (installed into .cache/ on first use).
Both start empty, with the same three principals: a site client with the staging and submit
allowances, a site client without allowances, and a user with the staging allowance.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from omicform.sandbox import run_sandbox
from omicform.sandbox.testing import (
    NMDC_USER,
    RESTRICTED_CLIENT,
    project_record,
    sample_record,
    study,
    task_record,
)

pytestmark = pytest.mark.realnmdc

REPO = Path(__file__).resolve().parents[1]
SAMPLES = "/wf_file_staging/jgi_samples"
TASKS = "/wf_file_staging/globus_tasks"
PROJECTS = "/wf_file_staging/jgi_sequencing_projects"


class ResendingClient(httpx.Client):
    """After an unhandled error the real server closes the connection; httpx may already
    have picked it for the next request. That request is sent again on a new connection."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            return super().send(request, **kwargs)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            return super().send(request, **kwargs)


@dataclass
class Target:
    """One server under test, with its logins and what earlier steps handed back."""

    name: str
    http: httpx.Client
    site: tuple[str, str]
    restricted: tuple[str, str]
    user: tuple[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)

    def login(self) -> None:
        for role, (client_id, secret) in (("site", self.site), ("restricted", self.restricted)):
            response = self.http.post(
                "/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": secret,
                },
            )
            self.tokens[role] = response.json()["access_token"]
        response = self.http.post(
            "/token",
            data={"grant_type": "password", "username": self.user[0], "password": self.user[1]},
        )
        self.tokens["user"] = response.json()["access_token"]

    def auth(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}


@pytest.fixture(scope="module")
def targets() -> Iterator[tuple[Target, Target]]:
    harness = pytest.importorskip("realnmdc.harness")
    with (
        harness.start_real_nmdc((REPO / ".cache").resolve()) as real,
        run_sandbox(step_seconds=0, validation_seconds=0, run_seconds=0) as sandbox,
        ResendingClient(base_url=real.base_url, timeout=120) as real_http,
        ResendingClient(base_url=sandbox.nmdc_url, timeout=120) as fake_http,
    ):
        pair = (
            Target(
                "real",
                real_http,
                (real.site_client_id, real.site_client_secret),
                (real.restricted_client_id, real.restricted_client_secret),
                (real.user_username, real.user_password),
            ),
            Target(
                "sandbox",
                fake_http,
                (sandbox.env["NMDC_CLIENT_ID"], sandbox.env["NMDC_CLIENT_SECRET"]),
                RESTRICTED_CLIENT,
                NMDC_USER,
            ),
        )
        for target in pair:
            target.login()
        yield pair


# -- comparing -------------------------------------------------------------------------------


def shape(value: Any) -> Any:
    """Keys and value types, recursively; list elements each."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"<text>": response.text}


def compare(label: str, real: httpx.Response, fake: httpx.Response, *, exact: bool) -> list[str]:
    problems = []
    if real.status_code != fake.status_code:
        problems.append(f"{label}: status real {real.status_code}, sandbox {fake.status_code}")
    real_body, fake_body = body_of(real), body_of(fake)
    if shape(real_body) != shape(fake_body):
        problems.append(f"{label}: shape\n  real    {real_body!r}\n  sandbox {fake_body!r}")
    elif exact and real_body != fake_body:
        problems.append(f"{label}: body\n  real    {real_body!r}\n  sandbox {fake_body!r}")
    for header in ("www-authenticate", "content-type", "allow"):
        if real.headers.get(header) != fake.headers.get(header):
            problems.append(
                f"{label}: {header} real {real.headers.get(header)!r}, "
                f"sandbox {fake.headers.get(header)!r}"
            )
    return problems


Step = Callable[[Target], httpx.Response]


def run_steps(targets: tuple[Target, Target], steps: list[tuple[str, Step, bool]]) -> list[str]:
    problems: list[str] = []
    for label, step, exact in steps:
        real, fake = (step(t) for t in targets)
        problems += compare(label, real, fake, exact=exact)
    return problems


def get(path: str, role: str | None = "site", **params: Any) -> Step:
    return lambda t: t.http.get(path, params=params, headers=t.auth(role))


def post(path: str, body: Any = None, role: str | None = "site", **kw: Any) -> Step:
    return lambda t: t.http.post(path, json=body, headers=t.auth(role), **kw)


def patch(path: str, body: Any, role: str | None = "site") -> Step:
    return lambda t: t.http.patch(path, json=body, headers=t.auth(role))


def saving(name: str, step: Step, pick: Callable[[Any], Any]) -> Step:
    """Runs `step` and keeps part of its answer (a page token, a run id) per target."""

    def run(target: Target) -> httpx.Response:
        response = step(target)
        target.saved[name] = pick(response.json())
        return response

    return run


def again_in_the_same_minute(step: Step) -> Step:
    """Identical submits conflict within one minute only: try once more if it just turned."""

    def run(target: Target) -> httpx.Response:
        response = step(target)
        return step(target) if response.status_code == 200 else response

    return run


def using(name: str, make: Callable[[Any], Step]) -> Step:
    return lambda t: make(t.saved[name])(t)


# -- the sequences ---------------------------------------------------------------------------


def test_token_endpoint(targets: tuple[Target, Target]) -> None:
    def token(form: dict[str, str], **kw: Any) -> Step:
        return lambda t: t.http.post("/token", data=form, **kw)

    def site_form(t: Target) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": t.site[0],
            "client_secret": t.site[1],
        }

    steps = [
        ("client credentials", lambda t: t.http.post("/token", data=site_form(t)), False),
        (
            "basic credentials",
            lambda t: t.http.post("/token", data={"grant_type": "client_credentials"}, auth=t.site),
            False,
        ),
        (
            "password",
            lambda t: t.http.post(
                "/token",
                data={"grant_type": "password", "username": t.user[0], "password": t.user[1]},
            ),
            False,
        ),
        (
            "wrong secret",
            token({"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}),
            True,
        ),
        (
            "wrong password",
            token({"grant_type": "password", "username": "x", "password": "y"}),
            True,
        ),
        ("password without username", token({"grant_type": "password", "password": "y"}), True),
        ("client without id", token({"grant_type": "client_credentials"}), True),
        ("other grant", token({"grant_type": "refresh_token"}), True),
        ("no secret", token({"grant_type": "client_credentials", "client_id": "x"}), True),
        ("empty form", token({}), True),
        (
            "json instead of a form",
            lambda t: t.http.post("/token", json={"grant_type": "client_credentials"}),
            True,
        ),
        (
            "grant type omitted",
            lambda t: t.http.post(
                "/token", data={"client_id": t.site[0], "client_secret": t.site[1]}
            ),
            False,
        ),
    ]
    problems = run_steps(targets, steps)
    assert not problems, "\n".join(problems)


def test_staging_sequence(targets: tuple[Target, Target]) -> None:
    def sample(i: int, **kw: Any) -> dict[str, Any]:
        return sample_record(f"d-{i}", sequencing_project_name="d-proj", **kw)

    filter_mine = '{"jdp_file_id": {"$regex": "^d-"}}'
    steps: list[tuple[str, Step, bool]] = [
        ("list empty", get(PROJECTS), True),
        ("no token", get(PROJECTS, role=None), True),
        ("bad token", lambda t: t.http.get(PROJECTS, headers={"Authorization": "Bearer x"}), True),
        (
            "basic auth",
            lambda t: t.http.get(PROJECTS, headers={"Authorization": "Basic eA=="}),
            True,
        ),
        ("restricted list", get(PROJECTS, role="restricted"), True),
        ("user list", get(PROJECTS, role="user"), True),
        ("create project", post(PROJECTS, project_record("d-proj")), True),
        ("create project again", post(PROJECTS, project_record("d-proj")), True),
        ("create project restricted", post(PROJECTS, project_record("d-x"), "restricted"), True),
        ("create project invalid restricted", post(PROJECTS, {}, "restricted"), True),
        ("create project invalid no token", post(PROJECTS, {}, None), True),
        (
            "create project bad json",
            lambda t: t.http.post(
                PROJECTS,
                content=b"{bad",
                headers={**t.auth(None), "content-type": "application/json"},
            ),
            True,
        ),
        ("create project wrong type", post(PROJECTS, {"sequencing_project_name": 5}), True),
        ("create project list", post(PROJECTS, [1]), True),
        ("create project no body", lambda t: t.http.post(PROJECTS, headers=t.auth("site")), True),
        ("create project extra field", post(PROJECTS, project_record("d-extra", extra=1)), True),
        ("get project", get(f"{PROJECTS}/d-extra"), True),
        ("get project missing", get(f"{PROJECTS}/none"), True),
        ("user creates project", post(PROJECTS, project_record("d-user"), "user"), True),
        ("create sample", post(SAMPLES, sample(0)), True),
        ("create sample again", post(SAMPLES, sample(0)), True),
        (
            "create sample zoned",
            post(
                SAMPLES,
                sample(
                    1,
                    create_date="2023-01-01T10:00:00.123456+02:00",
                    update_date="2023-02-01",
                    md5sum="abc",
                    request_id="7",
                ),
            ),
            True,
        ),
        ("create sample naive", post(SAMPLES, sample(2, create_date="2023-01-01T10:00:00")), True),
        (
            "create sample epoch",
            post(SAMPLES, sample(3, create_date=1700000000, jdp_file_size="12")),
            True,
        ),
        (
            "create sample invalid",
            post(SAMPLES, sample(4, create_date="nope", jdp_file_size=1.5)),
            True,
        ),
        ("create sample nulls", post(SAMPLES, sample(5, md5sum=None, update_date=None)), True),
        *[(f"create sample {i}", post(SAMPLES, sample(i)), True) for i in range(6, 12)],
        (
            "page 1",
            saving(
                "token",
                get(SAMPLES, filter=filter_mine, max_page_size=3),
                lambda b: b["next_page_token"],
            ),
            False,
        ),
        (
            "page 2",
            using(
                "token",
                lambda tok: get(SAMPLES, filter=filter_mine, max_page_size=3, page_token=tok),
            ),
            False,
        ),
        ("page token reused", using("token", lambda tok: get(SAMPLES, page_token=tok)), True),
        ("exactly full", get(SAMPLES, filter=filter_mine, max_page_size=11), True),
        ("one short", get(SAMPLES, filter=filter_mine, max_page_size=10), False),
        (
            "all",
            get(
                SAMPLES,
                filter=filter_mine,
                max_page_size=0,
                projection="jdp_file_id,create_date,update_date",
            ),
            True,
        ),
        (
            "negative",
            get(SAMPLES, filter=filter_mine, max_page_size=-1, projection="jdp_file_id"),
            True,
        ),
        ("page size text", get(SAMPLES, max_page_size="abc"), True),
        ("filter not json object", get(SAMPLES, filter="jdp_file_id:d-1"), True),
        ("filter bad json", get(SAMPLES, filter="{jdp_file_id: 1}"), True),
        ("filter list", get(SAMPLES, filter="[1]"), True),
        ("filter equal", get(SAMPLES, filter='{"jdp_file_id": "d-1"}'), True),
        (
            "filter in",
            get(
                SAMPLES, filter='{"jdp_file_id": {"$in": ["d-1", "d-2"]}}', projection="jdp_file_id"
            ),
            True,
        ),
        (
            "filter gt",
            get(SAMPLES, filter='{"jdp_file_size": {"$gt": 109}}', projection="jdp_file_size"),
            True,
        ),
        (
            "filter exists",
            get(SAMPLES, filter='{"md5sum": {"$exists": true}}', projection="jdp_file_id,md5sum"),
            True,
        ),
        (
            "filter null",
            get(
                SAMPLES, filter='{"md5sum": null}', projection="jdp_file_id,md5sum", max_page_size=0
            ),
            True,
        ),
        (
            "filter ne nin",
            get(
                SAMPLES,
                filter='{"jdp_file_status": {"$ne": "X"}, "jdp_file_id": {"$nin": ["d-0"]}}',
                projection="jdp_file_id",
                max_page_size=0,
            ),
            True,
        ),
        (
            "filter date",
            get(
                SAMPLES,
                filter='{"create_date": {"$gt": {"$date": "2023-01-01T05:00:00Z"}}}',
                projection="jdp_file_id,create_date",
            ),
            True,
        ),
        (
            "filter date as text",
            get(SAMPLES, filter='{"create_date": {"$gt": "2000"}}', projection="jdp_file_id"),
            True,
        ),
        (
            "filter regex",
            get(SAMPLES, filter='{"jdp_file_id": {"$regex": "^d-1"}}', projection="jdp_file_id"),
            True,
        ),
        (
            "filter or",
            get(
                SAMPLES,
                filter='{"$or": [{"jdp_file_id": "d-1"}, {"jdp_file_id": "d-2"}]}',
                projection="jdp_file_id",
            ),
            True,
        ),
        (
            "filter unknown operator",
            get(SAMPLES, filter='{"jdp_file_id": {"$frobnicate": 1}}'),
            True,
        ),
        ("projection empty", get(SAMPLES, projection="", max_page_size=1), False),
        ("projection unknown", get(SAMPLES, projection="nope", max_page_size=2), False),
        (
            "projection spaces",
            get(SAMPLES, projection=" jdp_file_id , file_name", max_page_size=2),
            False,
        ),
        ("patch sample", patch(f"{SAMPLES}/d-1", sample(1, jdp_file_status="READY")), True),
        ("read patched", get(SAMPLES, filter='{"jdp_file_id": "d-1"}'), True),
        ("patch mismatch", patch(f"{SAMPLES}/d-1", sample(2)), True),
        ("patch missing", patch(f"{SAMPLES}/d-none", sample_record("d-none")), True),
        (
            "patch partial",
            patch(f"{SAMPLES}/d-1", {"jdp_file_id": "d-1", "jdp_file_status": "X"}),
            True,
        ),
        ("patch restricted", patch(f"{SAMPLES}/d-1", sample(1), "restricted"), True),
        ("create task", post(TASKS, task_record("d-t1")), True),
        ("create task again", post(TASKS, task_record("d-t1")), True),
        ("create task extra", post(TASKS, {**task_record("d-t2"), "x": 1}), True),
        ("get task", get(f"{TASKS}/d-t2"), True),
        ("get task missing", get(f"{TASKS}/none"), True),
        ("patch task", patch(f"{TASKS}/d-t1", task_record("d-t1", "SUCCEEDED")), True),
        ("patch task partial", patch(f"{TASKS}/d-t1", {"task_id": "d-t1"}), True),
        ("patch task mismatch", patch(f"{TASKS}/d-t1", task_record("d-t2")), True),
        ("patch task missing", patch(f"{TASKS}/none", task_record("none")), True),
        ("patch task extra field", patch(f"{TASKS}/d-t1", {**task_record("d-t1"), "x": 1}), True),
        ("list tasks", get(TASKS), True),
        ("list all tasks after a token", get(TASKS, max_page_size=0), True),
        (
            "trailing slash",
            lambda t: t.http.get(TASKS + "/", headers=t.auth("site"), follow_redirects=False),
            False,
        ),
        ("unknown route", get("/nope"), True),
        ("wrong method", lambda t: t.http.delete(f"{TASKS}/d-t1", headers=t.auth("site")), True),
        ("no get-one for samples", get(f"{SAMPLES}/d-1"), True),
        ("no update for projects", patch(f"{PROJECTS}/d-proj", project_record("d-proj")), True),
    ]
    problems = run_steps(targets, steps)
    assert not problems, "\n".join(problems)


def test_minting(targets: tuple[Target, Target]) -> None:
    def mint(cls: str | None, how_many: Any = 1, role: str | None = "site") -> Step:
        body: dict[str, Any] = {"how_many": how_many}
        if cls is not None:
            body["schema_class"] = {"id": cls}
        return post("/pids/mint", body, role)

    steps: list[tuple[str, Step, bool]] = [
        ("two data objects", mint("nmdc:DataObject", 2), False),
        ("defaults", post("/pids/mint", {}), False),
        ("unknown class", mint("nmdc:Nope"), True),
        ("zero", mint("nmdc:DataObject", 0), True),
        ("text count", mint("nmdc:DataObject", "many"), True),
        ("as a user", mint("nmdc:DataObject", 1, "user"), True),
        ("no token", mint("nmdc:DataObject", 1, None), True),
        ("restricted client", mint("nmdc:Study"), False),
        ("list body", post("/pids/mint", [1]), True),
        ("count as text", mint("nmdc:Study", "2"), False),
        ("class as text", post("/pids/mint", {"schema_class": "nmdc:Study", "how_many": 1}), True),
        ("class id a number", post("/pids/mint", {"schema_class": {"id": 5}, "how_many": 1}), True),
        ("class without id", post("/pids/mint", {"schema_class": {}}), True),
        *[
            (f"class {c}", mint(c), False)
            for c in (
                "nmdc:Biosample",
                "nmdc:Study",
                "nmdc:MetagenomeAnnotation",
                "nmdc:NucleotideSequencing",
                "nmdc:MassSpectrometry",
            )
        ],
        *[(f"class {c}", mint(c), True) for c in ("nmdc:WorkflowExecution", "nmdc:Database")],
    ]
    problems = run_steps(targets, steps)
    assert not problems, "\n".join(problems)
    for target in targets:
        minted = target.http.post(
            "/pids/mint",
            json={"schema_class": {"id": "nmdc:MassSpectrometry"}, "how_many": 1},
            headers=target.auth("site"),
        ).json()
        assert minted[0].startswith("nmdc:dgms-11-"), (target.name, minted)


def test_metadata_validation_and_submission(targets: tuple[Target, Target]) -> None:
    validate = "/metadata/json:validate"
    submit = "/metadata/json:submit"
    good = {"study_set": [study("nmdc:sty-11-diff01")]}
    steps: list[tuple[str, Step, bool]] = [
        ("validate empty", post(validate, {}, None), True),
        ("validate list", post(validate, [], None), True),
        ("validate unknown collection", post(validate, {"foo_set": []}, None), True),
        ("validate invalid", post(validate, {"study_set": [{"id": "x"}]}, None), True),
        (
            "validate extra field",
            post(validate, {"study_set": [{**study(), "extra": 1}], "biosample_set": []}, None),
            True,
        ),
        ("validate typed", post(validate, {"@type": "Database", **good}, None), True),
        ("validate not a list", post(validate, {"study_set": {"a": 1}}, None), True),
        ("validate not dicts", post(validate, {"study_set": [1]}, None), True),
        ("validate wrong type tag", post(validate, {"@type": "Nope", **good}, None), True),
        (
            "validate bad json",
            lambda t: t.http.post(
                validate, content=b"xx", headers={"content-type": "application/json"}
            ),
            True,
        ),
        ("submit no token", post(submit, good, None), True),
        ("submit restricted", post(submit, good, "restricted"), True),
        ("submit user", post(submit, good, "user"), True),
        ("submit invalid", post(submit, {"study_set": [{"id": "x"}]}), True),
        ("submit list", post(submit, []), True),
        ("submit", saving("run", post(submit, good), lambda b: b["detail"]["run_id"]), False),
        ("submit again", again_in_the_same_minute(post(submit, good)), False),
        ("run", using("run", lambda run: get(f"/runs/{run}", None)), False),
        ("run missing", get("/runs/nmdc:sys0zzzz", None), True),
    ]
    problems = run_steps(targets, steps)
    # The real server may finish the run before or after our read; compare the final form.
    finished = []
    for target in targets:
        deadline = time.monotonic() + 60
        while True:
            run = target.http.get(f"/runs/{target.saved['run']}")
            if run.json()["status"] in ("COMPLETE", "FAIL") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        finished.append(run)
    problems += compare("finished run", *finished, exact=False)
    assert [r.json()["status"] for r in finished] == ["COMPLETE", "COMPLETE"]
    assert not problems, "\n".join(problems)
