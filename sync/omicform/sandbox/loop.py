"""The sandbox's event loop: asyncio's, with timers that fire when due rather than up to a
millisecond later.

epoll_wait takes its timeout in whole milliseconds, and the standard selector rounds up
so as never to wake early: a timer due in 3.2 ms wakes the loop at 4 ms. `--latency 20ms`
is such a timer on every request, so each answer came 20.0-21.0 ms after its request
instead of 20 ms (0.8 ms late on average with eight requests in flight, issue #14).
Waiting with `select()` on the epoll descriptor takes the timeout in microseconds; the
events are then read from epoll without waiting. asyncio still never runs a timer before
it is due, so no answer comes sooner than the latency asked for.
"""

from __future__ import annotations

import asyncio
import select
import selectors

_FD_SETSIZE = 1024  # select() takes no descriptor beyond


class _PreciseEpollSelector(selectors.EpollSelector):
    def __init__(self) -> None:
        super().__init__()
        self._precise = self.fileno() < _FD_SETSIZE  # else as epoll alone, rounded up

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if self._precise and timeout is not None and timeout > 0:
            # The epoll descriptor is readable once any descriptor it watches has events.
            ready, _, _ = select.select([self.fileno()], [], [], timeout)
            if not ready:
                return []
            timeout = 0
        return super().select(timeout)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvicorn's `loop=` factory (an import string names it): asyncio's selector loop over
    epoll where there is epoll, asyncio's own loop elsewhere."""
    if not hasattr(selectors, "EpollSelector"):
        return asyncio.new_event_loop()
    return asyncio.SelectorEventLoop(_PreciseEpollSelector())
