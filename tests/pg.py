"""A real PostgreSQL for the state backend's tests: started once per session, stopped at its end.

Debian's PostgreSQL binaries (`initdb`, `pg_ctl`) run a throwaway cluster in a temporary
folder, on 127.0.0.1 and a free port. The server refuses to run as root, so as root (CI) it
runs as the unprivileged `postgres` account. Missing binaries FAIL the tests instead of
skipping them: a skipped backend test would pass CI while the backend goes untested.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)
USER = "omicform"
# Characters a URL must percent-encode, so redaction is tested on the encoded form too.
PASSWORD = f"pw/{secrets.token_hex(6)}@x:y"
_ROOT = os.geteuid() == 0
# Local (socket) logins are trusted; TCP ones need the password, so a wrong one is refused
# and the tests see what an authentication error shows.
INITDB_FLAGS = ("-U", USER, "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256")
INITDB_FLAGS += ("--no-sync", "--no-instructions")


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    password: str
    started_in: float  # seconds, for the report at the session's end

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://{USER}:{secret}@{self.host}:{self.port}/{database}"


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        (f"{d}/{name}" for d in PG_BIN_DIRS if Path(d, name).exists()), None
    )
    if found is None:
        pytest.fail(
            f"PostgreSQL's `{name}` was not found (on PATH or in {', '.join(PG_BIN_DIRS)}): "
            "the PostgreSQL state backend's tests need a real server. Install postgresql "
            "(Debian: apt-get install postgresql-15), then run the tests again.",
            pytrace=False,
        )
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    """As root, the command runs as `postgres` (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if _ROOT else argv


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _start(pg_ctl: str, folder: Path) -> int:
    """Starts the server on a free port and returns it; another port if that one was taken."""
    data, log = folder / "data", folder / "server.log"
    for _attempt in range(3):
        port = _free_port()
        # fsync off: the tests kill clients, never the server, so durability on disk is not
        # what they test, and every commit would otherwise wait for a disk flush.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        argv = [pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
        if subprocess.run(_as_server_user(argv), capture_output=True, check=False).returncode == 0:
            return port
    pytest.fail(f"PostgreSQL did not start:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def pg_server(pytestconfig: pytest.Config) -> Iterator[PgServer]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    started = time.monotonic()
    # As root the folder is handed to `postgres`, which must reach it: /tmp, not a TMPDIR
    # that may sit in root's home.
    folder = Path(tempfile.mkdtemp(prefix="omicform-pg-", dir="/tmp" if _ROOT else None))
    data, password_file = folder / "data", folder / "password"
    password_file.write_text(PASSWORD + "\n")
    if _ROOT:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(password_file, "postgres", "postgres")
    try:
        _run([initdb, "-D", str(data), "--pwfile", str(password_file), *INITDB_FLAGS], "initdb")
        port = _start(pg_ctl, folder)
        server = PgServer("127.0.0.1", port, PASSWORD, time.monotonic() - started)
        reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"\n[postgresql] started on 127.0.0.1:{port} in {server.started_in:.1f}s"
            )
        yield server
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A URL to a database of the test's own (so its tables start absent)."""
    import psycopg

    database = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database} STRATEGY FILE_COPY")
    return pg_server.url(database)
