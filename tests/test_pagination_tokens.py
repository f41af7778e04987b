"""NMDC pages are read while the next one is asked for (issue #14).

The walk must send exactly the sequential walk's requests, in its order; stop on the last
page; raise a failed request's error after the earlier pages' records; leave no thread
behind; and find the next token at an answer's end only where the page itself has it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import STAGING_SAMPLES, Peer, nmdc, reply

from omicform.errors import NotFound, ServiceError
from omicform.sandbox.testing import sample_record
from omicform.services.nmdc_pages import Page, next_token_at_end
from omicform.services.pagination import follow_page_tokens


class Endless(Exception):
    pass


class Pages:
    """A scripted walk: page i holds [i] and the token `t{i+1}`, the last none; it logs
    every send, sent signal and read, in the order they happen."""

    def __init__(self, count: int, *, guess: Callable[[int], str | None] | None = None) -> None:
        self.count = count
        self.log: list[str] = []
        self.guess = guess or (lambda i: f"t{i + 1}" if i + 1 < count else None)
        self.fail_at: int | None = None

    def send(self, token: str | None, sent: Callable[[], None] | None) -> int:
        index = int(token[1:]) if token else 0
        self.log.append(f"send {index}")
        if sent is not None:
            sent()
        if index == self.fail_at:
            raise NotFound("no such page", service="NMDC", method="GET", path="/x", status=404)
        return index

    def peek(self, index: int) -> str | None:
        return self.guess(index)

    def read(self, index: int) -> Page:
        self.log.append(f"read {index}")
        token = f"t{index + 1}" if index + 1 < self.count else None
        return Page([{"i": index}], token)

    def walk(self) -> Any:
        return follow_page_tokens(self.send, self.peek, self.read, Endless)


def test_the_next_request_leaves_before_a_page_is_read_and_the_walk_stops_at_the_end() -> None:
    pages = Pages(3)
    assert [r["i"] for r in pages.walk()] == [0, 1, 2]
    assert pages.log == ["send 0", "send 1", "read 0", "send 2", "read 1", "read 2"]


def test_a_single_page_starts_no_thread() -> None:
    before = threading.active_count()
    pages = Pages(1)
    assert [r["i"] for r in pages.walk()] == [0]
    assert pages.log == ["send 0", "read 0"]
    assert threading.active_count() == before


def test_a_failed_request_raises_after_the_records_before_it() -> None:
    pages = Pages(4)
    pages.fail_at = 2
    records = pages.walk()
    assert [next(records)["i"], next(records)["i"]] == [0, 1]
    with pytest.raises(NotFound):
        next(records)
    assert "send 3" not in pages.log


def test_a_walk_left_early_waits_for_its_request_in_flight() -> None:
    before = threading.active_count()
    pages = Pages(5)
    records = pages.walk()
    assert next(records)["i"] == 0
    records.close()
    assert pages.log == ["send 0", "send 1", "read 0"]
    assert threading.active_count() == before


def test_without_a_token_at_the_end_each_request_waits_for_its_page() -> None:
    pages = Pages(3, guess=lambda i: None)
    assert [r["i"] for r in pages.walk()] == [0, 1, 2]
    assert pages.log == ["send 0", "read 0", "send 1", "read 1", "send 2", "read 2"]


def test_a_wrong_guess_is_dropped_and_the_pages_own_token_followed() -> None:
    pages = Pages(3, guess=lambda i: "t7" if i == 0 else None)
    assert [r["i"] for r in pages.walk()] == [0, 1, 2]
    assert pages.log == ["send 0", "send 7", "read 0", "send 1", "read 1", "send 2", "read 2"]


class Looping(Pages):
    """Every page names t1 as the next, and says so at its end."""

    def peek(self, index: int) -> str | None:
        return "t1"

    def read(self, index: int) -> Page:
        self.log.append(f"read {index}")
        return Page([{"i": index}], "t1")


def test_a_page_naming_an_earlier_pages_token_ends_the_walk_never_sending_it_again() -> None:
    pages, found = Looping(9), []
    with pytest.raises(Endless):
        found.extend(r["i"] for r in pages.walk())
    assert found == [0, 1]  # the records read, then the error
    assert pages.log == ["send 0", "send 1", "read 0", "read 1"]


# -- against a scripted NMDC ------------------------------------------------------------------


def test_every_page_is_asked_for_once_in_order_and_none_after_the_last() -> None:
    peer = Peer()
    peer.on(
        "GET",
        STAGING_SAMPLES.path,
        *[
            reply(200, {"resources": [sample_record(f"f{i}")], "next_page_token": f"n{i + 1}"})
            for i in range(3)
        ],
        reply(200, {"resources": [sample_record("f3")]}),
    )
    found = list(nmdc(peer).list_records(STAGING_SAMPLES, page_size=1))
    assert [r["jdp_file_id"] for r in found] == ["f0", "f1", "f2", "f3"]
    tokens = [r.url.params.get("page_token") for r in peer.seen if r.url.path != "/token"]
    assert tokens == [None, "n1", "n2", "n3"]


def test_a_malformed_page_is_the_clear_error_even_with_its_successor_asked_for() -> None:
    peer = Peer()
    bad = b'{"resources": [1, 2], "next_page_token": "n2"}'  # the token is there; records not
    peer.on(
        "GET",
        STAGING_SAMPLES.path,
        reply(200, {"resources": [sample_record("f0")], "next_page_token": "n1"}),
        lambda request: httpx.Response(200, content=bad),
        reply(200, {"resources": []}),
    )
    records = nmdc(peer).list_records(STAGING_SAMPLES, page_size=1)
    assert next(records)["jdp_file_id"] == "f0"
    with pytest.raises(ServiceError) as caught:
        next(records)
    text = str(caught.value)
    assert "the answer could not be read" in text
    assert "page_token=n1" in text  # the request it names is the malformed page's own
    assert peer.count("GET", STAGING_SAMPLES.path) == 3  # its successor was asked for


def test_a_server_naming_the_same_token_again_gets_a_clear_error_not_an_endless_walk() -> None:
    peer = Peer()
    page = reply(200, {"resources": [sample_record("f0")], "next_page_token": "n1"})
    peer.on("GET", STAGING_SAMPLES.path, *[page] * 5)
    with pytest.raises(ServiceError) as caught:
        list(nmdc(peer).list_records(STAGING_SAMPLES, page_size=1))
    assert "the token of an earlier page, so the list would never end" in str(caught.value)
    assert "report it to NMDC" in str(caught.value.hint)
    tokens = [r.url.params.get("page_token") for r in peer.seen if r.url.path != "/token"]
    assert tokens == [None, "n1"]  # n1 once: a single-use token is never sent twice


def body(**members: Any) -> bytes:
    return json.dumps(members).encode()


@pytest.mark.parametrize(
    ("content", "token"),
    [
        (body(resources=[], next_page_token="nmdc:sys0abc"), "nmdc:sys0abc"),
        (b'{"resources":[],"next_page_token":"nmdc:sys0abc"}', "nmdc:sys0abc"),
        (b'{"resources": [] ,\r\n "next_page_token" : "x\xc3\xa9" }\n', "x\u00e9"),
        (b'{"next_page_token":"only"}', "only"),
        (body(next_page_token="first", resources=[]), None),  # not at the end
        (body(resources=[], next_page_token=None), None),
        (body(resources=[], next_page_token=""), None),
        (body(resources=[], next_page_token='with "quote"'), None),
        (body(resources=[], next_page_token="back\\slash"), None),
        (body(resources=[{"next_page_token": "inner"}]), None),
        (body(resources=[], note='a,"next_page_token":"fake"}'), None),
        (b'{"resources":[],"next_page_token":"x\xff"}', None),
        (b'{"resources":[],"next_page_token":"' + b"t" * 600 + b'"}', None),
    ],
)
def test_the_token_at_the_end_is_the_pages_own_or_none(content: bytes, token: str | None) -> None:
    assert next_token_at_end(httpx.Response(200, content=content)) == token
    if token is not None:
        assert json.loads(content)["next_page_token"] == token
