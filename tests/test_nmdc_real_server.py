"""The service layer against the real nmdc-runtime server (PyPI, run locally).

Every NMDC operation omicform uses goes through `NmdcService` here, and every answer the
server gives parses into a typed value or a typed error.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import ALL_STAGING, STAGING_PROJECTS, STAGING_SAMPLES, STAGING_TASKS
from realnmdc.harness import RealNmdc

from omicform.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConfigError,
    NotFound,
    PermissionDenied,
    RequestRejected,
)
from omicform.services import NmdcCredentials, NmdcService, NmdcSettings, Secret
from omicform.services.nmdc import Collection

pytestmark = pytest.mark.realnmdc


def service(server: RealNmdc, creds: NmdcCredentials) -> NmdcService:
    return NmdcService(NmdcSettings(base_url=server.base_url, credentials=creds))


@pytest.fixture(scope="module")
def site(real_nmdc: RealNmdc) -> Iterator[NmdcService]:
    creds = NmdcCredentials(
        client_id=real_nmdc.site_client_id, client_secret=Secret(real_nmdc.site_client_secret)
    )
    with service(real_nmdc, creds) as nmdc:
        yield nmdc


@pytest.fixture(scope="module")
def restricted(real_nmdc: RealNmdc) -> Iterator[NmdcService]:
    creds = NmdcCredentials(
        client_id=real_nmdc.restricted_client_id,
        client_secret=Secret(real_nmdc.restricted_client_secret),
    )
    with service(real_nmdc, creds) as nmdc:
        yield nmdc


def uid() -> str:
    return uuid.uuid4().hex[:10]


def project(name: str) -> dict[str, Any]:
    return {
        "sequencing_project_name": name,
        "sequencing_project_description": "omicform test project",
        "jgi_proposal_id": "503568",
        "nmdc_study_id": "nmdc:sty-11-28tm5d36",
    }


def sample(file_id: str, project_name: str, **extra: Any) -> dict[str, Any]:
    return {
        "jdp_file_id": file_id,
        "ap_gold_id": "Ga0307276",
        "gold_study_id": "Gs0135149",
        "its_ap_id": "1196479.0",
        "sequencing_project_name": project_name,
        "gold_biosample_id": "Gb0191643",
        "gold_seq_id": "1196479",
        "file_name": f"{file_id}.fastq.gz",
        "jdp_file_status": "RESTORED",
        "globus_file_status": "PENDING",
        "jdp_file_size": 123456,
        "jgi_ap_id": "1196479",
        "create_date": "2023-01-02T00:00:00.987654Z",
        **extra,
    }


def task(task_id: str, status: str = "PENDING") -> dict[str, Any]:
    return {"task_id": task_id, "task_status": status}


# -- authentication -----------------------------------------------------------------------------


def test_a_site_client_gets_a_token_by_client_credentials(site: NmdcService) -> None:
    assert site.token().count(".") == 2  # a JWT


def test_a_user_gets_a_token_by_password(real_nmdc: RealNmdc) -> None:
    creds = NmdcCredentials(
        username=real_nmdc.user_username, password=Secret(real_nmdc.user_password)
    )
    with service(real_nmdc, creds) as nmdc:
        assert nmdc.token().count(".") == 2
        listed = list(nmdc.list_records(STAGING_TASKS, page_size=1))
        assert isinstance(listed, list)


@pytest.mark.parametrize("grant", ["client_credentials", "password"])
def test_bad_credentials_are_an_authentication_error_without_the_secret(
    real_nmdc: RealNmdc, grant: str
) -> None:
    wrong = "definitely-wrong-" + uid()
    if grant == "client_credentials":
        creds = NmdcCredentials(client_id=real_nmdc.site_client_id, client_secret=Secret(wrong))
        expected = "Incorrect client_id or client_secret"
    else:
        creds = NmdcCredentials(username=real_nmdc.user_username, password=Secret(wrong))
        expected = "Incorrect username or password"
    with service(real_nmdc, creds) as nmdc, pytest.raises(AuthenticationFailed) as caught:
        nmdc.token()
    assert caught.value.status == 401
    assert caught.value.server_message == expected
    assert wrong not in str(caught.value)


# -- metadata -----------------------------------------------------------------------------------


def study(suffix: str, **extra: Any) -> dict[str, Any]:
    return {
        "study_set": [
            {
                "id": f"nmdc:sty-11-{suffix}",
                "type": "nmdc:Study",
                "study_category": "research_study",
                "name": f"omicform study {suffix}",
                **extra,
            }
        ]
    }


def test_validate_accepts_a_valid_document(site: NmdcService) -> None:
    outcome = site.validate_metadata(study("om" + uid()[:6]))
    assert outcome.ok
    assert outcome.errors == {}


def test_validate_reports_errors_per_collection(site: NmdcService) -> None:
    outcome = site.validate_metadata({"study_set": [{"id": "bad", "type": "nmdc:Study"}]})
    assert not outcome.ok
    assert set(outcome.errors) == {"study_set"}
    assert any("study_category" in m for m in outcome.errors["study_set"])


def test_submit_runs_to_complete_and_an_identical_resubmit_is_a_conflict(site: NmdcService) -> None:
    # The server's checksum covers the content and the current minute (Los Angeles time):
    # identical content is a 409 only within the same minute. Start well inside one.
    while time.localtime().tm_sec > 45:
        time.sleep(1)
    document = study("om" + uid()[:6])
    run_id = site.submit_metadata(document)
    assert run_id.startswith("nmdc:sys")
    run = site.wait_for_run(run_id, timeout=120, interval=0.5)
    assert run.status == "COMPLETE"
    with pytest.raises(AlreadyExists) as caught:
        site.submit_metadata(document)
    assert caught.value.status == 409
    assert "checksum matches existing object" in (caught.value.server_message or "")


def test_submit_of_an_invalid_document_is_rejected_with_the_reason(site: NmdcService) -> None:
    with pytest.raises(RequestRejected) as caught:
        site.submit_metadata(
            {"study_set": [{"id": "nmdc:sty-11-x" + uid()[:5], "type": "nmdc:Study"}]}
        )
    assert caught.value.status == 422
    assert "study_category" in (caught.value.server_message or "")


def test_submit_without_the_allowance_is_forbidden(restricted: NmdcService) -> None:
    with pytest.raises(PermissionDenied):
        restricted.submit_metadata(study("om" + uid()[:6]))


def test_an_unknown_run_is_not_found(site: NmdcService) -> None:
    with pytest.raises(NotFound):
        site.get_run("nmdc:sys0nothere")


# -- identifiers --------------------------------------------------------------------------------


def test_mint_one_and_many_unique_ids(site: NmdcService) -> None:
    (one,) = site.mint("nmdc:DataObject", 1)
    many = site.mint("nmdc:DataObject", 5)
    assert one.startswith("nmdc:dobj-")
    assert len(set(many) | {one}) == 6


def test_mint_of_an_unknown_class_is_rejected(site: NmdcService) -> None:
    with pytest.raises(RequestRejected) as caught:
        site.mint("nmdc:Nope", 1)
    assert caught.value.server_message == "Unknown schema class nmdc:Nope"


def test_mint_needs_a_site_client(real_nmdc: RealNmdc) -> None:
    creds = NmdcCredentials(
        username=real_nmdc.user_username, password=Secret(real_nmdc.user_password)
    )
    with service(real_nmdc, creds) as nmdc, pytest.raises(AuthenticationFailed) as caught:
        nmdc.mint("nmdc:DataObject", 1)
    assert "site client" in (caught.value.server_message or "")


# -- workflow file staging ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_name(site: NmdcService) -> str:
    name = "omicform-" + uid()
    site.create_record(STAGING_PROJECTS, project(name))
    return name


def records_for(kind: Collection, prefix: str, project_name: str, n: int) -> list[dict[str, Any]]:
    if kind is STAGING_PROJECTS:
        return [project(f"{prefix}-{i}") for i in range(n)]
    if kind is STAGING_SAMPLES:
        return [sample(f"{prefix}-{i}", project_name) for i in range(n)]
    return [task(f"{prefix}-{i}") for i in range(n)]


@pytest.mark.parametrize("kind", list(ALL_STAGING), ids=lambda k: k.name)
def test_staging_create_duplicate_and_list_across_pages_with_a_filter(
    site: NmdcService, project_name: str, kind: Collection
) -> None:
    prefix = "om-" + uid()
    records = records_for(kind, prefix, project_name, 7)
    for record in records:
        created = site.create_record(kind, record)
        assert created[kind.key] == record[kind.key]
    with pytest.raises(AlreadyExists):
        site.create_record(kind, records[0])
    keys = [r[kind.key] for r in records]
    listed = list(
        site.list_records(kind, filter={kind.key: {"$in": keys[:5]}}, page_size=2)
    )  # three pages: 2 + 2 + 1
    assert [r[kind.key] for r in listed] == keys[:5]
    projected = list(site.list_records(kind, filter={kind.key: keys[0]}, projection=[kind.key]))
    assert projected == [{kind.key: keys[0]}]


@pytest.mark.parametrize("kind", list(ALL_STAGING), ids=lambda k: k.name)
def test_staging_get_one_by_key_and_absent_is_none(
    site: NmdcService, project_name: str, kind: Collection
) -> None:
    (record,) = records_for(kind, "om-" + uid(), project_name, 1)
    site.create_record(kind, record)
    found = site.get_record(kind, record[kind.key])
    assert found is not None and found[kind.key] == record[kind.key]
    assert site.get_record(kind, "absent-" + uid()) is None


def test_a_sample_datetime_reads_back_without_a_zone_at_millisecond_precision(
    site: NmdcService, project_name: str
) -> None:
    record = sample("om-" + uid(), project_name)
    site.create_record(STAGING_SAMPLES, record)
    found = site.get_record(STAGING_SAMPLES, record["jdp_file_id"])
    assert found is not None and found["create_date"] == "2023-01-02T00:00:00.987000"


@pytest.mark.parametrize("kind", [STAGING_SAMPLES, STAGING_TASKS], ids=lambda k: k.name)
def test_staging_patch_merges_the_full_record_and_unknown_is_not_found(
    site: NmdcService, project_name: str, kind: Collection
) -> None:
    (record,) = records_for(kind, "om-" + uid(), project_name, 1)
    site.create_record(kind, record)
    status_field = "globus_file_status" if kind is STAGING_SAMPLES else "task_status"
    updated = site.update_record(kind, {**record, status_field: "SUCCEEDED"})
    assert updated[status_field] == "SUCCEEDED"
    assert site.get_record(kind, record[kind.key])[status_field] == "SUCCEEDED"  # type: ignore[index]
    with pytest.raises(NotFound):
        site.update_record(kind, {**record, kind.key: "absent-" + uid()})


@pytest.mark.parametrize("kind", list(ALL_STAGING), ids=lambda k: k.name)
def test_staging_without_the_allowance_is_forbidden(
    restricted: NmdcService, project_name: str, kind: Collection
) -> None:
    (record,) = records_for(kind, "om-" + uid(), project_name, 1)
    with pytest.raises(PermissionDenied) as caught:
        restricted.create_record(kind, record)
    assert "wf_file_staging" in (caught.value.server_message or "")
    with pytest.raises(PermissionDenied):
        list(restricted.list_records(kind))


WRONG_TYPES = {
    STAGING_PROJECTS: ("jgi_proposal_id", 503568),
    STAGING_SAMPLES: ("jdp_file_size", "big"),
    STAGING_TASKS: ("task_status", 5),
}


@pytest.mark.parametrize("kind", list(ALL_STAGING), ids=lambda k: k.name)
def test_staging_with_a_mistyped_field_is_a_422_naming_it(
    site: NmdcService, project_name: str, kind: Collection
) -> None:
    (record,) = records_for(kind, "om-" + uid(), project_name, 1)
    field, wrong = WRONG_TYPES[kind]
    with pytest.raises(RequestRejected) as caught:
        site.create_record(kind, {**record, field: wrong})
    assert caught.value.status == 422
    assert field in (caught.value.server_message or "")


@pytest.mark.parametrize("kind", list(ALL_STAGING), ids=lambda k: k.name)
def test_staging_with_a_missing_field_is_refused_before_sending(
    site: NmdcService, project_name: str, kind: Collection
) -> None:
    (record,) = records_for(kind, "om-" + uid(), project_name, 1)
    field = next(k for k in record if k != kind.key)
    before = site.transport.requests_sent
    with pytest.raises(ConfigError) as caught:
        site.create_record(kind, {k: v for k, v in record.items() if k != field})
    assert field in str(caught.value)
    assert site.transport.requests_sent == before
