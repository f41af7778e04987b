"""Minting many ids: in requests of at most 1,000, in order, never losing minted ids.

nmdc-runtime sets no upper bound on `how_many` but makes all of a request's ids at once;
omicform keeps each request to `MINT_CHUNK` ids. Minting is not idempotent: nothing is
resent, and when a request fails the ids of the earlier requests travel on the error.
"""

from __future__ import annotations

import json
from itertools import count

import httpx
import pytest
from helpers import Peer, drop, nmdc, reply

from omicform.errors import OutcomeUnknown, RequestRejected, ServerFailed
from omicform.services.minting import MINT_CHUNK, chunk_sizes


class Minter:
    """A peer's /pids/mint: hands out numbered ids and remembers each request's how_many."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self._next = count(1)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        how_many = json.loads(request.content)["how_many"]
        self.asked.append(how_many)
        return httpx.Response(
            200, json=[f"nmdc:dobj-11-{next(self._next):06d}" for _ in range(how_many)]
        )


def ids(first: int, last: int) -> list[str]:
    return [f"nmdc:dobj-11-{n:06d}" for n in range(first, last + 1)]


def test_the_chunk_is_a_thousand() -> None:
    assert MINT_CHUNK == 1000


@pytest.mark.parametrize(
    ("total", "sizes"),
    [(0, []), (1, [1]), (999, [999]), (1000, [1000]), (1001, [1000, 1]), (2500, [1000, 1000, 500])],
)
def test_a_count_splits_into_chunks_no_larger_than_the_limit(total: int, sizes: list[int]) -> None:
    assert list(chunk_sizes(total)) == sizes


def test_a_large_mint_is_sent_in_chunks_and_returns_ids_in_order() -> None:
    peer, minter = Peer(), Minter()
    peer.on("POST", "/pids/mint", minter)
    assert nmdc(peer).mint("nmdc:DataObject", 2500) == ids(1, 2500)
    assert minter.asked == [1000, 1000, 500]


def test_a_small_mint_is_one_request() -> None:
    peer, minter = Peer(), Minter()
    peer.on("POST", "/pids/mint", minter)
    assert nmdc(peer).mint("nmdc:DataObject", 3) == ids(1, 3)
    assert minter.asked == [3]


def test_minting_nothing_sends_nothing() -> None:
    peer = Peer()
    assert nmdc(peer).mint("nmdc:DataObject", 0) == []
    assert peer.seen == []


def test_the_chunk_size_can_be_lowered() -> None:
    peer, minter = Peer(), Minter()
    peer.on("POST", "/pids/mint", minter)
    assert nmdc(peer).mint("nmdc:DataObject", 5, chunk=2) == ids(1, 5)
    assert minter.asked == [2, 2, 1]


def test_an_unclear_chunk_raises_outcome_unknown_carrying_the_ids_minted_before_it() -> None:
    peer, minter = Peer(), Minter()
    peer.on("POST", "/pids/mint", minter, minter, drop)
    with pytest.raises(OutcomeUnknown) as caught:
        nmdc(peer).mint("nmdc:DataObject", 2500)
    assert caught.value.completed == tuple(ids(1, 2000))
    assert peer.count("POST", "/pids/mint") == 3  # the dropped chunk is not resent


def test_a_failed_chunk_carries_the_ids_minted_before_it_whatever_the_error() -> None:
    peer, minter = Peer(), Minter()
    peer.on("POST", "/pids/mint", minter, reply(500, {"detail": "Traceback ..."}))
    with pytest.raises(ServerFailed) as caught:
        nmdc(peer).mint("nmdc:DataObject", 1500)
    assert caught.value.completed == tuple(ids(1, 1000))
    assert peer.count("POST", "/pids/mint") == 2  # a 5xx on a mint is not resent either


def test_a_first_chunk_that_fails_carries_no_ids() -> None:
    peer = Peer()
    peer.on("POST", "/pids/mint", reply(422, {"detail": "Unknown schema class nmdc:Nope"}))
    with pytest.raises(RequestRejected) as caught:
        nmdc(peer).mint("nmdc:Nope", 5)
    assert caught.value.completed == ()
