"""uvicorn's h11 protocol, with each answer leaving in one write instead of two.

uvicorn writes an answer's status line and headers as soon as the app starts it, then the
body in a second `transport.write`. On a socket with TCP_NODELAY each write is its own
`send()` and its own segment, and on loopback the kernel delivers it inside that call: the
two sends were ~30% of the sandbox's CPU per request (issue #14, py-spy under
`bench/compare.py`'s apply). The bytes, their order and the answer are unchanged; only the
writes of one loop turn are joined, so the headers leave microseconds later, with the body.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class CoalescingTransport(asyncio.Transport):
    """A socket transport whose writes are held until the end of the current loop turn.

    Everything but writing goes straight to the real transport. Closing sends what is held
    first (as the real transport sends its own buffer before it closes); aborting drops it.
    """

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._inner = inner
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return  # h11's end of a Content-Length body is b"": nothing to send
        if not self._held:
            # Runs after every callback already queued, so the app's header and body
            # writes of this turn (Starlette sends both without waiting) go out together.
            self._loop.call_soon(self._flush)
        self._held.append(bytes(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def _flush(self) -> None:
        if self._held:
            data = b"".join(self._held)
            self._held.clear()
            self._inner.write(data)

    def close(self) -> None:
        self._flush()
        self._inner.close()

    def abort(self) -> None:
        self._held.clear()
        self._inner.abort()

    def write_eof(self) -> None:
        self._flush()
        self._inner.write_eof()

    def can_write_eof(self) -> bool:
        return self._inner.can_write_eof()

    def is_closing(self) -> bool:
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._inner.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        self._inner.resume_reading()

    def is_reading(self) -> bool:
        return self._inner.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._inner.get_protocol()

    def get_write_buffer_size(self) -> int:
        return sum(map(len, self._held)) + self._inner.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._inner.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._inner.set_write_buffer_limits(high, low)


class SandboxH11Protocol(H11Protocol):
    """uvicorn's h11 protocol over a CoalescingTransport (`uvicorn.Config(http=...)`)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))
