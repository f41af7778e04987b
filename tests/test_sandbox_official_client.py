"""The official NMDC Python client (`nmdc-client` on PyPI) works against the sandbox unchanged,
for the calls it has: token, mint, json:validate, and the staging projects and samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nmdc_client.auth import NMDCAuth
from nmdc_client.data_staging import JGISampleSearchAPI, JGISequencingProjectAPI
from nmdc_client.metadata import Metadata
from nmdc_client.minter import Minter

from omicform.sandbox import Sandbox, run_sandbox
from omicform.sandbox.testing import project_record, sample_record


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def auth(sandbox: Sandbox) -> NMDCAuth:
    return NMDCAuth(
        client_id=sandbox.env["NMDC_CLIENT_ID"],
        client_secret=sandbox.env["NMDC_CLIENT_SECRET"],
        api_base_url=sandbox.nmdc_url,
    )


def test_the_official_client_mints_ids(sandbox: Sandbox, auth: NMDCAuth) -> None:
    minted = Minter(api_base_url=sandbox.nmdc_url, auth=auth).mint("nmdc:DataObject", count=3)
    assert isinstance(minted, list) and len(set(minted)) == 3
    assert all(i.startswith("nmdc:dobj-11-") for i in minted)


def test_the_official_client_validates_metadata(sandbox: Sandbox, auth: NMDCAuth) -> None:
    document = {
        "study_set": [
            {"id": "nmdc:sty-11-abc123", "type": "nmdc:Study", "study_category": "research_study"}
        ]
    }
    assert Metadata(api_base_url=sandbox.nmdc_url, auth=auth).validate_json(document) == 200


def test_the_official_client_stages_projects_and_samples(sandbox: Sandbox, auth: NMDCAuth) -> None:
    projects = JGISequencingProjectAPI(auth=auth, api_base_url=sandbox.nmdc_url)
    created = projects.create_jgi_sequencing_project(project_record("official-1"))
    assert created["sequencing_project_name"] == "official-1"
    assert projects.get_jgi_sequencing_project_by_name("official-1")["jgi_proposal_id"] == "503568"
    # It JSON-encodes the filter it is given, and sends `filter=null` without one, which
    # the real server refuses (422) as the sandbox does: give it a dict.
    listed = projects.list_jgi_sequencing_projects(
        filter={"nmdc_study_id": "nmdc:sty-11-28tm5d36"},  # type: ignore[arg-type]
        max_page_size=1,
        all_pages=True,
    )
    assert "official-1" in [p["sequencing_project_name"] for p in listed]

    samples = JGISampleSearchAPI(auth=auth, api_base_url=sandbox.nmdc_url)
    record = sample_record("official-f1", sequencing_project_name="official-1")
    samples.insert_jgi_sample(record)
    samples.update_jgi_sample("official-f1", {**record, "globus_file_status": "SUCCEEDED"})
    found = samples.list_jgi_samples(filter={"jdp_file_id": "official-f1"})  # type: ignore[arg-type]
    assert [s["globus_file_status"] for s in found] == ["SUCCEEDED"]
