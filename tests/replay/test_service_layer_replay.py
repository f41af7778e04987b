"""The service layer against recorded NMDC and NeMO answers (cassettes/service_layer/).

Each test drives `NmdcService` / `NemoService` through one documented conversation and
asserts what the client made of the answers: the same assertions hold while recording
against the sandbox (`make record`) and while replaying with no server at all.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from helpers import STAGING_PROJECTS, STAGING_SAMPLES, STAGING_TASKS

from omicform.errors import AlreadyExists, NotFound
from omicform.sandbox.testing import manifest_tsv
from omicform.services import (
    NemoService,
    NemoSettings,
    NmdcService,
    NmdcSettings,
    RunInfo,
    Submission,
)
from omicform.services.nemo import STEP_NAMES
from omicform.services.retry import RetryPolicy
from omicform.services.settings import HttpSettings

# No waiting anywhere: the cassette (or the fast sandbox) answers at once.
FAST = HttpSettings(
    rate_limit=None, retry=RetryPolicy(max_attempts=3, base_delay=0.0, jitter=False)
)
MINTED = re.compile(r"^nmdc:dobj-11-[0-9a-z]{8}$")
SYSTEM_ID = re.compile(r"^nmdc:sys0[0-9a-z]+$")
NEMO_ID = re.compile(r"^[A-Za-z0-9]{7}$")

PROJECT = {
    "sequencing_project_name": "replay-project",
    "sequencing_project_description": "Soil metagenomes (replay)",
    "jgi_proposal_id": "503568",
    "nmdc_study_id": "nmdc:sty-11-28tm5d36",
}


def sample(key: str) -> dict[str, Any]:
    return {
        "jdp_file_id": key,
        "ap_gold_id": "Ga0307276",
        "gold_study_id": "Gs0135149",
        "its_ap_id": "1196479.0",
        "sequencing_project_name": PROJECT["sequencing_project_name"],
        "gold_biosample_id": "Gb0191643",
        "gold_seq_id": "1196479",
        "file_name": f"{key}.fastq.gz",
        "jdp_file_status": "RESTORED",
        "globus_file_status": "PENDING",
        "jdp_file_size": 1000,
        "jgi_ap_id": "1196479",
        "create_date": "2024-03-01T12:00:00Z",
    }


def nmdc_service(env: dict[str, str]) -> NmdcService:
    service = NmdcService(NmdcSettings.from_env(env, http=FAST))
    service.transport.sleep = lambda seconds: None
    return service


def nemo_service(env: dict[str, str]) -> NemoService:
    service = NemoService(NemoSettings.from_env(env, http=FAST))
    service.transport.sleep = lambda seconds: None
    return service


def sent(cassette: Any, method: str, path_end: str) -> list[Any]:
    """The requests of the conversation (recorded now, or loaded) to a path, in order."""
    return [r for r in cassette.requests if r.method == method and r.path.endswith(path_end)]


def check_replay_used_everything(cassette: Any, recording: bool) -> None:
    """Replaying, the client must have asked exactly what was recorded, every answer once."""
    if not recording:
        assert cassette.play_count == len(cassette), (cassette.play_count, len(cassette))


class TestNmdc:
    @pytest.mark.vcr
    def test_staging_records_create_list_in_pages_get_and_patch(
        self, service_env: dict[str, str], vcr: Any, recording: bool
    ) -> None:
        projects, samples, tasks = (
            STAGING_PROJECTS,
            STAGING_SAMPLES,
            STAGING_TASKS,
        )
        keys = [f"replay-f{i}" for i in range(5)]
        with nmdc_service(service_env) as nmdc:
            assert nmdc.create_record(projects, PROJECT) == PROJECT
            with pytest.raises(AlreadyExists) as duplicate_project:
                nmdc.create_record(projects, PROJECT)
            assert duplicate_project.value.status == 400
            for key in keys:
                assert nmdc.create_record(samples, sample(key))["jdp_file_id"] == key
            with pytest.raises(AlreadyExists) as duplicate_sample:
                nmdc.create_record(samples, sample(keys[0]))
            assert duplicate_sample.value.status == 409  # samples say 409, the others 400
            for i in range(3):
                created = nmdc.create_record(
                    tasks, {"task_id": f"replay-t{i}", "task_status": "ACTIVE"}
                )
                assert created == {"task_id": f"replay-t{i}", "task_status": "ACTIVE"}

            # Five samples, two a page: three pages, each resending the filter and projection.
            listed = list(
                nmdc.list_records(
                    samples,
                    filter={"jdp_file_id": {"$in": keys}},
                    projection=["jdp_file_id", "globus_file_status"],
                    page_size=2,
                )
            )
            assert [r["jdp_file_id"] for r in listed] == keys
            assert all(
                {k for k, v in r.items() if v is not None} == {"jdp_file_id", "globus_file_status"}
                for r in listed
            )
            pages = [dict(parse_qsl(urlsplit(r.uri).query)) for r in sent(vcr, "GET", samples.path)]
            tokens = [p.get("page_token") for p in pages[:3]]
            assert tokens[0] is None and all(t and SYSTEM_ID.match(t) for t in tokens[1:])
            assert len(set(tokens)) == 3
            assert all(p["max_page_size"] == "2" and "replay-f0" in p["filter"] for p in pages[:3])

            project = nmdc.get_record(projects, "replay-project")
            assert project is not None
            assert {k: v for k, v in project.items() if v is not None} == PROJECT
            assert nmdc.get_record(tasks, "replay-t1") == {
                "task_id": "replay-t1",
                "task_status": "ACTIVE",
            }
            assert nmdc.get_record(tasks, "no-such-task") is None
            found = nmdc.get_record(samples, "replay-f3")
            assert found is not None and found["file_name"] == "replay-f3.fastq.gz"

            updated = nmdc.update_record(
                tasks, {"task_id": "replay-t1", "task_status": "SUCCEEDED"}
            )
            assert updated["task_status"] == "SUCCEEDED"
            assert nmdc.get_record(tasks, "replay-t1") == {
                "task_id": "replay-t1",
                "task_status": "SUCCEEDED",
            }
            patched = nmdc.update_record(
                samples, {**sample("replay-f2"), "globus_file_status": "FAILED"}
            )
            assert patched["globus_file_status"] == "FAILED"
            again = nmdc.get_record(samples, "replay-f2")
            assert again is not None and again["globus_file_status"] == "FAILED"

            assert nmdc.auth.tokens_obtained == 1  # one token for the whole conversation
        assert len(sent(vcr, "POST", "/token")) == 1
        check_replay_used_everything(vcr, recording)

    @pytest.mark.vcr
    def test_mint_validate_submit_and_poll_the_run_to_complete(
        self, service_env: dict[str, str], vcr: Any, recording: bool
    ) -> None:
        with nmdc_service(service_env) as nmdc:
            ids = nmdc.mint("nmdc:DataObject", 2)
            assert len(ids) == 2 and len(set(ids)) == 2
            assert all(MINTED.match(i) for i in ids), ids

            documents = {
                "data_object_set": [
                    {
                        "id": minted,
                        "type": "nmdc:DataObject",
                        "name": f"reads-{n}.fastq.gz",
                        "description": "replayed metadata",
                        "data_category": "instrument_data",
                        "data_object_type": "Metagenome Raw Reads",
                    }
                    for n, minted in enumerate(ids)
                ]
            }
            assert nmdc.validate_metadata(documents).ok
            broken = {
                "data_object_set": [
                    {"id": ids[0], "type": "nmdc:DataObject", "file_size_bytes": "big"}
                ]
            }
            outcome = nmdc.validate_metadata(broken)
            assert not outcome.ok
            messages = " ".join(outcome.errors["data_object_set"])
            assert "'name' is a required property" in messages
            assert "'big' is not of type 'integer'" in messages

            run_id = nmdc.submit_metadata(documents)
            assert SYSTEM_ID.match(run_id), run_id
            polls: list[RunInfo] = []
            final = nmdc.wait_for_run(
                run_id, interval=0.0, on_poll=polls.append, sleep=lambda s: None
            )
            assert [p.status for p in polls] == ["STARTED", "COMPLETE"]
            assert final.id == run_id and final.finished
            assert final.job == "metadata-in-1.0.0"
            assert final.started_at is not None and final.started_at.startswith("20")
            # Identical content is refused with 409: how an unclear submit is settled.
            with pytest.raises(AlreadyExists):
                nmdc.submit_metadata(documents)
            with pytest.raises(NotFound):
                nmdc.get_run("nmdc:sys0nosuchrun")

        submitted = sent(vcr, "POST", "/metadata/json:submit")
        assert len(submitted) == 2
        assert f'"id": "{ids[0]}"' in submitted[0].body.decode()  # the minted ids went out
        polled = [unquote(r.path) for r in vcr.requests if r.method == "GET"]
        assert [p for p in polled if p.endswith("/runs/" + run_id)] == [polled[0]] * 2
        check_replay_used_everything(vcr, recording)


def manifest(rows: int, tag: str, *, checksum: str | None = None) -> bytes:
    return manifest_tsv(rows, prefix=tag, first=0, checksum=checksum)


class TestNemo:
    @pytest.mark.vcr
    def test_login_submit_and_follow_a_submission_through_its_six_steps(
        self, service_env: dict[str, str], vcr: Any, recording: bool
    ) -> None:
        with nemo_service(service_env) as nemo:
            nemo.login()
            good = nemo.submit(manifest(3, "replay"), "replay_manifest.tsv")
            dry = nemo.submit(manifest(3, "replay"), "replay_manifest.tsv", dry_run=True)
            bad = nemo.submit(
                manifest(1, "broken", checksum="not-a-checksum"), "broken_manifest.tsv"
            )
            assert len({good, dry, bad}) == 3
            assert all(NEMO_ID.match(s) for s in (good, dry, bad))

            # Each read finishes one more step: six polls, in order, to complete.
            polls: list[Submission] = []
            while not polls or not polls[-1].complete:
                polls.append(nemo.get_submission(good))
                assert len(polls) <= len(STEP_NAMES)
            assert [len(p.steps) for p in polls] == [1, 2, 3, 4, 5, 6]
            assert [p.next_step for p in polls] == [*STEP_NAMES[1:], None]
            assert [p.state for p in polls] == ["in-progress"] * 5 + ["complete"]
            done = polls[-1]
            assert done.success and done.policy == "open"
            assert [s.name for s in done.steps] == list(STEP_NAMES)
            assert all(s.success for s in done.steps)
            assert (
                done.steps[-1].msg
                == "Released files were integrated into the NeMO Portal successfully"
            )
            dates = [s.date or "" for s in done.steps]
            assert dates == sorted(dates)
            assert (
                done.creation.tzinfo is not None and done.submitter == service_env["NEMO_USERNAME"]
            )

            failed = nemo.get_submission(bad)
            assert failed.complete and not failed.success and failed.state == "error"
            assert (
                failed.failed_step is not None and failed.failed_step.name == "manifest_validated"
            )
            assert "not a valid md5 checksum" in (failed.failed_step.msg or "")

            # History and search: the dry run is in neither; search reads by id and by state.
            assert [s.id for s in nemo.list_submissions()] == [good, bad]
            assert [s.id for s in nemo.search_submissions(id=good)] == [good]
            assert [s.id for s in nemo.search_submissions(status=["error"])] == [bad]
            assert [
                s.id for s in nemo.search_submissions(status=["complete"], submitter="sandbox")
            ] == [good]
            with pytest.raises(NotFound):
                nemo.get_submission("zz00000")
            assert nemo.auth.tokens_obtained == 1

        posts = sent(vcr, "POST", "/submission")
        assert len(posts) == 3
        assert [dict(parse_qsl(urlsplit(p.uri).query)).get("dryrun") for p in posts] == [
            None,
            "y",
            None,
        ]
        assert b'filename="replay_manifest.tsv"' in posts[0].body
        check_replay_used_everything(vcr, recording)
