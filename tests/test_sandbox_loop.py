"""The sandbox's event loop (sandbox/loop.py): timers wait no less than asked (the latency
a client sees is never shortened), and sockets are served as by asyncio's own loop."""

from __future__ import annotations

import asyncio
import socket
import time

from omicform.sandbox.loop import new_event_loop


def test_no_timer_fires_before_it_is_due() -> None:
    async def sleeps() -> list[float]:
        late = []
        for delay in (0.0032, 0.0105, 0.0201, 0.0007) * 5:
            started = time.monotonic()
            await asyncio.sleep(delay)
            late.append(time.monotonic() - started - delay)
        return late

    loop = new_event_loop()
    try:
        late = loop.run_until_complete(sleeps())
    finally:
        loop.close()
    assert min(late) >= 0


def test_sockets_are_read_while_a_timer_waits() -> None:
    async def exchange() -> bytes:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            reader, writer = await asyncio.open_connection(sock=ours)
            asyncio.get_running_loop().call_later(0.01, theirs.sendall, b"ping")
            data = await asyncio.wait_for(reader.readexactly(4), timeout=5)
            writer.close()
            return data

    loop = new_event_loop()
    try:
        assert loop.run_until_complete(exchange()) == b"ping"
    finally:
        loop.close()
