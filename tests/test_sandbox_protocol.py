"""The sandbox's h11 protocol (sandbox/protocol.py): an answer's writes of one loop turn
leave together, closing sends what is held first, aborting drops it."""

from __future__ import annotations

import asyncio
from typing import Any

from omicform.sandbox.protocol import CoalescingTransport


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0


def test_the_writes_of_one_loop_turn_leave_in_one_write_in_order() -> None:
    async def scenario() -> list[bytes]:
        inner = FakeTransport()
        transport = CoalescingTransport(inner, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 201 Created\r\n\r\n")
        transport.write(b"")  # h11's end of a sized body
        transport.write(bytearray(b'{"a":1}'))
        assert inner.writes == [] and transport.get_write_buffer_size() == 31
        await asyncio.sleep(0)
        transport.write(b"next")
        await asyncio.sleep(0)
        return inner.writes

    assert asyncio.run(scenario()) == [b'HTTP/1.1 201 Created\r\n\r\n{"a":1}', b"next"]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    async def scenario() -> tuple[FakeTransport, FakeTransport]:
        loop = asyncio.get_running_loop()
        closed, aborted = FakeTransport(), FakeTransport()
        first, second = CoalescingTransport(closed, loop), CoalescingTransport(aborted, loop)
        first.write(b"answer")
        first.close()
        assert closed.writes == [b"answer"] and closed.closed
        second.write(b"answer")
        second.abort()
        await asyncio.sleep(0)  # the flush that was due finds nothing
        return closed, aborted

    closed, aborted = asyncio.run(scenario())
    assert closed.writes == [b"answer"]
    assert aborted.aborted and aborted.writes == []
