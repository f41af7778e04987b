"""The service layer's contract, specified against a scripted HTTP peer (httpx.MockTransport).

The same layer is driven against the real nmdc-runtime server in test_nmdc_real_server.py;
here we pin down what a real server cannot be made to do on demand: fail, throttle, drop.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from helpers import (
    FAST,
    PROJECT,
    SECRET,
    STAGING_PROJECTS,
    STAGING_SAMPLES,
    STAGING_TASKS,
    Peer,
    drop,
    nemo,
    nmdc,
    refuse,
    reply,
)

from omicform.errors import (
    AlreadyExists,
    AuthenticationFailed,
    OutcomeUnknown,
    PermissionDenied,
    RequestRejected,
    ServerFailed,
)
from omicform.services.ratelimit import RateLimiter
from omicform.services.retry import RetryPolicy, parse_retry_after


class TestRetries:
    def test_a_read_is_retried_through_5xx_and_429_until_it_succeeds(self) -> None:
        peer = Peer()
        path = "/wf_file_staging/globus_tasks/t1"
        ok = {"task_id": "t1", "task_status": "ACTIVE"}
        peer.on("GET", path, reply(503), reply(429, Retry_After="0"), reply(200, ok))
        assert nmdc(peer).get_record(STAGING_TASKS, "t1") == ok
        assert peer.count("GET", path) == 3

    def test_retry_after_is_honoured(self) -> None:
        peer = Peer()
        path = "/wf_file_staging/globus_tasks/t1"
        peer.on(
            "GET",
            path,
            reply(429, None, **{"Retry-After": "7"}),
            reply(200, {"task_id": "t1", "task_status": "x"}),
        )
        service = nmdc(peer)
        waits: list[float] = []
        service.transport.sleep = waits.append
        service.get_record(STAGING_TASKS, "t1")
        assert waits == [7.0]

    def test_a_read_gives_up_after_the_attempt_budget(self) -> None:
        peer = Peer()
        path = "/wf_file_staging/globus_tasks/t1"
        peer.on("GET", path, reply(502, {"detail": "bad gateway"}))
        with pytest.raises(ServerFailed):
            nmdc(peer).get_record(STAGING_TASKS, "t1")
        assert peer.count("GET", path) == FAST.retry.max_attempts

    def test_a_create_is_never_resent_after_a_5xx(self) -> None:
        peer = Peer()
        path = STAGING_PROJECTS.path
        peer.on("POST", path, reply(500, {"detail": "boom"}))
        with pytest.raises(ServerFailed):
            nmdc(peer).create_record(STAGING_PROJECTS, PROJECT)
        assert peer.count("POST", path) == 1

    def test_a_dropped_create_has_an_unknown_outcome_and_is_not_resent(self) -> None:
        peer = Peer()
        path = STAGING_PROJECTS.path
        peer.on("POST", path, drop)
        with pytest.raises(OutcomeUnknown) as caught:
            nmdc(peer).create_record(STAGING_PROJECTS, PROJECT)
        assert peer.count("POST", path) == 1
        assert "read the object back" in str(caught.value)

    def test_a_create_is_resent_when_it_provably_never_arrived(self) -> None:
        peer = Peer()
        path = STAGING_PROJECTS.path
        peer.on("POST", path, refuse, reply(429), reply(201, PROJECT))
        created = nmdc(peer).create_record(STAGING_PROJECTS, PROJECT)
        assert created == PROJECT
        assert peer.count("POST", path) == 3

    def test_a_full_record_patch_is_safe_to_repeat(self) -> None:
        peer = Peer()
        path = "/wf_file_staging/globus_tasks/t1"
        body = {"task_id": "t1", "task_status": "SUCCEEDED"}
        peer.on("PATCH", path, drop, reply(200, body))
        assert nmdc(peer).update_record(STAGING_TASKS, body) == body

    @pytest.mark.parametrize(
        ("value", "seconds"), [("3", 3.0), ("0", 0.0), ("soon", None), (None, None)]
    )
    def test_retry_after_parsing(self, value: str | None, seconds: float | None) -> None:
        assert parse_retry_after(value) == seconds

    def test_retry_after_as_an_http_date(self) -> None:
        assert parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=4.0) == 6.0

    def test_backoff_grows_and_is_capped(self) -> None:
        policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=False)
        assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]

    def test_jitter_stays_within_half_to_full_backoff(self) -> None:
        policy = RetryPolicy(base_delay=1.0, max_delay=60.0)
        assert all(2.0 <= policy.backoff(3) <= 4.0 for _ in range(200))


class TestErrors:
    def test_statuses_map_to_errors_with_the_servers_message(self) -> None:
        peer = Peer()
        path = STAGING_TASKS.path
        detail = "Only specific users are allowed to issue wf_file_staging commands."
        peer.on("POST", path, reply(403, {"detail": detail}))
        with pytest.raises(PermissionDenied) as caught:
            nmdc(peer).create_record(STAGING_TASKS, {"task_id": "t", "task_status": "x"})
        error = caught.value
        assert error.status == 403
        assert error.server_message == detail
        assert "POST /wf_file_staging/globus_tasks" in str(error)
        assert "hint:" in str(error)

    def test_duplicate_create_is_already_exists_for_400_and_409(self) -> None:
        peer = Peer()
        peer.on("POST", STAGING_TASKS.path, reply(400, {"detail": "exists"}))
        peer.on("POST", STAGING_SAMPLES.path, reply(409, {"detail": "exists"}))
        service = nmdc(peer)
        with pytest.raises(AlreadyExists):
            service.create_record(STAGING_TASKS, {"task_id": "t", "task_status": "x"})
        sample = {
            "jdp_file_id": "f", "ap_gold_id": "a", "gold_study_id": "g", "its_ap_id": "i",
            "sequencing_project_name": "p", "gold_biosample_id": "b", "gold_seq_id": "s",
            "file_name": "n", "jdp_file_status": "READY", "globus_file_status": "ACTIVE",
            "jdp_file_size": 1, "jgi_ap_id": "j", "create_date": "2023-01-01T00:00:00Z",
        }  # fmt: skip
        with pytest.raises(AlreadyExists):
            service.create_record(STAGING_SAMPLES, sample)

    def test_a_validation_list_becomes_one_readable_line(self) -> None:
        peer = Peer()
        detail = [
            {
                "type": "missing",
                "loc": ["body", "task_status"],
                "msg": "Field required",
                "input": {},
            }
        ]
        peer.on("POST", STAGING_TASKS.path, reply(422, {"detail": detail}))
        with pytest.raises(RequestRejected) as caught:
            nmdc(peer).create_record(STAGING_TASKS, {"task_id": "t", "task_status": "x"})
        assert caught.value.server_message == "task_status: Field required"

    def test_secrets_never_appear_in_errors_or_reprs(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(500, {"detail": f"echo {SECRET} and tok1"}))
        service = nmdc(peer)
        with pytest.raises(ServerFailed) as caught:
            service.get_run("r1")
        text = str(caught.value) + repr(caught.value) + repr(service) + repr(service.settings)
        assert SECRET not in text
        assert "tok1" not in text  # the bearer token is a secret too
        assert "***" in str(caught.value)


class TestNmdcAuth:
    def test_the_token_is_fetched_once_and_reused(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(200, {"id": "r1", "status": "STARTED"}))
        service = nmdc(peer)
        for _ in range(3):
            service.get_run("r1")
        assert peer.tokens_issued == 1
        assert all(r.headers["Authorization"] == "Bearer tok1" for r in peer.seen[1:])

    def test_client_credentials_go_in_the_form_body(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(200, {"id": "r1", "status": "STARTED"}))
        nmdc(peer).get_run("r1")
        form = dict(httpx.QueryParams(peer.seen[0].content.decode()))
        assert form == {
            "grant_type": "client_credentials",
            "client_id": "site-client",
            "client_secret": SECRET,
        }
        assert peer.seen[0].headers["Content-Type"] == "application/x-www-form-urlencoded"

    def test_a_401_refreshes_the_token_once_and_resends(self) -> None:
        peer = Peer()
        unauthorized = reply(401, {"detail": "Access token is invalid or missing."})
        peer.on("GET", "/runs/r1", unauthorized, reply(200, {"id": "r1", "status": "COMPLETE"}))
        assert nmdc(peer).get_run("r1").status == "COMPLETE"
        assert peer.tokens_issued == 2
        assert peer.seen[-1].headers["Authorization"] == "Bearer tok2"

    def test_a_second_401_is_an_authentication_error(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(401, {"detail": "Access token is invalid or missing."}))
        with pytest.raises(AuthenticationFailed):
            nmdc(peer).get_run("r1")
        assert peer.count("GET", "/runs/r1") == 2

    def test_a_token_close_to_expiry_is_replaced_before_use(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(200, {"id": "r1", "status": "STARTED"}))
        service = nmdc(peer)
        service.get_run("r1")
        service.auth._clock = lambda: time.time() + 86400 - 60  # one minute before expiry
        service.get_run("r1")
        assert peer.tokens_issued == 2


class TestNmdcPagination:
    def test_every_page_resends_filter_projection_and_page_size(self) -> None:
        peer = Peer()
        path = STAGING_TASKS.path
        peer.on(
            "GET",
            path,
            reply(
                200, {"resources": [{"task_id": "a"}, {"task_id": "b"}], "next_page_token": "n1"}
            ),
            reply(200, {"resources": [{"task_id": "c"}], "next_page_token": "n2"}),
            reply(200, {"resources": [{"task_id": "d"}]}),
        )
        found = nmdc(peer).list_records(
            STAGING_TASKS,
            filter={"task_id": {"$in": ["a", "b", "c", "d"]}},
            projection=["task_id"],
            page_size=2,
        )
        assert [r["task_id"] for r in found] == ["a", "b", "c", "d"]
        pages = [dict(r.url.params) for r in peer.seen if r.url.path == path]
        assert [p.get("page_token") for p in pages] == [None, "n1", "n2"]
        for params in pages:
            assert params["filter"] == '{"task_id":{"$in":["a","b","c","d"]}}'
            assert params["projection"] == "task_id"
            assert params["max_page_size"] == "2"


def submission(sid: str, steps: int = 0) -> dict[str, object]:
    names = ["manifest_validated", "upload_complete", "qc_complete", "https_release"]
    return {
        "id": sid,
        "submitter": "alice",
        "creation": "2021-01-01T10:00:00Z",
        "complete": False,
        "success": False,
        "steps": [
            {"name": n, "success": True, "date": "2021-01-01", "msg": ""} for n in names[:steps]
        ],
    }


class TestNemo:
    def test_login_goes_to_the_login_host_and_the_jwt_is_reused(self) -> None:
        peer = Peer()
        peer.on("GET", "/api/submission/AbC1234", reply(200, submission("AbC1234", 2)))
        service, logins = nemo(peer)
        for _ in range(2):
            found = service.get_submission("AbC1234")
        assert len(logins) == 1
        assert peer.seen[0].url.host == "login.nemo.test"
        assert json.loads(peer.seen[0].content) == {"username": "alice", "password": SECRET}
        assert peer.seen[1].headers["Authorization"] == f"Bearer {logins[0]}"
        assert found.state == "in-progress"
        assert found.next_step == "qc_complete"

    def test_an_expired_jwt_is_replaced_by_a_new_login(self) -> None:
        peer = Peer()
        peer.on("GET", "/api/submission/AbC1234", reply(200, submission("AbC1234")))
        service, logins = nemo(peer, exp=time.time() + 10)  # inside the refresh margin
        service.get_submission("AbC1234")
        service.get_submission("AbC1234")
        assert len(logins) == 2

    def test_listing_follows_next_until_the_last_page(self) -> None:
        peer = Peer()
        base = "http://nemo.test/api/submission"
        peer.on(
            "GET",
            "/api/submission",
            reply(
                200,
                {
                    "total": 3,
                    "results": [submission("A000001"), submission("A000002")],
                    "page": 2,
                    "next": f"{base}?page=2",
                },
            ),
            reply(200, {"total": 3, "results": [submission("A000003")]}),
        )
        service, _ = nemo(peer)
        assert [s.id for s in service.list_submissions()] == ["A000001", "A000002", "A000003"]
        pages = [r.url.params.get("page") for r in peer.seen if r.url.path == "/api/submission"]
        assert pages == ["1", "2"]

    def test_a_submission_is_posted_once_as_multipart_and_never_resent(self) -> None:
        peer = Peer()
        peer.on("POST", "/api/submission", drop)
        service, _ = nemo(peer)
        with pytest.raises(OutcomeUnknown):
            service.submit(b"File_name\n", "x_manifest.tsv")
        posts = [r for r in peer.seen if r.url.path == "/api/submission"]
        assert len(posts) == 1
        assert b'name="manifest"; filename="x_manifest.tsv"' in posts[0].content

    def test_a_dry_run_is_flagged_in_the_query(self) -> None:
        peer = Peer()
        peer.on("POST", "/api/submission", reply(200, {"result": "success", "id": "Zz99999"}))
        service, _ = nemo(peer)
        assert service.submit(b"x", "a_manifest.tsv", dry_run=True) == "Zz99999"
        assert peer.seen[-1].url.params["dryrun"] == "y"

    def test_the_password_never_appears_in_a_repr(self) -> None:
        service, _ = nemo(Peer())
        assert SECRET not in repr(service) + repr(service.settings)


class TestRateLimiter:
    def test_requests_are_spaced_at_the_rate_after_the_burst(self) -> None:
        now = [0.0]
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            now[0] += seconds

        limiter = RateLimiter(3.0, burst=1, clock=lambda: now[0], sleep=sleep)
        for _ in range(4):
            limiter.acquire()
        assert waits == pytest.approx([1 / 3, 1 / 3, 1 / 3])

    def test_unlimited_never_waits(self) -> None:
        limiter = RateLimiter(None, sleep=lambda s: pytest.fail("slept"))
        assert all(limiter.acquire() == 0.0 for _ in range(100))
