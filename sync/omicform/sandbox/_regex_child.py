"""The helper process of `omicform.sandbox.regex`: regex searches, each within a time limit.

Run as a script with the standard library only (`python -I -S _regex_child.py`). One JSON
request a line on stdin, `{"pattern", "flags", "values", "seconds"}`; one JSON answer a line
on stdout: `{"matched": [indices of values with a match]}`, `{"error": why the pattern does
not compile}` or `{"timeout": true}`. It stops at the end of its input.

Python's regex engine holds the GIL for a whole search and cannot be stopped from another
thread, but it does check for signals, in the main thread: a SIGALRM here interrupts a
catastrophic backtrack where nothing in the server could.
"""

from __future__ import annotations

import json
import re
import signal
import sys
from types import FrameType
from typing import Any


class _Expired(Exception):
    pass


def _expire(signum: int, frame: FrameType | None) -> None:
    raise _Expired


def answer(request: dict[str, Any]) -> dict[str, Any]:
    signal.setitimer(signal.ITIMER_REAL, max(0.001, float(request["seconds"])))
    try:
        try:
            pattern = re.compile(request["pattern"], int(request["flags"]))
        except (re.error, RecursionError, OverflowError, ValueError) as exc:
            return {"error": str(exc) or type(exc).__name__}
        values = request["values"]
        return {"matched": [i for i, value in enumerate(values) if pattern.search(value)]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    signal.signal(signal.SIGALRM, _expire)
    # Ctrl-C in a terminal reaches the whole process group; the server stops this helper.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for line in sys.stdin:
        try:
            reply = answer(json.loads(line))
        except _Expired:  # also when the alarm fires just as a search finishes
            reply = {"timeout": True}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
