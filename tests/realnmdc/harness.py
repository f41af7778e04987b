"""Run the REAL NMDC Runtime API server (PyPI ``nmdc-runtime``) locally, for tests.

Usage (pytest puts ``tests/`` on ``sys.path``)::

    from realnmdc.harness import start_real_nmdc

    with start_real_nmdc(repo_root / ".cache") as nmdc:
        httpx.post(nmdc.base_url + "/token", data={...})

The server runs in its own virtualenv (``ensure_server_env``), made once under
``cache_root`` and reused, as a subprocess bound to 127.0.0.1 on a free port,
started by ``boot.py`` (beside this file), which swaps MongoDB for an in-memory
mongomock, answers web look-ups with 404 and runs Dagster jobs in-process.
Every start is a fresh, empty database. Credentials are random per start and
provisioned through the server's own API (see ``_provision``).

This module uses only the standard library, so it imports in any environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "NMDC_RUNTIME_VERSION",
    "SERVER_REQUIREMENTS",
    "RealNmdc",
    "ServerStartError",
    "ensure_server_env",
    "start_real_nmdc",
]

NMDC_RUNTIME_VERSION = "2.19.0"

# What goes into the server's virtualenv. The first three are required (bcrypt:
# passlib breaks on newer bcrypt at boot; mongomock-ng: stands in for MongoDB).
# The rest pin what boot.py's patches and docs/nmdc-wire.md were verified
# against (the versions pip resolved for nmdc-runtime 2.19.0 on 2026-11-21), so
# a later release of a dependency cannot silently change the server under test.
SERVER_REQUIREMENTS: tuple[str, ...] = (
    f"nmdc-runtime=={NMDC_RUNTIME_VERSION}",
    "bcrypt==4.0.1",
    "mongomock-ng==7.11.1",
    "uvicorn==0.54.0",
    "fastapi==0.165.0",
    "starlette==1.10.0",
    "pydantic==2.14.3",
    "pymongo==4.20.0",
    "dagster==1.13.27",
    "dagster-graphql==1.13.27",
    "requests==2.34.2",
    "nmdc-schema==11.21.0",
)

ADMIN_USERNAME = "admin"  # the server grants its default admin allowances to "admin" only
SITE_ID = "nmdc-runtime"  # the server insists on this id for its own site
USER_ADMIN_SITE_ID = "nmdc-runtime-useradmin"  # admins of this site may create users
RESTRICTED_SITE_ID = "omicform-restricted-site"
TEST_USERNAME = "omicform-test-user"

STAGING_ACTION = "/wf_file_staging"
SUBMIT_ACTION = "/metadata/json:submit"

_BOOT_SCRIPT = Path(__file__).resolve().with_name("boot.py")


class ServerStartError(RuntimeError):
    """The server did not install, boot or provision; the message carries its log."""


@dataclass(frozen=True)
class RealNmdc:
    """A running real NMDC Runtime server and the credentials provisioned on it."""

    base_url: str
    admin_username: str
    admin_password: str
    # Site client WITH the /wf_file_staging and /metadata/json:submit allowances.
    site_client_id: str
    site_client_secret: str
    # Site client (of another site) WITHOUT any allowance.
    restricted_client_id: str
    restricted_client_secret: str
    # User account (password grant) WITH the /wf_file_staging allowance.
    user_username: str
    user_password: str
    # The server's combined stdout/stderr, for debugging a failing test.
    log_path: Path


def _log(msg: str) -> None:
    print(f"[realnmdc] {msg}", file=sys.stderr, flush=True)


def _server_root(cache_root: Path) -> Path:
    return Path(cache_root).resolve() / f"nmdc-runtime-{NMDC_RUNTIME_VERSION}"


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_server_env(cache_root: Path) -> Path:
    """Make (once) the server's virtualenv and return its python.

    ``cache_root/nmdc-runtime-<version>/venv``; a marker file written only after
    a successful install records what was installed, so a half-finished or
    outdated install is wiped and redone. An ``fcntl`` lock keeps two processes
    (e.g. pytest-xdist workers) from installing at once. The first install
    downloads ~250 packages and takes a few minutes.
    """
    root = _server_root(cache_root)
    root.mkdir(parents=True, exist_ok=True)
    venv = root / "venv"
    python = _venv_python(venv)
    marker = root / "installed.json"
    wanted = {
        "requirements": list(SERVER_REQUIREMENTS),
        "python": ".".join(map(str, sys.version_info[:2])),
    }

    def ready() -> bool:
        try:
            return json.loads(marker.read_text()) == wanted and python.exists()
        except (OSError, ValueError):
            return False

    if ready():
        return python
    with open(root / ".install.lock", "w") as lock:
        _log(f"taking install lock {lock.name}")
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if ready():  # another process finished while we waited
                return python
            marker.unlink(missing_ok=True)
            if venv.exists():
                _log(f"removing incomplete/outdated server venv {venv}")
                shutil.rmtree(venv)
            started = time.monotonic()
            _log(f"creating server venv {venv}")
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)],
                check=True,
                stdout=sys.stderr,
                stderr=sys.stderr,
            )
            _log(f"pip-installing {' '.join(SERVER_REQUIREMENTS)} (takes minutes the first time)")
            proc = subprocess.Popen(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--progress-bar",
                    "off",
                    *SERVER_REQUIREMENTS,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                # Drop one noisy warning per package about absent local index dirs.
                if "is ignored: it is neither a file nor a directory" not in line:
                    sys.stderr.write(line)
            proc.wait()
            if proc.returncode != 0:
                raise ServerStartError(
                    f"pip install of the NMDC Runtime server failed (exit {proc.returncode}); "
                    f"see the output above. Requirements: {SERVER_REQUIREMENTS}"
                )
            marker.write_text(json.dumps(wanted, indent=2) + "\n")
            _log(f"server venv ready in {time.monotonic() - started:.0f} s")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return python


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# Plain urllib, never through a proxy: the server is on loopback.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _call(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    try:
        with _opener.open(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def _expect(result: tuple[int, Any], ok: tuple[int, ...], what: str) -> Any:
    status, body = result
    if status not in ok:
        raise ServerStartError(f"provisioning step failed: {what}: HTTP {status}: {body!r}")
    return body


def _tail(path: Path, limit: int = 8000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "<no server log>"


def _wait_until_up(
    proc: subprocess.Popen[bytes], base_url: str, log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServerStartError(
                f"NMDC Runtime server exited with code {proc.returncode} during boot; "
                f"its output:\n{_tail(log_path)}"
            )
        try:
            status, _ = _call(base_url, "GET", "/health", timeout=2.0)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"NMDC Runtime server did not answer GET {base_url}/health within "
                f"{timeout:.0f} s; its output:\n{_tail(log_path)}"
            )
        time.sleep(0.25)


def _provision(base_url: str, admin_password: str, site_client_id: str) -> dict[str, str]:
    """Make the test principals through the server's own API, as an admin would.

    - The bootstrap site client (made by the server at boot from API_SITE_CLIENT_*)
      gets the staging and submit allowances (POST /admin/allowances).
    - The admin creates site ``nmdc-runtime-useradmin`` (POST /sites makes its
      creator a site admin; the server treats admins of that site as user
      admins), then creates the test user (POST /users) and grants it staging.
    - The admin creates a second site and generates client credentials for it
      (POST /sites/{id}:generateCredentials): a valid client with no allowance.
    """
    admin_token = _expect(
        _call(
            base_url,
            "POST",
            "/token",
            form={"grant_type": "password", "username": ADMIN_USERNAME, "password": admin_password},
        ),
        (200,),
        "admin token",
    )["access_token"]

    def allow(username: str, action: str) -> None:
        _expect(
            _call(
                base_url,
                "POST",
                "/admin/allowances",
                token=admin_token,
                json_body={"username": username, "action": action},
            ),
            (201, 409),
            f"allowance {action} for {username}",
        )

    allow(site_client_id, STAGING_ACTION)
    allow(site_client_id, SUBMIT_ACTION)

    _expect(
        _call(base_url, "POST", "/sites", token=admin_token, json_body={"id": USER_ADMIN_SITE_ID}),
        (201, 409),
        "user-admin site",
    )
    user_password = secrets.token_urlsafe(18)
    _expect(
        _call(
            base_url,
            "POST",
            "/users",
            token=admin_token,
            json_body={"username": TEST_USERNAME, "password": user_password},
        ),
        (201,),
        "test user",
    )
    allow(TEST_USERNAME, STAGING_ACTION)

    _expect(
        _call(base_url, "POST", "/sites", token=admin_token, json_body={"id": RESTRICTED_SITE_ID}),
        (201, 409),
        "restricted site",
    )
    creds = _expect(
        _call(
            base_url, "POST", f"/sites/{RESTRICTED_SITE_ID}:generateCredentials", token=admin_token
        ),
        (200,),
        "restricted client credentials",
    )
    return {
        "user_password": user_password,
        "restricted_client_id": creds["client_id"],
        "restricted_client_secret": creds["client_secret"],
    }


@contextlib.contextmanager
def start_real_nmdc(cache_root: Path, *, startup_timeout: float = 60.0) -> Iterator[RealNmdc]:
    """Install (once), boot and provision a real NMDC Runtime server; stop it on exit.

    Yields a :class:`RealNmdc`. The database is in-memory: every start is empty
    except for what the server creates at boot and ``_provision`` adds.
    """
    cache_root = Path(cache_root).resolve()  # the server runs with another working directory
    python = ensure_server_env(cache_root)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    admin_password = secrets.token_urlsafe(18)
    site_client_id = "omicform-test-site-client"
    site_client_secret = secrets.token_urlsafe(24)

    env = dict(os.environ)
    for key in list(env):  # don't let the caller's Python setup leak into the server venv
        if key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DAGSTER_HOME"):
            del env[key]
    env.update(
        {
            "MONGO_HOST": "mongodb://127.0.0.1:27017",  # never dialled: mongomock
            "MONGO_USERNAME": "mock",
            "MONGO_PASSWORD": "mock",
            "MONGO_DBNAME": "nmdc",
            "JWT_SECRET_KEY": secrets.token_hex(32),
            "API_HOST": base_url,
            "API_HOST_EXTERNAL": base_url,
            "API_ADMIN_USER": ADMIN_USERNAME,
            "API_ADMIN_PASS": admin_password,
            "API_SITE_ID": SITE_ID,
            "API_SITE_CLIENT_ID": site_client_id,
            "API_SITE_CLIENT_SECRET": site_client_secret,
            "MINTING_SERVICE_ID": "nmdc:minter_service_11",
            "DAGIT_HOST": "http://127.0.0.1:1",  # never dialled: jobs run in-process
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    log_dir = _server_root(cache_root) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    _prune_logs(log_dir)
    fd, log_name = tempfile.mkstemp(dir=log_dir, prefix=f"server-{port}-", suffix=".log")
    log_path = Path(log_name)
    _log(f"starting NMDC Runtime {NMDC_RUNTIME_VERSION} on {base_url} (log: {log_path})")
    started = time.monotonic()
    with os.fdopen(fd, "wb") as log_file:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [str(python), str(_BOOT_SCRIPT), "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=str(_server_root(cache_root)),
            start_new_session=True,
        )
    try:
        _wait_until_up(proc, base_url, log_path, startup_timeout)
        _log(f"server up in {time.monotonic() - started:.1f} s; provisioning")
        try:
            extra = _provision(base_url, admin_password, site_client_id)
        except ServerStartError as exc:
            raise ServerStartError(f"{exc}\nserver output:\n{_tail(log_path)}") from None
        yield RealNmdc(
            base_url=base_url,
            admin_username=ADMIN_USERNAME,
            admin_password=admin_password,
            site_client_id=site_client_id,
            site_client_secret=site_client_secret,
            restricted_client_id=extra["restricted_client_id"],
            restricted_client_secret=extra["restricted_client_secret"],
            user_username=TEST_USERNAME,
            user_password=extra["user_password"],
            log_path=log_path,
        )
    finally:
        _stop(proc)


def _prune_logs(log_dir: Path, max_age_s: float = 2 * 24 * 3600) -> None:
    """Delete server logs older than two days (each start writes one)."""
    cutoff = time.time() - max_age_s
    for old in log_dir.glob("server-*.log"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # The server runs in its own session: signal only that process group,
    # which we created (it holds the uvicorn process and any job threads).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
