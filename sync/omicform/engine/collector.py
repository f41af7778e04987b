"""Python's cycle collector paused while a plan is built.

Loading, reading and planning 100,000 records makes millions of small containers (dicts,
tuples, records) and almost no reference cycles. Every few hundred allocations the collector
walks the young ones, and each full pass walks every container alive: for a large plan that
was about 40% of its time, finding nothing. Paused for those phases, it runs again as soon
as they end (a cycle made meanwhile is collected then), and only if it was running before:
a caller's own `gc.disable()` is left alone.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():  # already paused (a phase inside another, or the caller)
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused
