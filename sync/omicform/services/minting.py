"""Minting many ids as a series of requests of a size the server answers quickly.

Minting is not idempotent, so no request is ever repeated here; what matters is that ids
minted by earlier requests are never lost when a later one fails. They travel on the error
(`ServiceError.completed`), in order, for the caller to record before anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from omicform.errors import ServiceError

# nmdc-runtime declares `how_many: PositiveInt` with no upper bound
# (nmdc_runtime/minter/domain/model.py, AuthenticatedMintingRequest), but makes every id of a
# request at once: it checks them all against its store with one `$in` query and writes them
# with one insert_many. A request so large that it outlives our read timeout spends ids we
# never learn. 1,000 ids answer in well under a second (about 30 KB of JSON) and a plan that
# mints 10,000 still costs only ten requests.
MINT_CHUNK = 1000


def chunk_sizes(total: int, chunk: int = MINT_CHUNK) -> Iterator[int]:
    """`total` split into sizes of at most `chunk`: 2,500 -> 1,000, 1,000, 500."""
    if chunk < 1:
        raise ValueError("chunk must be positive")
    left = total
    while left > 0:
        size = min(chunk, left)
        yield size
        left -= size


def mint_in_chunks(
    mint_once: Callable[[int], list[str]], how_many: int, *, chunk: int = MINT_CHUNK
) -> list[str]:
    """All ids of `how_many` minted `chunk` at a time, in the order they were minted.

    If a request fails, its error is raised with `completed` set to the ids minted before it
    (an OutcomeUnknown stays an OutcomeUnknown: that request's own ids may be spent too).
    """
    minted: list[str] = []
    for size in chunk_sizes(how_many, chunk):
        try:
            ids = mint_once(size)
        except ServiceError as exc:
            exc.completed = tuple(minted)
            raise
        minted.extend(ids)
    return minted
