"""Walking the two services' paginated lists."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:  # imported when a list has a second page: a few ms of every start-up
    from concurrent.futures import Future, ThreadPoolExecutor

T = TypeVar("T")
R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)

SEND_WAIT = 1.0  # seconds a page's reading waits for the next request to leave, at most


class TokenPage(Protocol[T_co]):
    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def next_token(self) -> str | None: ...


def follow_page_tokens(
    send: Callable[[str | None, Callable[[], None] | None], R],
    peek: Callable[[R], str | None],
    read: Callable[[R], TokenPage[T]],
    repeated: Callable[[], Exception],
) -> Iterator[T]:
    """NMDC style: a page, then the page its `next_page_token` names, until one has none.

    `send(token, sent)` makes a request (raising for a failed one) and calls `sent`, if
    given, once the request has left; `read(answer)` reads its page (raising for one it
    cannot read); `peek(answer)` finds the next token in the raw answer before it is read,
    where it can tell for certain (None: the next request waits for `read`).

    The next request is sent while a page is read: reading 2,000 records then overlaps the
    server's work on the next page instead of adding to it (issue #14). The requests are
    the sequential walk's, in its order, one at a time. A failed request raises where the
    sequential walk would: after the records of the pages before it. A page that cannot be
    read raises after its successor was asked for (a GET), which the sequential walk would
    not have sent.

    NMDC's tokens are single-use and remember only the position, so `send` must send the
    same filter, projection and page size with every token; that is the caller's closure.
    A page naming a token already followed would make the walk endless (nmdc-runtime never
    does): `repeated()` is raised instead, and that token is never sent again.
    """
    workers: ThreadPoolExecutor | None = None
    ahead: Future[R] | None = None
    followed: set[str] = set()
    try:
        answer = send(None, None)
        while True:
            guess = peek(answer)
            if guess and guess not in followed:
                workers = workers or _workers()
                ahead = _sent_first(workers, send, guess)
            page = read(answer)
            if ahead is not None and page.next_token != guess:
                # Not for a page `read` accepts (see `peek`); should it be, the walk goes on
                # with the page's own token, the guessed request's answer dropped.
                _drop(ahead)
                ahead = None
            yield from page.items
            if not page.next_token:
                return
            if page.next_token in followed:
                raise repeated()
            followed.add(page.next_token)
            if ahead is None:
                answer = send(page.next_token, None)
            else:
                answer, ahead = ahead.result(), None
    finally:
        if workers is not None:
            workers.shutdown(wait=True)  # a request in flight finishes; no thread outlives us


def _workers() -> ThreadPoolExecutor:
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(1, thread_name_prefix="omicform-page")


def _sent_first(
    workers: ThreadPoolExecutor,
    send: Callable[[str | None, Callable[[], None] | None], R],
    token: str,
) -> Future[R]:
    """`send(token)` on the worker, returned once the request has left (or failed). Parsing a
    page holds the GIL throughout; started before the request is out, it held the request
    back until it was done, and nothing overlapped."""
    left = threading.Event()
    request = workers.submit(send, token, left.set)
    request.add_done_callback(lambda _: left.set())  # failed, or a transport that never calls
    left.wait(SEND_WAIT)
    return request


def _drop(request: Future[R]) -> None:
    try:
        request.result()
    except Exception:  # the answer to a request that should not have been sent: dropped
        return


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
