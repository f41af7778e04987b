"""How cassettes match and how recordings are normalised (no sandbox, no cassette files).

A scripted peer (httpx.MockTransport, which vcrpy intercepts like any transport) stands in
for the services, so each rule is shown on a conversation small enough to read.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cassette_rules import (
    FIXED_BOUNDARY,
    StablePersister,
    normalise_interactions,
    placeholder_blade,
)
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from omicform.sandbox.ids import is_valid_blade
from omicform.services.recording import body_matcher, make_vcr, scrub_request


def vcr_request(request: httpx.Request) -> Any:
    return Request(request.method, str(request.url), request.read(), request.headers)


def upload(content: bytes, name: str = "mouse_manifest.tsv") -> Any:
    files = {"manifest": (name, content, "text/tab-separated-values")}
    return vcr_request(httpx.Request("POST", "http://nemo.test/api/submission", files=files))


def matches(a: Any, b: Any) -> bool:
    try:
        body_matcher(a, b)
    except AssertionError:
        return False
    return True


class TestBodyMatching:
    def test_a_manifest_upload_matches_by_its_file_not_its_random_boundary(self) -> None:
        first, second = upload(b"File_name\ta.bam\n"), upload(b"File_name\ta.bam\n")
        assert first.body != second.body  # httpx draws a new boundary every time
        assert matches(first, second)
        assert not matches(first, upload(b"File_name\tb.bam\n"))
        assert not matches(first, upload(b"File_name\ta.bam\n", name="other_manifest.tsv"))

    def test_a_saved_upload_with_the_fixed_boundary_still_matches_a_fresh_one(self) -> None:
        recorded = upload(b"File_name\ta.bam\n")
        response = {
            "status": {"code": 200, "message": "OK"},
            "headers": {},
            "body": {"string": b"{}"},
        }
        [saved], _ = normalise_interactions([scrub_request(recorded)], [response])
        assert FIXED_BOUNDARY.encode() in saved.body
        assert FIXED_BOUNDARY in saved.headers["content-type"]
        assert matches(upload(b"File_name\ta.bam\n"), saved)
        assert not matches(upload(b"File_name\tz.bam\n"), saved)

    def test_json_compares_as_data_and_logins_not_at_all(self) -> None:
        one = Request("POST", "http://x/nmdc/pids/mint", b'{"how_many": 2, "a": [1]}', {})
        same = Request("POST", "http://x/nmdc/pids/mint", b'{"a":[1],"how_many":2}', {})
        other = Request("POST", "http://x/nmdc/pids/mint", b'{"a":[1],"how_many":3}', {})
        assert matches(one, same) and not matches(one, other)
        login = Request("POST", "http://x/nemo-login/v1/login", b'{"password": "a"}', {})
        assert matches(login, Request("POST", "http://x/nemo-login/v1/login", b"{}", {}))


def peer(answers: dict[str, list[httpx.Response]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        return answers[request.url.path].pop(0)

    return httpx.MockTransport(handle)


def run_json(status: str) -> httpx.Response:
    return httpx.Response(200, json={"id": "nmdc:sys0ab12", "status": status})


class TestReplay:
    def test_polling_replays_in_recorded_order_and_each_answer_only_once(
        self, tmp_path: Path
    ) -> None:
        cassette = str(tmp_path / "poll.yaml")
        statuses = ["STARTED", "STARTED", "COMPLETE"]
        with (
            make_vcr("all").use_cassette(cassette),
            httpx.Client(transport=peer({"/runs/r1": [run_json(s) for s in statuses]})) as client,
        ):
            assert [
                client.get("http://nmdc.test/runs/r1").json()["status"] for _ in statuses
            ] == statuses
        with make_vcr("none").use_cassette(cassette), httpx.Client(transport=peer({})) as client:
            assert [
                client.get("http://other.test:1/runs/r1").json()["status"] for _ in statuses
            ] == statuses
            with pytest.raises(CannotOverwriteExistingCassetteException):
                client.get("http://nmdc.test/runs/r1")  # a fourth poll was never recorded

    def test_a_different_manifest_is_not_answered_from_the_cassette(self, tmp_path: Path) -> None:
        cassette = str(tmp_path / "upload.yaml")
        files = {"manifest": ("m_manifest.tsv", b"File_name\ta.bam\n", "text/tab-separated-values")}
        created = [httpx.Response(200, json={"result": "success", "id": "AbC1234"})]
        with (
            make_vcr("all").use_cassette(cassette),
            httpx.Client(transport=peer({"/api/submission": created})) as client,
        ):
            client.post("http://nemo.test/api/submission", files=files)
        with make_vcr("none").use_cassette(cassette), httpx.Client(transport=peer({})) as client:
            assert (
                client.post("http://nemo.test/api/submission", files=files).json()["id"]
                == "AbC1234"
            )
        changed = {
            "manifest": ("m_manifest.tsv", b"File_name\tb.bam\n", "text/tab-separated-values")
        }
        with (
            make_vcr("none").use_cassette(cassette),
            httpx.Client(transport=peer({})) as client,
            pytest.raises(CannotOverwriteExistingCassetteException),
        ):
            client.post("http://nemo.test/api/submission", files=changed)


def interaction(method: str, uri: str, body: Any, answer: Any, **headers: str) -> tuple[Any, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    request = Request(method, uri, raw, {"content-type": "application/json", **headers})
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"date": ["Mon, 01 Jan 2024 00:00:00 GMT"], "content-length": ["1"]},
        "body": {"string": json.dumps(answer).encode()},
    }
    return request, response


NMDC = "http://127.0.0.1:18765/nmdc"
NEMO = "http://127.0.0.1:18765/nemo/api"
SUBMISSION = {
    "id": "q8bkbjy",
    "submitter": "u",
    "creation": "2026-11-21T21:33:36Z",
    "complete": False,
    "success": False,
    "steps": [
        {"name": "manifest_validated", "success": True, "date": "2026-11-21T21:33:37Z", "msg": ""}
    ],
}
CONVERSATION = [
    interaction(
        "POST",
        f"{NMDC}/pids/mint",
        {"how_many": 2},
        ["nmdc:dobj-11-z6vc4664", "nmdc:dobj-11-a1b2c3d4"],
    ),
    interaction("POST", f"{NEMO}/submission", None, {"result": "success", "id": "q8bkbjy"}),
    interaction(
        "POST",
        f"{NMDC}/metadata/json:submit",
        {"data_object_set": [{"id": "nmdc:dobj-11-a1b2c3d4"}, {"id": "nmdc:dobj-11-z6vc4664"}]},
        {"type": "success", "detail": {"run_id": "nmdc:sys0zz9k41"}},
    ),
    interaction("GET", f"{NEMO}/submission/q8bkbjy", None, SUBMISSION),
    interaction(
        "GET",
        f"{NMDC}/runs/nmdc%3Asys0zz9k41",
        None,
        {
            "id": "nmdc:sys0zz9k41",
            "status": "COMPLETE",
            "started_at_time": "2026-11-21T21:33:36.123456+00:00",
            "inputs": ["/objects/gfs0x7k2m9"],
            "outputs": ["/operations/nmdc:sys0b5b5b5"],
        },
    ),
    interaction(
        "GET",
        f"{NMDC}/wf_file_staging/jgi_samples?page_token=nmdc%3Asys0b5b5b5&max_page_size=2",
        None,
        {"resources": []},
    ),
    interaction(
        "POST",
        f"{NEMO}/submission/search",
        {"id": "q8bkbjy"},
        {"total": 1, "results": [SUBMISSION]},
    ),
]


class TestNormalisation:
    def normalised(self) -> tuple[list[Any], list[Any]]:
        requests, responses = zip(*copy.deepcopy(CONVERSATION), strict=True)
        return normalise_interactions(list(requests), list(responses))

    def test_volatile_values_become_stable_placeholders_everywhere_they_appear(self) -> None:
        requests, responses = self.normalised()
        uris = [r.uri for r in requests]
        bodies = [json.loads(r["body"]["string"]) for r in responses]
        # NMDC first (its own order kept), then NeMO.
        assert [r.path.split("/")[1] for r in requests] == ["nmdc"] * 4 + ["nemo"] * 3
        first, second = (
            "nmdc:dobj-11-" + placeholder_blade("rec001"),
            "nmdc:dobj-11-" + placeholder_blade("rec002"),
        )
        assert bodies[0] == [first, second]
        assert json.loads(requests[1].body) == {"data_object_set": [{"id": second}, {"id": first}]}
        run = "nmdc:sys0" + placeholder_blade("rec0001")
        assert bodies[1] == {"type": "success", "detail": {"run_id": run}}
        assert uris[2].endswith("/runs/" + run.replace(":", "%3A"))
        assert (
            bodies[2]["id"] == run
            and bodies[2]["started_at_time"] == "2024-01-01T00:00:00.000000+00:00"
        )
        assert bodies[2]["inputs"] == ["/objects/gfs0" + placeholder_blade("rec0001")]
        token = "nmdc:sys0" + placeholder_blade("rec0002")
        assert bodies[2]["outputs"] == ["/operations/" + token]
        assert "page_token=" + token.replace(":", "%3A") in uris[3]
        assert bodies[4] == {"result": "success", "id": "rec0001"}
        assert uris[5].endswith("/submission/rec0001")
        assert bodies[5]["creation"] == "2024-01-01T00:00:00Z"
        assert bodies[5]["steps"][0]["date"] == "2024-01-01T00:00:01Z"
        assert json.loads(requests[6].body) == {"id": "rec0001"}
        assert bodies[6]["results"][0]["id"] == "rec0001"
        for response in responses:
            assert "date" not in response["headers"]
            assert response["headers"]["content-length"] == [str(len(response["body"]["string"]))]

    def test_placeholders_keep_the_shapes_clients_and_schemas_check(self) -> None:
        _, responses = self.normalised()
        minted = json.loads(responses[0]["body"]["string"])
        assert all(is_valid_blade(i.rsplit("-", 1)[1]) for i in minted)
        run = json.loads(responses[1]["body"]["string"])["detail"]["run_id"]
        assert is_valid_blade(run.removeprefix("nmdc:sys0"))

    def test_normalising_a_normalised_recording_changes_nothing(self) -> None:
        requests, responses = self.normalised()
        again_requests, again_responses = normalise_interactions(requests, responses)
        assert [r.uri for r in again_requests] == [r.uri for r in requests]
        assert [r.body for r in again_requests] == [r.body for r in requests]
        assert again_responses == responses


def test_the_persister_will_not_write_a_secret(tmp_path: Path) -> None:
    from vcr.serializers import yamlserializer

    request, response = interaction(
        "POST", f"{NMDC}/token", None, {"access_token": "eyJhbGciOiJI.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}
    )
    target = tmp_path / "leak.yaml"
    with pytest.raises(RuntimeError, match="JWT"):
        StablePersister().save_cassette(
            str(target), {"requests": [request], "responses": [response]}, yamlserializer
        )
    assert not target.exists()
    clean = interaction("GET", f"{NMDC}/runs/x", None, {"status": "COMPLETE"})
    StablePersister().save_cassette(
        str(target), {"requests": [clean[0]], "responses": [clean[1]]}, yamlserializer
    )
    assert (
        yaml.safe_load(target.read_text())["interactions"][0]["request"]["uri"] == f"{NMDC}/runs/x"
    )
