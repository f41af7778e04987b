"""Walking the two services' paginated lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class TokenPage(Protocol[T_co]):
    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def next_token(self) -> str | None: ...


def follow_page_tokens(fetch: Callable[[str | None], TokenPage[T]]) -> Iterator[T]:
    """NMDC style: `fetch(token)` gets a page; stop when a page has no `next_page_token`.

    NMDC's tokens are single-use and remember only the position, so `fetch` must send the
    same filter, projection and page size with every token; that is the caller's closure.
    """
    token: str | None = None
    while True:
        page = fetch(token)
        yield from page.items
        if not page.next_token:
            return
        token = page.next_token


class NumberedPage(Protocol[T_co]):
    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def has_next(self) -> bool: ...


def follow_page_numbers(
    fetch: Callable[[int], NumberedPage[T]], *, max_pages: int = 100_000
) -> Iterator[T]:
    """NeMO style: pages 1, 2, ... while the answer says `next`.

    NeMO answers a page past the end with the last page again, so the walk stops on the
    first page without `next` (or an empty one) rather than on an error.
    """
    for number in range(1, max_pages + 1):
        page = fetch(number)
        yield from page.items
        if not page.has_next or not page.items:
            return
