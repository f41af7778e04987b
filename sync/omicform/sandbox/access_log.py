"""`--access-log`: one line per request, written when its answer is finished.

uvicorn's own access log went to stdout (mixed with the exports, and block-buffered when
stdout is a pipe, so nothing showed until exit) and had no timing. This layer sits outside
everything else, so it also sees admin routes and the answers faults replaced or dropped:

    2025-01-31T10:00:00.123Z 127.0.0.1 POST /nmdc/pids/mint 200 3.1ms
"""

from __future__ import annotations

import functools
import threading
import time
from datetime import datetime, timezone
from typing import TextIO

from omicform.sandbox.faults import ASGIApp, Message, Receive, Scope, Send


class AccessLog:
    def __init__(self, app: ASGIApp, stream: TextIO) -> None:
        self.app = app
        self.stream = stream
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = "dropped"  # no answer began: the connection was closed on purpose
        written = False

        def write() -> None:
            nonlocal written
            if not written:
                written = True
                self._write(scope, status, time.monotonic() - started)

        async def logging_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                write()  # before the answer ends: a client that has it finds it logged
            await send(message)

        # Lets the fault layer reach uvicorn's connection through this wrapper, to drop it.
        functools.update_wrapper(logging_send, send)
        try:
            await self.app(scope, receive, logging_send)
        finally:
            write()

    def _write(self, scope: Scope, status: str, seconds: float) -> None:
        # The raw target as sent: percent-encoded, so no byte in it can break the line.
        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        client = scope.get("client")
        stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        line = (
            f"{stamp.replace('+00:00', 'Z')} {client[0] if client else '-'} {scope['method']} "
            f"{target.decode('latin-1')} {status} {seconds * 1000:.1f}ms\n"
        )
        with self._lock:
            self.stream.write(line)
            self.stream.flush()
