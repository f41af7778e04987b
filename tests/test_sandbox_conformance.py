"""The sandbox speaks exactly the wire in specs/: every operation of both specs, through the
generated clients and through the service layer, with every answer checked against the
spec (status listed for the operation, body valid against its schema, documented headers).

A recording httpx transport sits under every client and checks each response as it
passes, so the service layer's own traffic (token exchange, retries, paging) is checked
too. Each test ends by asserting which (operation, status) pairs it saw.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from helpers import STAGING_PROJECTS, STAGING_SAMPLES, STAGING_TASKS
from jsonschema import Draft202012Validator
from omicform_nemo_client import Client as NemoClient
from omicform_nemo_client.api.auth import login
from omicform_nemo_client.api.submission import (
    create_submission,
    get_submission,
    list_submissions,
    search_submissions,
)
from omicform_nemo_client.models import LoginRequest, SearchRequest, SubmissionUpload
from omicform_nemo_client.types import File
from omicform_nmdc_client import Client as NmdcClient
from omicform_nmdc_client.api.auth import create_token
from omicform_nmdc_client.api.metadata import submit_metadata_json, validate_metadata_json
from omicform_nmdc_client.api.pids import mint_ids
from omicform_nmdc_client.api.runs import get_run
from omicform_nmdc_client.api.wf_file_staging import (
    create_globus_task,
    create_jgi_sample,
    create_jgi_sequencing_project,
    get_globus_task,
    get_jgi_sequencing_project,
    list_globus_tasks,
    list_jgi_samples,
    list_jgi_sequencing_projects,
    update_globus_task,
    update_jgi_sample,
)
from omicform_nmdc_client.models import (
    GlobusTask,
    JgiSample,
    JgiSequencingProject,
    MintRequest,
    NmdcDatabase,
    SchemaClassRef,
    TokenRequest,
)

from omicform.errors import ServiceError
from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.routes import NEMO_API_PREFIX, NEMO_LOGIN_PREFIX, NMDC_PREFIX
from omicform.sandbox.testing import (
    RESTRICTED_CLIENT,
    manifest_tsv,
    nmdc_token,
    nmdc_user_token,
    project_record,
    sample_record,
    study,
    task_record,
)
from omicform.services import (
    NemoService,
    NemoSettings,
    NmdcService,
    NmdcSettings,
)
from omicform.services.settings import HttpSettings, NmdcCredentials, Secret

SPECS = Path(__file__).resolve().parents[1] / "specs"
NO_LIMIT = HttpSettings(rate_limit=None)


# -- the spec side ---------------------------------------------------------------------------


class Spec:
    """One OpenAPI document: finds an operation for a request and checks a response."""

    def __init__(self, path: Path) -> None:
        self.doc = yaml.safe_load(path.read_text())
        self.operations: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for template, item in self.doc["paths"].items():
            pieces = re.split(r"(\{[^/]+\})", template)
            pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in pieces)
            for method, op in item.items():
                if method in ("get", "post", "patch", "put", "delete"):
                    # Literal paths before templated ones (/submission/search vs /{id}).
                    self.operations.append((method.upper(), re.compile(f"^{pattern}$"), op))
        self.operations.sort(key=lambda entry: "[^/]+" in entry[1].pattern)

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        for op_method, pattern, op in self.operations:
            if op_method == method and pattern.match(path):
                return op
        return None

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def problems(self, op: dict[str, Any], response: httpx.Response) -> list[str]:
        status = str(response.status_code)
        entry = op["responses"].get(status)
        if entry is None:
            return [f"status {status} is not listed (listed: {', '.join(op['responses'])})"]
        entry = self.resolve(entry)
        found = []
        for header in entry.get("headers", {}):
            if header.lower() not in response.headers:
                found.append(f"{status}: header {header} missing")
        content = entry.get("content", {}).get("application/json")
        if content is None:
            return found
        try:
            body = response.json()
        except ValueError:
            return [*found, f"{status}: body is not JSON: {response.text[:200]!r}"]
        schema = {"components": self.doc["components"], **content["schema"]}
        for error in Draft202012Validator(schema).iter_errors(body):
            where = "/".join(str(p) for p in error.absolute_path)
            found.append(f"{status}: /{where}: {error.message}")
        return found


NMDC_SPEC = Spec(SPECS / "nmdc-runtime.yaml")
NEMO_SPEC = Spec(SPECS / "nemo-archive.yaml")


class SpecRecorder(httpx.BaseTransport):
    """Checks every response against the spec and counts (operationId, status)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.seen: Counter[tuple[str, int]] = Counter()
        self.problems: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        response.read()
        path = request.url.path
        for prefix, spec in (
            (NMDC_PREFIX, NMDC_SPEC),
            (NEMO_API_PREFIX, NEMO_SPEC),
            (NEMO_LOGIN_PREFIX, NEMO_SPEC),
        ):
            if path.startswith(prefix + "/"):
                local = path[len(prefix) :]
                op = spec.operation(request.method, local)
                if op is None:
                    self.problems.append(f"{request.method} {local}: no such operation")
                    break
                self.seen[(op["operationId"], response.status_code)] += 1
                for problem in spec.problems(op, response):
                    self.problems.append(f"{op['operationId']} {request.method} {local}: {problem}")
                break
        return response

    def close(self) -> None:
        self._inner.close()

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def assert_saw(self, expected: dict[str, set[int]]) -> None:
        missing = {
            op: sorted(s for s in statuses if (op, s) not in self.seen)
            for op, statuses in expected.items()
        }
        missing = {op: s for op, s in missing.items() if s}
        assert not missing, f"not exercised: {missing}"


@pytest.fixture
def recorder() -> Iterator[SpecRecorder]:
    rec = SpecRecorder()
    yield rec
    rec.close()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(step_seconds=0, validation_seconds=0, run_seconds=0) as running:
        yield running


def raw(recorder: SpecRecorder, base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, transport=recorder, headers=headers)


def nmdc_client(sandbox: Sandbox, recorder: SpecRecorder, token: str | None = None) -> NmdcClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return NmdcClient(sandbox.nmdc_url, headers=headers, httpx_args={"transport": recorder})


def nemo_client(base_url: str, recorder: SpecRecorder, token: str | None = None) -> NemoClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return NemoClient(base_url, headers=headers, httpx_args={"transport": recorder})


def parsed_ok(response: Any) -> None:
    """The generated client understood the answer (a documented status with a known body)."""
    assert response.parsed is not None, (response.status_code, response.content[:300])


# -- NMDC ------------------------------------------------------------------------------------

NMDC_EXPECTED: dict[str, set[int]] = {
    "create_token": {200, 400, 401, 422},
    "validate_metadata_json": {200, 422},
    "submit_metadata_json": {200, 401, 403, 409, 422},
    "get_run": {200, 404},
    "mint_ids": {200, 401, 422},
    "list_jgi_sequencing_projects": {200, 400, 401, 403, 422},
    "create_jgi_sequencing_project": {201, 400, 401, 403, 422},
    "get_jgi_sequencing_project": {200, 401, 403, 404},
    "list_jgi_samples": {200, 400, 401, 403, 422},
    "create_jgi_sample": {201, 401, 403, 409, 422},
    "update_jgi_sample": {200, 400, 401, 403, 404, 422},
    "list_globus_tasks": {200, 400, 401, 403, 422},
    "create_globus_task": {201, 400, 401, 403, 422},
    "get_globus_task": {200, 401, 403, 404},
    "update_globus_task": {200, 400, 401, 403, 404, 422},
}


def test_nmdc_every_operation_through_the_generated_client(
    sandbox: Sandbox, recorder: SpecRecorder
) -> None:
    anon = nmdc_client(sandbox, recorder)
    env = sandbox.env
    good = create_token.sync_detailed(
        client=anon,
        body=TokenRequest(
            grant_type="client_credentials",
            client_id=env["NMDC_CLIENT_ID"],
            client_secret=env["NMDC_CLIENT_SECRET"],
        ),
    )
    parsed_ok(good)
    for body in (
        TokenRequest(grant_type="password", username="nobody"),  # 400
        TokenRequest(grant_type="client_credentials", client_id="x", client_secret="y"),  # 401
        TokenRequest(grant_type="refresh_token"),  # 422
    ):
        parsed_ok(create_token.sync_detailed(client=anon, body=body))

    token = good.parsed.access_token  # type: ignore[union-attr]
    api = nmdc_client(sandbox, recorder, token)
    restricted = nmdc_client(sandbox, recorder, nmdc_token(sandbox, RESTRICTED_CLIENT))
    user = nmdc_client(sandbox, recorder, nmdc_user_token(sandbox))

    # Metadata and runs.
    parsed_ok(validate_metadata_json.sync_detailed(client=anon, body=NmdcDatabase.from_dict({})))
    bad_db = NmdcDatabase.from_dict({"study_set": [{"id": "x"}]})
    invalid = validate_metadata_json.sync_detailed(client=anon, body=bad_db)
    assert invalid.parsed.result == "errors"  # type: ignore[union-attr]
    with raw(recorder, sandbox.nmdc_url) as http:
        assert http.post("/metadata/json:validate", json=[]).status_code == 422
        assert http.post("/metadata/json:submit", json={}).status_code == 401
    db = NmdcDatabase.from_dict({"study_set": [study("nmdc:sty-11-conf01")]})
    accepted = submit_metadata_json.sync_detailed(client=api, body=db)
    parsed_ok(accepted)
    # Identical content within the same minute: 409 (a third try covers a minute turning).
    if submit_metadata_json.sync_detailed(client=api, body=db).status_code == 200:
        submit_metadata_json.sync_detailed(client=api, body=db)
    parsed_ok(submit_metadata_json.sync_detailed(client=api, body=bad_db))  # 422, string detail
    parsed_ok(submit_metadata_json.sync_detailed(client=restricted, body=db))  # 403
    run_id = accepted.parsed.detail.run_id  # type: ignore[union-attr]
    for _ in range(2):
        parsed_ok(get_run.sync_detailed(run_id, client=anon))
    parsed_ok(get_run.sync_detailed("nmdc:sys0zzzz", client=anon))

    # Minting.
    mint = MintRequest(schema_class=SchemaClassRef(id="nmdc:DataObject"), how_many=2)
    parsed_ok(mint_ids.sync_detailed(client=api, body=mint))
    parsed_ok(mint_ids.sync_detailed(client=user, body=mint))  # 401: not a site client
    nope = MintRequest(schema_class=SchemaClassRef(id="nmdc:Nope"), how_many=1)
    parsed_ok(mint_ids.sync_detailed(client=api, body=nope))  # 422 string detail
    zero = MintRequest(schema_class=SchemaClassRef(id="nmdc:DataObject"), how_many=0)
    parsed_ok(mint_ids.sync_detailed(client=api, body=zero))  # 422 list detail

    # Sequencing projects.
    project = JgiSequencingProject.from_dict(project_record("conf-proj"))
    parsed_ok(create_jgi_sequencing_project.sync_detailed(client=api, body=project))
    parsed_ok(create_jgi_sequencing_project.sync_detailed(client=api, body=project))  # 400
    parsed_ok(create_jgi_sequencing_project.sync_detailed(client=restricted, body=project))
    parsed_ok(create_jgi_sequencing_project.sync_detailed(client=anon, body=project))  # 401
    bad_project = JgiSequencingProject.from_dict(project_record("x"))
    bad_project.jgi_proposal_id = 5  # type: ignore[assignment]
    parsed_ok(create_jgi_sequencing_project.sync_detailed(client=api, body=bad_project))
    parsed_ok(get_jgi_sequencing_project.sync_detailed("conf-proj", client=api))
    parsed_ok(get_jgi_sequencing_project.sync_detailed("nope", client=api))
    parsed_ok(get_jgi_sequencing_project.sync_detailed("conf-proj", client=restricted))
    parsed_ok(get_jgi_sequencing_project.sync_detailed("conf-proj", client=anon))

    # Samples.
    sample = JgiSample.from_dict(sample_record("conf-s1", md5sum="abc"))
    parsed_ok(create_jgi_sample.sync_detailed(client=api, body=sample))
    parsed_ok(create_jgi_sample.sync_detailed(client=api, body=sample))  # 409
    parsed_ok(create_jgi_sample.sync_detailed(client=restricted, body=sample))
    parsed_ok(create_jgi_sample.sync_detailed(client=anon, body=sample))
    bad_sample = JgiSample.from_dict(sample_record("conf-s2"))
    bad_sample.jdp_file_size = "big"  # type: ignore[assignment]
    parsed_ok(create_jgi_sample.sync_detailed(client=api, body=bad_sample))
    changed = JgiSample.from_dict(sample_record("conf-s1", jdp_file_status="READY"))
    parsed_ok(update_jgi_sample.sync_detailed("conf-s1", client=api, body=changed))
    parsed_ok(update_jgi_sample.sync_detailed("other", client=api, body=changed))  # 400
    missing = JgiSample.from_dict(sample_record("ghost"))
    parsed_ok(update_jgi_sample.sync_detailed("ghost", client=api, body=missing))  # 404
    parsed_ok(update_jgi_sample.sync_detailed("conf-s1", client=restricted, body=changed))
    parsed_ok(update_jgi_sample.sync_detailed("conf-s1", client=anon, body=changed))
    with raw(recorder, sandbox.nmdc_url, token) as http:
        partial = {"jdp_file_id": "conf-s1", "jdp_file_status": "X"}
        assert http.patch("/wf_file_staging/jgi_samples/conf-s1", json=partial).status_code == 422

    # Globus tasks.
    task = GlobusTask.from_dict(task_record("conf-t1"))
    parsed_ok(create_globus_task.sync_detailed(client=api, body=task))
    parsed_ok(create_globus_task.sync_detailed(client=api, body=task))  # 400
    parsed_ok(create_globus_task.sync_detailed(client=restricted, body=task))
    parsed_ok(create_globus_task.sync_detailed(client=anon, body=task))
    bad_task = GlobusTask.from_dict(task_record("conf-t2"))
    bad_task.task_status = ["x"]  # type: ignore[assignment]
    parsed_ok(create_globus_task.sync_detailed(client=api, body=bad_task))
    parsed_ok(get_globus_task.sync_detailed("conf-t1", client=api))
    parsed_ok(get_globus_task.sync_detailed("nope", client=api))
    parsed_ok(get_globus_task.sync_detailed("conf-t1", client=restricted))
    parsed_ok(get_globus_task.sync_detailed("conf-t1", client=anon))
    done = GlobusTask.from_dict(task_record("conf-t1", "SUCCEEDED"))
    parsed_ok(update_globus_task.sync_detailed("conf-t1", client=api, body=done))
    parsed_ok(update_globus_task.sync_detailed("other", client=api, body=done))
    ghost = GlobusTask.from_dict(task_record("ghost"))
    parsed_ok(update_globus_task.sync_detailed("ghost", client=api, body=ghost))
    parsed_ok(update_globus_task.sync_detailed("conf-t1", client=restricted, body=done))
    parsed_ok(update_globus_task.sync_detailed("conf-t1", client=anon, body=done))
    with raw(recorder, sandbox.nmdc_url, token) as http:
        partial_task = {"task_id": "conf-t1"}
        assert (
            http.patch("/wf_file_staging/globus_tasks/conf-t1", json=partial_task).status_code
            == 422
        )

    # The three list endpoints, each with every answer.
    listers = (list_jgi_sequencing_projects, list_jgi_samples, list_globus_tasks)
    creators = {
        list_jgi_sequencing_projects: lambda i: create_jgi_sequencing_project.sync_detailed(
            client=api, body=JgiSequencingProject.from_dict(project_record(f"conf-p{i}"))
        ),
        list_jgi_samples: lambda i: create_jgi_sample.sync_detailed(
            client=api, body=JgiSample.from_dict(sample_record(f"conf-l{i}"))
        ),
        list_globus_tasks: lambda i: create_globus_task.sync_detailed(
            client=api, body=GlobusTask.from_dict(task_record(f"conf-l{i}"))
        ),
    }
    for lister in listers:
        for i in range(3):
            creators[lister](i)
        first = lister.sync_detailed(client=api, max_page_size=2, projection="task_id")
        parsed_ok(first)
        page_token = first.parsed.next_page_token  # type: ignore[union-attr]
        assert isinstance(page_token, str)
        parsed_ok(lister.sync_detailed(client=api, max_page_size=2, page_token=page_token))
        parsed_ok(lister.sync_detailed(client=api, page_token=page_token))  # 400: used
        parsed_ok(lister.sync_detailed(client=api, filter_="not json"))  # 422 string
        parsed_ok(lister.sync_detailed(client=api, filter_='{"a": 1}', max_page_size=0))
        parsed_ok(lister.sync_detailed(client=restricted))  # 403
        parsed_ok(lister.sync_detailed(client=anon))  # 401
    with raw(recorder, sandbox.nmdc_url, token) as http:
        page_size = http.get("/wf_file_staging/globus_tasks", params={"max_page_size": "many"})
        assert page_size.status_code == 422

    recorder.assert_clean()
    recorder.assert_saw(NMDC_EXPECTED)


def test_nmdc_every_operation_through_the_service_layer(
    sandbox: Sandbox, recorder: SpecRecorder
) -> None:
    settings = NmdcSettings.from_env(sandbox.env, http=NO_LIMIT)
    with NmdcService(settings, transport=recorder) as nmdc:
        outcome = nmdc.validate_metadata({"study_set": [study("nmdc:sty-11-svc001")]})
        assert outcome.ok
        assert not nmdc.validate_metadata({"study_set": [{"id": "bad"}]}).ok
        run_id = nmdc.submit_metadata({"study_set": [study("nmdc:sty-11-svc001")]})
        assert nmdc.wait_for_run(run_id, interval=0.01).status == "COMPLETE"
        assert len(nmdc.mint("nmdc:Biosample", 3)) == 3
        for kind, record in (
            (STAGING_PROJECTS, project_record("svc-p1")),
            (STAGING_SAMPLES, sample_record("svc-s1")),
            (STAGING_TASKS, task_record("svc-t1")),
        ):
            nmdc.create_record(kind, record)
            with pytest.raises(ServiceError) as exists:
                nmdc.create_record(kind, record)
            assert exists.value.status in kind.duplicate_statuses
            assert nmdc.get_record(kind, str(record[kind.key])) is not None
            assert nmdc.get_record(kind, "no-such-key") is None
            assert list(nmdc.list_records(kind, page_size=1))
            if kind.updatable:
                nmdc.update_record(kind, record)
        with pytest.raises(ServiceError) as unknown:
            nmdc.mint("nmdc:Nope", 1)
        assert unknown.value.status == 422
    user_creds = NmdcCredentials(client_id=RESTRICTED_CLIENT[0], client_secret=Secret("wrong"))
    bad = NmdcSettings(base_url=sandbox.nmdc_url, credentials=user_creds, http=NO_LIMIT)
    with NmdcService(bad, transport=recorder) as nmdc, pytest.raises(ServiceError) as denied:
        nmdc.get_record(STAGING_TASKS, "svc-t1")
    assert denied.value.status == 401
    recorder.assert_clean()
    recorder.assert_saw(
        {
            "create_token": {200, 401},
            "validate_metadata_json": {200},
            "submit_metadata_json": {200},
            "get_run": {200},
            "mint_ids": {200, 422},
            "create_jgi_sequencing_project": {201, 400},
            "create_jgi_sample": {201, 409},
            "create_globus_task": {201, 400},
            "get_jgi_sequencing_project": {200, 404},
            "get_globus_task": {200, 404},
            "list_jgi_samples": {200},
            "update_jgi_sample": {200},
            "update_globus_task": {200},
        }
    )


# -- NeMO ------------------------------------------------------------------------------------


def _upload(manifest: bytes, name: str, notification: str | None = None) -> SubmissionUpload:
    body = SubmissionUpload(manifest=File(payload=BytesIO(manifest), file_name=name))
    if notification is not None:
        body.notification = notification
    return body


def test_nemo_every_operation_through_the_generated_client(
    sandbox: Sandbox, recorder: SpecRecorder
) -> None:
    login_host = nemo_client(sandbox.nemo_login_url, recorder)
    env = sandbox.env
    good = login.sync_detailed(
        client=login_host,
        body=LoginRequest(username=env["NEMO_USERNAME"], password=env["NEMO_PASSWORD"]),
    )
    parsed_ok(good)
    parsed_ok(login.sync_detailed(client=login_host, body=LoginRequest("nobody", "x")))
    jwt = good.parsed.jwt  # type: ignore[union-attr]
    api = nemo_client(sandbox.nemo_url, recorder, jwt)
    anon = nemo_client(sandbox.nemo_url, recorder)

    created = create_submission.sync_detailed(
        client=api, body=_upload(manifest_tsv(2), "conf_manifest.tsv")
    )
    parsed_ok(created)
    sub_id = created.parsed.id  # type: ignore[union-attr]
    hook = json.dumps(
        {
            "url": "https://example.org/h",
            "method": "POST",
            "auth_type": "none",
            "auth_details": None,
        }
    )
    parsed_ok(
        create_submission.sync_detailed(
            client=api, body=_upload(manifest_tsv(1), "hook_manifest.tsv", hook)
        )
    )
    parsed_ok(
        create_submission.sync_detailed(
            client=api, body=_upload(manifest_tsv(1), "dry_manifest.tsv"), dryrun="y"
        )
    )
    parsed_ok(
        create_submission.sync_detailed(
            client=api, body=_upload(manifest_tsv(1), "x_manifest.tsv", '{"url": "http://x"}')
        )
    )  # 422
    parsed_ok(
        create_submission.sync_detailed(client=anon, body=_upload(b"x", "x_manifest.tsv"))
    )  # 401
    with raw(recorder, sandbox.nemo_url, jwt) as http:
        no_file = http.post("/submission", files={"other": ("a.tsv", b"x")})
        assert no_file.status_code == 400

    for _ in range(7):  # walks the submission through all six steps
        parsed_ok(get_submission.sync_detailed(sub_id, client=api))
    parsed_ok(get_submission.sync_detailed("zzzzzzz", client=api))  # 404
    parsed_ok(get_submission.sync_detailed(sub_id, client=anon))  # 401

    parsed_ok(list_submissions.sync_detailed(client=api))
    parsed_ok(list_submissions.sync_detailed(client=api, page=9, all_="y"))
    parsed_ok(list_submissions.sync_detailed(client=anon))

    search = SearchRequest.from_dict({"id": sub_id[:3], "status": ["complete"], "policy": "open"})
    parsed_ok(search_submissions.sync_detailed(client=api, body=search))
    parsed_ok(search_submissions.sync_detailed(client=api, body=SearchRequest(), page=2))
    parsed_ok(search_submissions.sync_detailed(client=anon, body=SearchRequest()))

    recorder.assert_clean()
    recorder.assert_saw(
        {
            "login": {200, 401},
            "create_submission": {200, 400, 401, 422},
            "get_submission": {200, 401, 404},
            "list_submissions": {200, 401},
            "search_submissions": {200, 401},
        }
    )


def test_nemo_every_operation_through_the_service_layer(
    sandbox: Sandbox, recorder: SpecRecorder
) -> None:
    with NemoService(NemoSettings.from_env(sandbox.env, http=NO_LIMIT), transport=recorder) as nemo:
        sub_id = nemo.submit(manifest_tsv(1), "svc_manifest.tsv")
        nemo.submit(manifest_tsv(1), "svc_manifest.tsv", dry_run=True)
        assert nemo.get_submission(sub_id).id == sub_id
        assert any(s.id == sub_id for s in nemo.list_submissions(include_group=True))
        assert [s.id for s in nemo.search_submissions(id=sub_id)] == [sub_id]
        with pytest.raises(ServiceError) as unknown:
            nemo.get_submission("zzzzzzz")
        assert unknown.value.status == 404
    recorder.assert_clean()
    recorder.assert_saw(
        {
            "login": {200},
            "create_submission": {200},
            "get_submission": {200, 404},
            "list_submissions": {200},
            "search_submissions": {200},
        }
    )


def test_nemo_rate_limit_answers_429_as_the_spec_guesses(recorder: SpecRecorder) -> None:
    # One request per 10 s: everything after the first is over the limit, however slow.
    with run_sandbox(nemo_rate_limit=0.1) as sandbox:
        login_host = nemo_client(sandbox.nemo_login_url, recorder)
        body = LoginRequest(sandbox.env["NEMO_USERNAME"], sandbox.env["NEMO_PASSWORD"])
        first = login.sync_detailed(client=login_host, body=body)
        parsed_ok(first)
        parsed_ok(login.sync_detailed(client=login_host, body=body))  # 429 at once
        api = nemo_client(sandbox.nemo_url, recorder, first.parsed.jwt)  # type: ignore[union-attr]
        parsed_ok(list_submissions.sync_detailed(client=api))
        parsed_ok(get_submission.sync_detailed("abcdefg", client=api))
        parsed_ok(search_submissions.sync_detailed(client=api, body=SearchRequest()))
        upload = _upload(manifest_tsv(1), "x_manifest.tsv")
        parsed_ok(create_submission.sync_detailed(client=api, body=upload))
    recorder.assert_clean()
    recorder.assert_saw(
        {
            "login": {200, 429},
            "list_submissions": {429},
            "get_submission": {429},
            "search_submissions": {429},
            "create_submission": {429},
        }
    )


def test_nemo_invalid_search_document_is_in_the_spec(
    sandbox: Sandbox, recorder: SpecRecorder
) -> None:
    with raw(recorder, sandbox.nemo_url) as http:
        http.headers["Authorization"] = f"Bearer {_jwt(sandbox)}"
        assert http.post("/submission/search", content=b"[1]").status_code == 400
    recorder.assert_clean()


def _jwt(sandbox: Sandbox) -> str:
    from omicform.sandbox.testing import nemo_jwt

    return nemo_jwt(sandbox)
