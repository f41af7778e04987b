"""NMDC list pages are read from their JSON, not through the generated models (issue #14).

The records must come out exactly as the generated round trip (`Doc.from_dict(...).to_dict()`)
gave them, values and key order alike, and an answer that round trip could not read must
still be the same clear error, never a traceback.
"""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import omicform_nmdc_client.models as models
import pytest
from helpers import STAGING_PROJECTS, STAGING_SAMPLES, STAGING_TASKS, Peer, nmdc, reply

from omicform.errors import OmicformError, ServiceError
from omicform.sandbox.testing import project_record, sample_record, task_record
from omicform.services.nmdc_pages import MAX_LAYOUTS, PageReader
from omicform.services.nmdc_staging import LISTERS


def typed_round_trip(page_model: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """What list_records gave before: the generated page model's records, back as dicts."""
    page = getattr(models, page_model).from_dict(json.loads(json.dumps(body)))
    return [doc.to_dict() for doc in page.resources]


def shuffled(record: dict[str, Any], seed: int) -> dict[str, Any]:
    keys = list(record)
    random.Random(seed).shuffle(keys)
    return {k: record[k] for k in keys}


RECORDS = {
    "jgi_samples": sample_record("f-1", md5sum=None, update_date="2024-01-01T00:00:00"),
    "jgi_sequencing_projects": project_record("p-1"),
    "globus_tasks": task_record("t-1"),
}


def variants(record: dict[str, Any]) -> list[dict[str, Any]]:
    """As sent, shuffled, projected (every other field), with fields no model knows."""
    keys = list(record)
    return [
        record,
        *(shuffled(record, seed) for seed in range(5)),
        {k: record[k] for k in keys[::2]},
        {"zz_extra": 1, **shuffled(record, 9), "aa_extra": {"nested": [1, None]}},
        {k: None for k in keys},
        {},
    ]


@pytest.mark.parametrize("name", sorted(LISTERS))
def test_records_come_out_as_the_generated_round_trip_gave_them(name: str) -> None:
    endpoint = LISTERS[name]
    reader = PageReader(getattr(models, endpoint.record))
    body = {"resources": variants(RECORDS[name]), "next_page_token": "nmdc:sys0abc"}
    page = reader.read(json.dumps(body).encode())
    assert page is not None
    expected = typed_round_trip(endpoint.model, body)
    assert [list(r.items()) for r in page.items] == [list(r.items()) for r in expected]
    assert page.next_token == "nmdc:sys0abc"


def test_many_key_orders_stay_right_past_the_remembered_layouts() -> None:
    endpoint = LISTERS["jgi_samples"]
    reader = PageReader(getattr(models, endpoint.record))
    records = [shuffled(RECORDS["jgi_samples"], seed) for seed in range(3 * MAX_LAYOUTS)]
    body = {"resources": records}
    page = reader.read(json.dumps(body).encode())
    assert page is not None and page.next_token is None
    expected = typed_round_trip(endpoint.model, body)
    assert [list(r.items()) for r in page.items] == [list(r.items()) for r in expected]


@pytest.mark.parametrize("token", [None, 7, ["n1"], ""])
def test_a_token_that_is_not_text_ends_the_list(token: object) -> None:
    peer = Peer()
    peer.on("GET", STAGING_TASKS.path, reply(200, {"resources": [], "next_page_token": token}))
    assert list(nmdc(peer).list_records(STAGING_TASKS)) == []
    assert peer.count("GET", STAGING_TASKS.path) == 1


MALFORMED: list[tuple[str, bytes]] = [
    ("not JSON", b"<html>Welcome</html>"),
    ("a JSON list", b'[{"task_id": "a"}]'),
    ("null", b"null"),
    ("no resources", b'{"next_page_token": "n1"}'),
    ("resources not a list", b'{"resources": "abc"}'),
    # The generated models took an empty object for an empty list; the spec says a list.
    ("resources an object", b'{"resources": {}}'),
    ("a record not an object", b'{"resources": [{"task_id": "a"}, "b"]}'),
    # The generated models let this one escape as a RecursionError traceback.
    ("nested past the parser", b'{"resources": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"),
]


@pytest.mark.parametrize(("why", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_page_is_the_clear_unreadable_answer_error(why: str, body: bytes) -> None:
    peer = Peer()
    peer.on("GET", STAGING_TASKS.path, lambda request: httpx.Response(200, content=body))
    with pytest.raises(ServiceError) as caught:
        list(nmdc(peer).list_records(STAGING_TASKS, filter={"task_id": "a"}))
    text = str(caught.value)
    assert "the answer could not be read" in text
    assert "GET http://nmdc.test/wf_file_staging/globus_tasks?filter=" in text
    assert "NMDC_API_URL" in text  # which setting to check


def test_a_malformed_later_page_fails_after_the_earlier_pages_records() -> None:
    peer = Peer()
    peer.on(
        "GET",
        STAGING_SAMPLES.path,
        reply(200, {"resources": [sample_record("f-1")], "next_page_token": "n1"}),
        lambda request: httpx.Response(200, content=b"<html>Welcome</html>"),
    )
    records = nmdc(peer).list_records(STAGING_SAMPLES, page_size=1)
    assert next(records)["jdp_file_id"] == "f-1"
    with pytest.raises(OmicformError, match="could not be read"):
        next(records)


def test_an_error_status_on_a_list_is_judged_by_its_status() -> None:
    peer = Peer()
    peer.on("GET", STAGING_PROJECTS.path, reply(403, {"detail": "Only specific users"}))
    with pytest.raises(ServiceError) as caught:
        list(nmdc(peer).list_records(STAGING_PROJECTS))
    assert caught.value.status == 403
    assert "Only specific users" in str(caught.value)
