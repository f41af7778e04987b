"""`$regex` filters within a time budget: the searches run in a helper process.

A 30-character pattern such as `(a+)+$` backtracks for minutes on a long value, and
Python's regex engine cannot be interrupted from another thread; searched in the server it
froze every request. The helper (`_regex_child.py`) stops its own search with an alarm when
the budget is spent; should it not answer even so, it is killed and replaced on the next
use. Either way the list request ends at once with a 400 (`RegexTimeout`).

One helper serves the whole sandbox, one search at a time; it starts on the first regex
filter (about 20 ms) and stops with the sandbox.
"""

from __future__ import annotations

import json
import re
import selectors
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BUDGET_SECONDS = 0.5  # for all the regex searches of one list request
_GRACE = 1.0  # how long past its budget the helper may take to answer before it is killed
_CHILD = Path(__file__).with_name("_regex_child.py")
_FLAGS = {"i": re.I, "m": re.M, "s": re.S, "x": re.X}


class RegexTimeout(Exception):
    """The searches took longer than their budget."""


class RegexError(ValueError):
    """The pattern does not compile."""


def flags_of(options: str) -> int:
    """MongoDB's `$options` letters as Python flags (others are ignored, as before)."""
    flags = 0
    for letter in options:
        flags |= _FLAGS.get(letter, 0)
    return flags


class RegexWorker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._closed = False

    def search(self, pattern: str, flags: int, values: Sequence[str], seconds: float) -> set[int]:
        """The indices of `values` in which `pattern` finds a match.

        Raises RegexTimeout past `seconds`, RegexError for a pattern that does not compile.
        """
        if seconds <= 0:
            raise RegexTimeout
        request = {"pattern": pattern, "flags": flags, "values": list(values), "seconds": seconds}
        with self._lock:
            answer = self._ask(json.dumps(request) + "\n", seconds + _GRACE)
        if "error" in answer:
            raise RegexError(answer["error"])
        if answer.get("timeout"):
            raise RegexTimeout
        return set(answer["matched"])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._stop()

    def _ask(self, line: str, wait: float) -> dict[str, Any]:
        process = self._running()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(line)
            process.stdin.flush()
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                ready = selector.select(wait)
            reply = process.stdout.readline() if ready else ""
        except OSError:  # the helper died: a broken pipe
            reply = ""
        if not reply:
            self._stop()
            raise RegexTimeout
        result: dict[str, Any] = json.loads(reply)
        return result

    def _running(self) -> subprocess.Popen[str]:
        if self._closed:
            raise RegexTimeout
        if self._process is None or self._process.poll() is not None:
            # -I -S: no site packages, no environment; the helper needs the stdlib only.
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-S", str(_CHILD)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
