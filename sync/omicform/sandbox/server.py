"""Running a sandbox: in a background thread (`run_sandbox`) or in the foreground (`serve`).

Both bind the listening socket themselves before uvicorn starts, so port 0 works and the
address is known (and connections queue) before the first request is served. Only
127.0.0.1 is ever bound.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import uvicorn

from omicform.sandbox.admin import SandboxAdmin
from omicform.sandbox.app import BuiltApp, build_app
from omicform.sandbox.options import (
    ClockSettings,
    FaultSettings,
    NemoVariants,
    SandboxOptions,
    parse_latency,
)
from omicform.sandbox.protocol import SandboxH11Protocol
from omicform.sandbox.routes import NEMO_API_PREFIX, NEMO_LOGIN_PREFIX, NMDC_PREFIX
from omicform.sandbox.seed import load_seed
from omicform.sandbox.state import SandboxState
from omicform.sandbox.store import Store

HOST = "127.0.0.1"
ENV_NAMES = (
    "NMDC_API_URL",
    "NMDC_CLIENT_ID",
    "NMDC_CLIENT_SECRET",
    "NEMO_API_URL",
    "NEMO_LOGIN_URL",
    "NEMO_USERNAME",
    "NEMO_PASSWORD",
)


@dataclass(frozen=True)
class Sandbox:
    """A running sandbox: where it is, how to log in, and its admin handle."""

    base_url: str
    env: dict[str, str]
    admin: SandboxAdmin
    options: SandboxOptions

    @property
    def nmdc_url(self) -> str:
        return self.env["NMDC_API_URL"]

    @property
    def nemo_url(self) -> str:
        return self.env["NEMO_API_URL"]

    @property
    def nemo_login_url(self) -> str:
        return self.env["NEMO_LOGIN_URL"]

    def exports(self) -> str:
        """The environment as `export NAME=value` lines (values are shell-safe)."""
        return "".join(f"export {name}={self.env[name]}\n" for name in ENV_NAMES)


def environment(base_url: str, options: SandboxOptions) -> dict[str, str]:
    return {
        "NMDC_API_URL": base_url + NMDC_PREFIX,
        "NMDC_CLIENT_ID": options.nmdc_client_id,
        "NMDC_CLIENT_SECRET": options.nmdc_client_secret,
        "NEMO_API_URL": base_url + NEMO_API_PREFIX,
        "NEMO_LOGIN_URL": base_url + NEMO_LOGIN_PREFIX,
        "NEMO_USERNAME": options.nemo_username,
        "NEMO_PASSWORD": options.nemo_password,
    }


_FAULT_FIELDS = {f.name for f in fields(FaultSettings)}
_CLOCK_FIELDS = {f.name for f in fields(ClockSettings)}


def make_options(**options: Any) -> SandboxOptions:
    """SandboxOptions from flat keywords: fault and clock settings may be given directly
    (`error_rate=0.1`, `latency="10ms-50ms"`, `step_seconds=0`), `nemo_variants` as a dict."""
    faults = {k: options.pop(k) for k in list(options) if k in _FAULT_FIELDS}
    timing = {k: options.pop(k) for k in list(options) if k in _CLOCK_FIELDS}
    if isinstance(faults.get("latency"), str):
        faults["latency"] = parse_latency(faults["latency"])
    if faults:
        options["faults"] = FaultSettings(**faults)
    if timing:
        options["clock"] = ClockSettings(**timing)
    if isinstance(options.get("nemo_variants"), dict):
        options["nemo_variants"] = NemoVariants(**options["nemo_variants"])
    for name in ("data_dir", "seed", "access_log"):
        if isinstance(options.get(name), str):
            options[name] = Path(options[name])
    return SandboxOptions(**options)


def prepare(options: SandboxOptions) -> tuple[SandboxState, BuiltApp]:
    """The state (store opened, seed loaded) and the app, ready to serve."""
    store = Store(options.data_dir, fresh=options.fresh)
    try:
        state = SandboxState(options, store)
        if options.seed is not None:
            load_seed(options.seed, state)
        return state, build_app(state)
    except BaseException:
        store.close()
        raise


def bind(port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they are
    # TCP, and without it every answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(1024)
    return sock


class _ExpectedCancellation(logging.Filter):
    """Drops uvicorn's traceback for a request cut off by a stop.

    On SIGTERM uvicorn lets open requests finish for `timeout_graceful_shutdown` seconds,
    then cancels them and logs each as "Exception in ASGI application" with a traceback of
    the CancelledError. For a sandbox being stopped that is the expected end, not a crash;
    uvicorn's one-line notice of the cancellation stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


def _server(app: Any) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        access_log=False,  # the sandbox writes its own (access_log.py), where it was told
        proxy_headers=False,  # it listens on 127.0.0.1, behind no proxy
        timeout_graceful_shutdown=3,
        http=SandboxH11Protocol,  # uvicorn's h11, each answer in one write (protocol.py)
        loop="omicform.sandbox.loop:new_event_loop",  # timers fire when due (loop.py)
    )
    # After the Config: it (re)configures uvicorn's loggers.
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _ExpectedCancellation) for f in logger.filters):
        logger.addFilter(_ExpectedCancellation())
    return uvicorn.Server(config)


def _sandbox(sock: socket.socket, state: SandboxState, admin: SandboxAdmin) -> Sandbox:
    port = sock.getsockname()[1]
    base_url = f"http://{HOST}:{port}"
    return Sandbox(base_url, environment(base_url, state.options), admin, state.options)


@contextmanager
def run_sandbox(options: SandboxOptions | None = None, **keywords: Any) -> Iterator[Sandbox]:
    """Starts a sandbox in a background thread on a free port; stops it on exit.

    Give a `SandboxOptions`, or its fields as keywords (fault and clock fields flat:
    `run_sandbox(step_seconds=0, error_rate=0.1, fault_seed=1)`).
    """
    opts = options if options is not None else make_options(**keywords)
    state, built = prepare(opts)
    sock = bind(opts.port)
    server = _server(built.asgi)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="omicform-sandbox", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        yield _sandbox(sock, state, built.admin)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        state.close()


def serve(options: SandboxOptions, on_ready: Callable[[Sandbox], None]) -> None:
    """Serves in this thread until SIGINT or SIGTERM (uvicorn shuts down gracefully)."""
    state, built = prepare(options)
    sock = bind(options.port)
    try:
        # The socket listens already: a client that reads the exports and connects at once
        # waits in the backlog until uvicorn accepts.
        on_ready(_sandbox(sock, state, built.admin))
        server = _server(built.asgi)

        # uvicorn handles SIGINT/SIGTERM while serving and re-raises them to the previous
        # handlers once stopped; these make that (or a signal during startup) a clean stop
        # rather than a KeyboardInterrupt traceback or a kill.
        def stop(signum: int, frame: object) -> None:
            server.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            server.run(sockets=[sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        sock.close()
        state.close()
