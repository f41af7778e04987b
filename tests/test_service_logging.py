"""The request log scales (issue #10): one short line per request at INFO, detail at DEBUG.

Logger `omicform.http`. INFO (-v): service, method, path, the decoded query cut to 80
characters, status and time. DEBUG (-vv): bytes sent and received, and each retry with its
attempt, reason and wait. Never a header or a body; and with logging off, nothing is
formatted at all (the transport is a hot path).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from helpers import STAGING_TASKS, Peer, drop, nmdc, reply

from omicform.errors import OutcomeUnknown
from omicform.services.display import QUERY_LIMIT, short_query

TASK = "/wf_file_staging/globus_tasks/t1"
OK_TASK = {"task_id": "t1", "task_status": "ACTIVE"}
PAGE = {"resources": [OK_TASK]}


def lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "omicform.http" and r.levelno == level
    ]


class TestInfo:
    def test_one_line_per_request_with_method_path_status_and_time(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="omicform.http")
        peer = Peer()
        peer.on("GET", TASK, reply(200, OK_TASK))
        nmdc(peer).get_record(STAGING_TASKS, "t1")
        assert len(lines(caplog, logging.INFO)) == 2  # the token exchange, then the read
        assert re.fullmatch(r"NMDC POST /token -> 200 \(\d+ ms\)", lines(caplog, logging.INFO)[0])
        assert re.fullmatch(rf"NMDC GET {TASK} -> 200 \(\d+ ms\)", lines(caplog, logging.INFO)[1])
        assert lines(caplog, logging.DEBUG) == []

    def test_a_long_filter_is_decoded_and_cut_short(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="omicform.http")
        peer = Peer()
        peer.on("GET", STAGING_TASKS.path, reply(200, PAGE))
        keys = [f"task-{n:04d}" for n in range(2000)]
        list(nmdc(peer).list_records(STAGING_TASKS, filter={"task_id": {"$in": keys}}))
        (line,) = [m for m in lines(caplog, logging.INFO) if "globus_tasks" in m]
        query = line.split("?", 1)[1].split(" -> ")[0]
        assert query.startswith('filter={"task_id":{"$in":["task-0000","task-0001",')
        assert len(query) == QUERY_LIMIT and query.endswith("…")
        assert "%22" not in line

    def test_a_failed_connection_is_one_line_naming_the_error(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="omicform.http")
        peer = Peer()
        peer.on("POST", STAGING_TASKS.path, drop)
        with pytest.raises(OutcomeUnknown):
            nmdc(peer).create_record(STAGING_TASKS, OK_TASK)
        assert re.fullmatch(
            r"NMDC POST /wf_file_staging/globus_tasks failed after \d+ ms: RemoteProtocolError",
            lines(caplog, logging.INFO)[-1],
        )

    def test_no_header_or_body_is_ever_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG, logger="omicform")
        peer = Peer()
        peer.on("POST", STAGING_TASKS.path, reply(201, OK_TASK))
        nmdc(peer).create_record(STAGING_TASKS, OK_TASK)
        for forbidden in ("Bearer", "tok1", "Authorization", "client_secret", "ACTIVE", "task_id"):
            assert forbidden not in caplog.text


class TestDebug:
    def test_sizes_in_bytes_of_request_and_answer(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG, logger="omicform.http")
        peer = Peer()
        peer.on("POST", STAGING_TASKS.path, reply(201, OK_TASK))
        nmdc(peer).create_record(STAGING_TASKS, OK_TASK)
        sent = len(b'{"task_id":"t1","task_status":"ACTIVE"}')
        received = len(httpx.Response(201, json=OK_TASK).content)
        assert (
            f"NMDC POST /wf_file_staging/globus_tasks sent {sent} B, received {received} B"
            in lines(caplog, logging.DEBUG)
        )

    def test_a_streamed_answer_is_counted_as_the_client_reads_it(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        class Chunks(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                yield b'{"task_id": "t1", '
                yield b'"task_status": "ACTIVE"}'

        caplog.set_level(logging.DEBUG, logger="omicform.http")
        peer = Peer()
        peer.on("GET", TASK, lambda request: httpx.Response(200, stream=Chunks()))
        assert nmdc(peer).get_record(STAGING_TASKS, "t1") == OK_TASK
        assert f"NMDC GET {TASK} sent 0 B, received 42 B" in lines(caplog, logging.DEBUG)

    def test_each_retry_with_attempt_reason_and_wait(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger="omicform.http")
        peer = Peer()
        peer.on("GET", TASK, reply(503), drop, reply(429, None, **{"Retry-After": "2"}))
        peer.on("GET", TASK, reply(200, OK_TASK))
        nmdc(peer).get_record(STAGING_TASKS, "t1")
        retries = [m for m in lines(caplog, logging.DEBUG) if "retry" in m]
        assert retries == [
            f"NMDC GET {TASK} retry: attempt 2 of 4 in 0.00 s (status 503)",
            f"NMDC GET {TASK} retry: attempt 3 of 4 in 0.00 s (RemoteProtocolError)",
            f"NMDC GET {TASK} retry: attempt 4 of 4 in 2.00 s (status 429)",
        ]


class TestOff:
    def test_nothing_is_formatted_when_the_log_is_off(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="omicform.http")
        peer = Peer()
        peer.on("GET", TASK, reply(503), reply(200, OK_TASK))
        service = nmdc(peer)
        service.transport.log.redact = lambda text: pytest.fail("formatted a line nobody sees")
        service.get_record(STAGING_TASKS, "t1")
        assert caplog.records == []


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"", ""),
        (b"max_page_size=2000", "max_page_size=2000"),
        (b"filter=%7B%22a%22%3A+1%7D", 'filter={"a": 1}'),
        (b"x=" + b"y" * 100, "x=" + "y" * (QUERY_LIMIT - 3) + "…"),
    ],
)
def test_short_query(raw: bytes, shown: str) -> None:
    assert short_query(raw) == shown
