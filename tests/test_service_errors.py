"""Service errors say which request failed and what to check (issue #10).

A 404 from a wrong base URL is not a missing object: it names the full URL and the setting
to fix. Failures that would otherwise escape as an httpx or parsing traceback become
OmicformErrors.
"""

from __future__ import annotations

import httpx
import pytest
from helpers import (
    PROJECT,
    SECRET,
    STAGING_PROJECTS,
    STAGING_TASKS,
    Peer,
    drop,
    nemo,
    nmdc,
    refuse,
    reply,
)

from omicform.errors import (
    ConfigError,
    NotFound,
    OutcomeUnknown,
    ServiceError,
    ServiceUnreachable,
    WrongAddress,
)
from omicform.services import NmdcCredentials, NmdcService, NmdcSettings, Secret
from omicform.services.retry import RetryPolicy
from omicform.services.settings import HttpSettings

TASK = "/wf_file_staging/globus_tasks/t1"


def html_404(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, text="<html><h1>404 Not Found</h1></html>")


class TestNotFound:
    def test_a_missing_record_is_the_services_own_not_found(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r9", reply(404, {"detail": "Not found"}))
        with pytest.raises(NotFound) as caught:
            nmdc(peer).get_run("r9")
        assert not isinstance(caught.value, WrongAddress)
        assert "Check the name or id" in str(caught.value)
        assert "GET http://nmdc.test/runs/r9 -> 404" in str(caught.value)

    def test_a_list_endpoint_that_404s_means_the_base_url_is_wrong(self) -> None:
        peer = Peer()
        peer.on("GET", STAGING_TASKS.path, reply(404, {"detail": "Not found"}))
        with pytest.raises(WrongAddress) as caught:
            list(nmdc(peer).list_records(STAGING_TASKS, filter={"task_id": "t1"}))
        text = str(caught.value)
        assert "GET http://nmdc.test/wf_file_staging/globus_tasks?filter=" in text
        assert "`services.nmdc.url`, or NMDC_API_URL" in text
        assert "name or id" not in text

    def test_a_lookup_answered_by_the_router_not_the_api_is_a_wrong_address(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(404, {"detail": "Not Found"}))  # FastAPI: no route
        with pytest.raises(WrongAddress, match="NMDC_API_URL"):
            nmdc(peer).get_run("r1")

    def test_a_lookup_answered_by_a_web_page_is_a_wrong_address(self) -> None:
        peer = Peer()
        peer.on("GET", "/api/submission/AbC1234", html_404)
        service, _ = nemo(peer)
        with pytest.raises(WrongAddress) as caught:
            service.get_submission("AbC1234")
        assert "http://nemo.test/api/submission/AbC1234" in str(caught.value)
        assert "`services.nemo.url`, or NEMO_API_URL" in str(caught.value)

    def test_a_wrong_login_url_names_the_login_setting(self) -> None:
        peer = Peer()
        service, _ = nemo(peer)
        peer.routes[("POST", "/v1/login")] = [html_404]
        with pytest.raises(WrongAddress) as caught:
            service.login()
        assert "http://login.nemo.test/v1/login" in str(caught.value)
        assert "NEMO_LOGIN_URL" in str(caught.value)

    def test_a_404_with_a_list_for_its_message_is_still_judged(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r9", reply(404, {"detail": [{"msg": "gone"}]}))
        with pytest.raises(NotFound, match="gone"):
            nmdc(peer).get_run("r9")

    def test_get_record_does_not_read_a_wrong_address_as_absent(self) -> None:
        peer = Peer()
        peer.on("GET", TASK, html_404)
        with pytest.raises(WrongAddress):
            nmdc(peer).get_record(STAGING_TASKS, "t1")

    def test_get_record_reads_the_services_own_404_as_absent(self) -> None:
        peer = Peer()
        peer.on("GET", TASK, reply(404, {"detail": "Not found"}))
        assert nmdc(peer).get_record(STAGING_TASKS, "t1") is None

    def test_a_long_query_is_decoded_and_shortened_in_the_message(self) -> None:
        peer = Peer()
        peer.on("GET", STAGING_TASKS.path, reply(404, {"detail": "Not Found"}))
        keys = [f"task-{n:04d}" for n in range(200)]
        with pytest.raises(WrongAddress) as caught:
            list(nmdc(peer).list_records(STAGING_TASKS, filter={"task_id": {"$in": keys}}))
        first_line = str(caught.value).splitlines()[0]
        assert '?filter={"task_id":{"$in":["task-0000",' in first_line
        assert "…" in first_line and "task-0199" not in first_line
        assert "%22" not in first_line

    def test_a_redirect_names_the_url_and_the_setting(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(301, None, Location="https://nmdc.test/runs/r1"))
        with pytest.raises(ServiceError) as caught:
            nmdc(peer).get_run("r1")
        assert "GET http://nmdc.test/runs/r1 -> 301" in str(caught.value)
        assert "NMDC_API_URL" in str(caught.value)


class TestNoAnswer:
    def test_a_refused_connection_names_method_and_full_url(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", refuse)
        with pytest.raises(ServiceUnreachable) as caught:
            nmdc(peer).get_run("r1")
        assert "NMDC GET http://nmdc.test/runs/r1: no answer" in str(caught.value)
        assert "NMDC_API_URL" in str(caught.value)

    def test_a_dropped_create_names_the_full_url_and_stays_outcome_unknown(self) -> None:
        peer = Peer()
        peer.on("POST", STAGING_PROJECTS.path, drop)
        with pytest.raises(OutcomeUnknown) as caught:
            nmdc(peer).create_record(STAGING_PROJECTS, PROJECT)
        assert "POST http://nmdc.test/wf_file_staging/jgi_sequencing_projects" in str(caught.value)

    def test_the_url_never_shows_credentials_it_carries(self) -> None:
        def refused(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused")

        settings = NmdcSettings(
            base_url="http://ann:pw-in-url@nmdc.test",
            credentials=NmdcCredentials(client_id="c", client_secret=Secret(SECRET)),
            http=HttpSettings(retry=RetryPolicy(max_attempts=1)),
        )
        with pytest.raises(ServiceUnreachable) as caught:
            NmdcService(settings, transport=httpx.MockTransport(refused)).get_run("r1")
        assert "http://nmdc.test/token" in str(caught.value)
        assert "ann" not in str(caught.value) and "pw-in-url" not in str(caught.value)

    def test_a_url_without_a_scheme_is_unreachable_at_once_not_retried(self) -> None:
        settings = NmdcSettings(base_url="nmdc.test", http=HttpSettings())
        service = NmdcService(settings)
        service.transport.sleep = lambda s: pytest.fail("retried a URL that can never work")
        with pytest.raises(ServiceUnreachable, match="NMDC_API_URL"):
            service.validate_metadata({})
        assert service.transport.requests_sent == 1


class TestNoTraceback:
    def test_an_undecodable_answer_is_a_service_error(self) -> None:
        def bad_gzip(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, content=b"not gzip", headers={"Content-Encoding": "gzip"})

        peer = Peer()
        peer.on("GET", "/runs/r1", bad_gzip)
        with pytest.raises(ServiceError, match="could not be read"):
            nmdc(peer).get_run("r1")

    def test_an_undecodable_answer_to_a_create_leaves_its_outcome_unknown(self) -> None:
        def bad_gzip(request: httpx.Request) -> httpx.Response:
            return httpx.Response(201, content=b"not gzip", headers={"Content-Encoding": "gzip"})

        peer = Peer()
        peer.on("POST", STAGING_PROJECTS.path, bad_gzip)
        with pytest.raises(OutcomeUnknown):
            nmdc(peer).create_record(STAGING_PROJECTS, PROJECT)

    def test_a_web_page_where_the_api_should_be_points_at_the_url(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", lambda r: httpx.Response(200, text="<html>Welcome</html>"))
        with pytest.raises(ServiceError) as caught:
            nmdc(peer).get_run("r1")
        assert "GET http://nmdc.test/runs/r1" in str(caught.value)
        assert "NMDC_API_URL" in str(caught.value)

    def test_an_answer_of_the_wrong_json_shape_is_a_service_error(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", reply(200, ["not", "an", "object"]))
        with pytest.raises(ServiceError):
            nmdc(peer).get_run("r1")

    @pytest.mark.parametrize(("status", "said"), [(200, "could not be read"), (500, "failed")])
    def test_json_nested_past_what_python_decodes_is_a_service_error(
        self, status: int, said: str
    ) -> None:
        deep = b"[" * 100_000 + b"]" * 100_000
        peer = Peer()
        peer.on("GET", "/runs/r1", lambda r: httpx.Response(status, content=deep))
        with pytest.raises(ServiceError, match=said) as caught:
            nmdc(peer).get_run("r1")
        assert len(str(caught.value)) < 2_000  # the server's message is clipped

    @pytest.mark.parametrize("url", ["http://host:port", "http://[::1", "http://a:pw-x@h:bad"])
    def test_an_invalid_base_url_is_a_config_error_naming_the_setting(self, url: str) -> None:
        with pytest.raises(ConfigError, match="NMDC_API_URL") as caught:
            NmdcService(NmdcSettings(base_url=url))
        assert "pw-x" not in str(caught.value)
